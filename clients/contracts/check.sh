#!/usr/bin/env bash
# Contract checks (./cartwright test and CI run them):
#   1. buf lint on protos/ (rules in protos/buf.yaml)
#   2. buf breaking: the contracts against the released baseline (baseline.binpb); a change deployed clients would
#      not survive (a field number, a type, a removed field or RPC, a JSON name) fails here
#   3. the guard itself: a copy of the contracts with one field number changed must fail step 2
#   4. the TypeScript client's generated code and the OpenAPI description are what the contracts generate now
# Releasing a contract change on purpose: ./clients/contracts/check.sh --update-baseline (then commit baseline.binpb).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
BUF="$ROOT/clients/typescript/node_modules/.bin/buf"
BASELINE="$ROOT/clients/contracts/baseline.binpb"
BREAKING_CONFIG='{"version":"v2","breaking":{"use":["WIRE_JSON"]}}'
[[ -x "$BUF" ]] || { echo "contracts: buf is not installed: (cd clients/typescript && npm ci)" >&2; exit 1; }
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

if [[ "${1:-}" == "--update-baseline" ]]; then
    "$BUF" build "$ROOT/protos" --exclude-source-info -o "$BASELINE"
    echo "contracts: baseline.binpb is now the contracts as they are; commit it with the change that releases them"
    exit 0
fi

echo "contracts: buf lint"
"$BUF" lint "$ROOT/protos"

echo "contracts: buf breaking against the released baseline (clients/contracts/baseline.binpb)"
"$BUF" build "$ROOT/protos" -o "$TMP/current.binpb"
"$BUF" breaking "$TMP/current.binpb" --against "$BASELINE" --config "$BREAKING_CONFIG"

echo "contracts: a changed field number must be caught"
mkdir -p "$TMP/changed"
cp -r "$ROOT/protos/buf.yaml" "$ROOT/protos/third_party" "$TMP/changed/"
mkdir -p "$TMP/changed/src/main" && cp -r "$ROOT/protos/src/main/proto" "$TMP/changed/src/main/"
sed -i 's/^  int32 quantity = 3;/  int32 quantity = 13;/' "$TMP/changed/src/main/proto/checkout/v1/cart.proto"
! cmp -s "$ROOT/protos/src/main/proto/checkout/v1/cart.proto" "$TMP/changed/src/main/proto/checkout/v1/cart.proto" \
    || { echo "contracts: the self-test found no field to change in cart.proto" >&2; exit 1; }
"$BUF" build "$TMP/changed" -o "$TMP/changed.binpb"
if "$BUF" breaking "$TMP/changed.binpb" --against "$BASELINE" --config "$BREAKING_CONFIG" >"$TMP/changed.out" 2>&1; then
    echo "contracts: buf breaking did NOT catch AddItemRequest.quantity moving from field 3 to 13" >&2; exit 1
fi
grep -q 'Previously present field "3" with name "quantity" on message "AddItemRequest"' "$TMP/changed.out" \
    || { echo "contracts: buf breaking failed for another reason:" >&2; cat "$TMP/changed.out" >&2; exit 1; }
echo "contracts: caught: $(head -1 "$TMP/changed.out")"

echo "contracts: generated client code and OpenAPI description are current"
(cd "$ROOT/clients/typescript" && PATH="$PWD/node_modules/.bin:$PATH" "$BUF" generate -o "$TMP/gen")
diff -r "$ROOT/clients/typescript/src/gen" "$TMP/gen/src/gen" >/dev/null \
    || { echo "contracts: clients/typescript/src/gen is stale: (cd clients/typescript && npm run generate), then commit it" >&2; exit 1; }
(cd "$ROOT/clients/typescript" && npm run --silent build && node scripts/openapi.mjs "$TMP/openapi.json" >/dev/null)
cmp -s "$ROOT/docs/openapi/cartwright.openapi.json" "$TMP/openapi.json" \
    || { echo "contracts: docs/openapi/cartwright.openapi.json is stale: (cd clients/typescript && npm run openapi), then commit it" >&2; exit 1; }
echo "contracts: all checks passed"
