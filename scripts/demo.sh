#!/usr/bin/env bash
# The plan's "Manual Testing" flow against the running services (./cartwright start): its grpcurl
# commands as written (served by grpcurl when installed, else by `./cartwright grpc`, the same
# command line), plus one read over HTTP/JSON with curl. Every request and reply is shown.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CHECKOUT_PORT=${CARTWRIGHT_CHECKOUT_PORT:-9003}
RETURN_PORT=${CARTWRIGHT_RETURN_PORT:-9004}
SIM_ADMIN="http://127.0.0.1:${CARTWRIGHT_SIM_ADMIN_PORT:-9100}"
HEADERS=()
[[ -n "${CARTWRIGHT_DEMO_TOKEN:-}" ]] && HEADERS=(-H "authorization: Bearer $CARTWRIGHT_DEMO_TOKEN")

bold() { printf '\n\033[1m%s\033[0m\n' "$*" >&2; }
field() { python3 -c 'import json,sys; d=json.load(sys.stdin); print(eval("d"+sys.argv[1]))' "$1"; }

# grpcurl -plaintext -d <json> <host:port> <method>; the reply lands in $REPLY_BODY.
grpcurl() {
    printf '$ grpcurl %s\n' "$(printf "%q " "$@")" >&2
    local status=0
    REPLY_BODY=$("$ROOT/cartwright" grpc "${HEADERS[@]}" "$@") || status=$?
    printf '%s\n' "$REPLY_BODY" >&2
    return $status
}

for port in "$CHECKOUT_PORT" "$RETURN_PORT"; do
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || { echo "Nothing listens on :$port: run ./cartwright start first." >&2; exit 1; }
done

bold "== Checkout Service testing (localhost:$CHECKOUT_PORT)"
bold "1. Create Cart"
grpcurl -plaintext -d '{"customer_id":"123"}' localhost:$CHECKOUT_PORT checkout.v1.CartService/CreateCart
CART_ID=$(field '["cartId"]' <<<"$REPLY_BODY")

bold "2. Add Item to Cart"
grpcurl -plaintext -d "{\"cart_id\":\"$CART_ID\",\"product_id\":\"456\",\"quantity\":2}" \
    localhost:$CHECKOUT_PORT checkout.v1.CartService/AddItem

bold "   The same cart over HTTP/JSON"
printf '$ curl -s localhost:%s/v1/carts/%s\n' "$CHECKOUT_PORT" "$CART_ID" >&2
curl -s "localhost:$CHECKOUT_PORT/v1/carts/$CART_ID" "${HEADERS[@]}" | python3 -m json.tool >&2

bold "3. Start Checkout"
if grpcurl -plaintext -d "{\"cart_id\":\"$CART_ID\"}" localhost:$CHECKOUT_PORT checkout.v1.CheckoutService/StartCheckout; then
    CHECKOUT_ID=$(field '["checkoutId"]' <<<"$REPLY_BODY")
    bold "4. Confirm Checkout (creates the order in the Order service)"
    if grpcurl -plaintext -d "{\"checkout_id\":\"$CHECKOUT_ID\",\"payment_method_id\":\"789\"}" \
        localhost:$CHECKOUT_PORT checkout.v1.CheckoutService/ConfirmCheckout; then
        BOUGHT_ORDER_ID=$(field '["orderId"]' <<<"$REPLY_BODY" 2>/dev/null || true)
    fi
else
    echo "(the checkout saga is not part of this build yet: StartCheckout answers as shown)" >&2
fi

