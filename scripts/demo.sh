#!/usr/bin/env bash
# The plan's "Manual Testing" flow against running services (./cartwright start), over the
# HTTP/JSON transcoding of the same gRPC methods. Each request and reply is shown.
set -euo pipefail

CHECKOUT="http://127.0.0.1:${CARTWRIGHT_CHECKOUT_PORT:-9003}"
RETURNS="http://127.0.0.1:${CARTWRIGHT_RETURN_PORT:-9004}"
AUTH=()
[[ -n "${CARTWRIGHT_DEMO_TOKEN:-}" ]] && AUTH=(-H "authorization: Bearer $CARTWRIGHT_DEMO_TOKEN")

bold() { printf '\n\033[1m%s\033[0m\n' "$*"; }
json_field() { python3 -c 'import json,sys; d=json.load(sys.stdin); print(eval("d"+sys.argv[1]))' "$1"; }

call() { # title, method, url, body
    local title=$1 method=$2 url=$3 body=${4:-}
    bold "$title"
    printf '$ curl -s -X %s %s%s\n' "$method" "$url" "${body:+ -d '$body'}" >&2
    local out status
    if [[ -n "$body" ]]; then
        out=$(curl -s -w '\n%{http_code}' -X "$method" "${AUTH[@]}" -H 'content-type: application/json' "$url" -d "$body")
    else
        out=$(curl -s -w '\n%{http_code}' -X "$method" "${AUTH[@]}" -H 'content-type: application/json' "$url")
    fi
    status=${out##*$'\n'}
    REPLY_BODY=${out%$'\n'*}
    printf '%s\n' "$REPLY_BODY" | python3 -m json.tool 2>/dev/null >&2 || printf '%s\n' "$REPLY_BODY" >&2
    if [[ "$status" != 200 ]]; then
        printf '(HTTP %s)\n' "$status" >&2
        return 1
    fi
}

for svc in "$CHECKOUT" "$RETURNS"; do
    curl -s -o /dev/null -m 2 "$svc" || { echo "No service at $svc: run ./cartwright start first." >&2; exit 1; }
done

bold "== Checkout Service (localhost:${CARTWRIGHT_CHECKOUT_PORT:-9003})"
call "1. Create Cart  (checkout.v1.CartService/CreateCart {\"customer_id\":\"123\"})" \
    POST "$CHECKOUT/v1/carts" '{"customer_id":"123"}'
CART_ID=$(json_field '["cartId"]' <<<"$REPLY_BODY")

call "2. Add Item to Cart  (checkout.v1.CartService/AddItem)" \
    POST "$CHECKOUT/v1/carts/$CART_ID/items" "{\"cart_id\":\"$CART_ID\",\"product_id\":\"456\",\"quantity\":2}"

call "   Read the cart back  (checkout.v1.CartService/GetCart)" GET "$CHECKOUT/v1/carts/$CART_ID"

if call "3. Start Checkout  (checkout.v1.CheckoutService/StartCheckout)" \
    POST "$CHECKOUT/v1/checkouts" "{\"cart_id\":\"$CART_ID\"}"; then
    CHECKOUT_ID=$(json_field '["checkoutId"]' <<<"$REPLY_BODY")
    call "4. Confirm Checkout  (checkout.v1.CheckoutService/ConfirmCheckout)" \
        POST "$CHECKOUT/v1/checkouts/$CHECKOUT_ID/confirm" "{\"checkout_id\":\"$CHECKOUT_ID\",\"payment_method_id\":\"789\"}" || true
else
    echo "(checkout is not available in this build; the cart steps above are the checkout service's part of the demo)" >&2
fi

bold "== Return Service (localhost:${CARTWRIGHT_RETURN_PORT:-9004})"
ORDER_ID=${CARTWRIGHT_DEMO_ORDER_ID:-$(curl -s "http://127.0.0.1:${CARTWRIGHT_SIM_ADMIN_PORT:-9100}/demo-order" \
    | json_field '["orderId"]' 2>/dev/null || true)}
[[ -n "$ORDER_ID" ]] || { echo "No delivered order to return (the simulator's /demo-order gave none)." >&2; exit 1; }
echo "A delivered order to return: $ORDER_ID" >&2

call "1. Create Return Request  (return.v1.ReturnService/CreateReturnRequest)" \
    POST "$RETURNS/v1/returns" "{\"order_id\":\"$ORDER_ID\",\"items\":[{\"order_item_id\":\"1\",\"quantity\":1,\"reason\":\"defective\"}]}"
RETURN_ID=$(json_field '["returnId"]' <<<"$REPLY_BODY")

call "2. Approve Return  (return.v1.ReturnService/ApproveReturn)" \
    POST "$RETURNS/v1/returns/$RETURN_ID/approve" "{\"return_id\":\"$RETURN_ID\"}"

call "   Receive Items  (return.v1.ReturnService/ReceiveItems)" \
    POST "$RETURNS/v1/returns/$RETURN_ID/receive" \
    "{\"return_id\":\"$RETURN_ID\",\"items\":[{\"order_item_id\":\"1\",\"quantity_received\":1,\"condition\":\"resellable\",\"passed_inspection\":true}]}"

call "3. Process Refund  (return.v1.ReturnService/ProcessRefund)" \
    POST "$RETURNS/v1/returns/$RETURN_ID/refund" "{\"return_id\":\"$RETURN_ID\"}"
FIRST_REFUND=$(json_field '["refunds"][0]["refundId"]' <<<"$REPLY_BODY")

call "   Retry the refund: idempotent, the same refund comes back" \
    POST "$RETURNS/v1/returns/$RETURN_ID/refund" "{\"return_id\":\"$RETURN_ID\"}"
SECOND_REFUND=$(json_field '["refunds"][0]["refundId"]' <<<"$REPLY_BODY")
COUNT=$(json_field '["refunds"].__len__()' <<<"$REPLY_BODY")
if [[ "$FIRST_REFUND" == "$SECOND_REFUND" && "$COUNT" == 1 ]]; then
    echo "Same refund $FIRST_REFUND, one refund in all: no duplicate." >&2
else
    echo "UNEXPECTED: refunds differ ($FIRST_REFUND vs $SECOND_REFUND, $COUNT refunds)" >&2; exit 1
fi

call "   Read the return back  (return.v1.ReturnService/GetReturnRequest)" GET "$RETURNS/v1/returns/$RETURN_ID"

bold "Demo finished."