bold "== Return Service testing (localhost:$RETURN_PORT)"
ORDER_ID=${CARTWRIGHT_DEMO_ORDER_ID:-${BOUGHT_ORDER_ID:-}}
if [[ -n "$ORDER_ID" && -z "${CARTWRIGHT_DEMO_ORDER_ID:-}" ]]; then
    # The plan's step 2: wait for the Order service to ship and deliver the order just bought
    # (platform-sim: CARTWRIGHT_SIM_DELIVERY_DELAY_MS, or POST $SIM_ADMIN/delivery-delay).
    bold "   Waiting for the Order service to ship and deliver $ORDER_ID"
    last=""
    for _ in $(seq 1 120); do
        state=$(curl -s "$SIM_ADMIN/orders/$ORDER_ID" | python3 -c 'import json,sys; o=json.load(sys.stdin); print(o.get("status",""), "deliveredAt" in o)' 2>/dev/null || true)
        [[ "$state" != "$last" ]] && echo "   order $ORDER_ID: ${state% *}" >&2 && last=$state
        [[ "$state" == *True ]] && break
        sleep 0.5
    done
    [[ "$last" == *True ]] || { echo "Order $ORDER_ID was not delivered within a minute; returning the simulator's demo order instead." >&2; ORDER_ID=""; }
fi
ORDER_ID=${ORDER_ID:-$(curl -s -XPOST "$SIM_ADMIN/demo-order" | field '["orderId"]' 2>/dev/null || true)}
[[ -n "$ORDER_ID" ]] || { echo "No delivered order to return: the simulator's $SIM_ADMIN/demo-order gave none." >&2; exit 1; }
echo "A delivered order of customer 123 to return: $ORDER_ID" >&2

bold "1. Create Return Request"
grpcurl -plaintext -d "{\"order_id\":\"$ORDER_ID\",\"items\":[{\"order_item_id\":\"1\",\"quantity\":1,\"reason\":\"defective\"}]}" \
    localhost:$RETURN_PORT return.v1.ReturnService/CreateReturnRequest
RETURN_ID=$(field '["returnId"]' <<<"$REPLY_BODY")

bold "2. Approve Return"
grpcurl -plaintext -d "{\"return_id\":\"$RETURN_ID\"}" localhost:$RETURN_PORT return.v1.ReturnService/ApproveReturn

bold "   Receive Items (they pass inspection and are restocked)"
grpcurl -plaintext -d "{\"return_id\":\"$RETURN_ID\",\"items\":[{\"order_item_id\":\"1\",\"quantity_received\":1,\"condition\":\"resellable\",\"passed_inspection\":true}]}" \
    localhost:$RETURN_PORT return.v1.ReturnService/ReceiveItems

bold "3. Verify Refund"
grpcurl -plaintext -d "{\"return_id\":\"$RETURN_ID\"}" localhost:$RETURN_PORT return.v1.ReturnService/ProcessRefund
FIRST=$(field '["refunds"][0]["refundId"]' <<<"$REPLY_BODY")

bold "   Retry the refund: idempotent, the same refund comes back"
grpcurl -plaintext -d "{\"return_id\":\"$RETURN_ID\"}" localhost:$RETURN_PORT return.v1.ReturnService/ProcessRefund
SECOND=$(field '["refunds"][0]["refundId"]' <<<"$REPLY_BODY")
COUNT=$(field '["refunds"].__len__()' <<<"$REPLY_BODY")
if [[ "$FIRST" == "$SECOND" && "$COUNT" == 1 ]]; then
    echo "Same refund $FIRST and one refund in all: the retry refunded nothing twice." >&2
else
    echo "UNEXPECTED: refunds differ ($FIRST vs $SECOND, $COUNT refunds)" >&2
    exit 1
fi
if curl -sf "$SIM_ADMIN/refunds?key=$RETURN_ID:refund" >/dev/null 2>&1; then
    bold "   Payment service's record of refunds for key $RETURN_ID:refund"
    curl -s "$SIM_ADMIN/refunds?key=$RETURN_ID:refund" | python3 -m json.tool >&2
fi

bold "   Read the return back"
grpcurl -plaintext -d "{\"return_id\":\"$RETURN_ID\"}" localhost:$RETURN_PORT return.v1.ReturnService/GetReturnRequest

bold "Demo finished."
