#!/usr/bin/env bash
# The ceiling of the cart bars: redis-benchmark calling cart-mutate.lua to add an item, with as many clients as the
# service has requests in flight, so that a run can compare the full stack's cart mutations with what Redis alone
# does with the same script on the same machine.
#
#   scripts/ceiling.sh [--redis 127.0.0.1:6379] [--connections 1000] [--requests 200000] [--carts 1000]
#                      [--prefix ''] [--keep]   (a password, when the server needs one: REDISCLI_AUTH)
#
# Creates --carts carts (the service's own creation path, kind "create"), then sends --requests adds spread at random
# over them, each an add of one unit of one product: the script reads the cart, writes the line, bumps the version
# and appends the change to the stream, as a cart change from the service does. No idempotency key is given (the
# load driver gives none either), so no call can be answered as a replay; the maximum quantity is above the number of
# requests, so no add is refused.
#
# Prints redis-benchmark's CSV on stdout. Then checks that every call was a change (the stream holds one entry per
# create and per add, the carts' quantities add up to --requests) and exits 1 when not: a ceiling measured on
# anything cheaper than the change it stands for would make every ratio to it wrong. Deletes its keys unless --keep
# (every key starts with --prefix).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
REDIS=127.0.0.1:6379 CONNECTIONS=1000 REQUESTS=200000 CARTS=1000 PREFIX="" KEEP=0
while [[ $# -gt 0 ]]; do
    case "$1" in
        --redis) REDIS=$2; shift ;;
        --connections) CONNECTIONS=$2; shift ;;
        --requests) REQUESTS=$2; shift ;;
        --carts) CARTS=$2; shift ;;
        --prefix) PREFIX=$2; shift ;;
        --keep) KEEP=1 ;;
        *) echo "unknown option $1" >&2; exit 2 ;;
    esac
    shift
done
for number in CONNECTIONS REQUESTS CARTS; do
    [[ ${!number} =~ ^[1-9][0-9]*$ ]] || { echo "--${number,,} must be a positive whole number, not '${!number}'" >&2; exit 2; }
done
[[ $PREFIX =~ ^[A-Za-z0-9_:.-]*$ ]] || { echo "--prefix may hold letters, digits and _ : . - only, not '$PREFIX'" >&2; exit 2; }

RH=${REDIS%:*} RP=${REDIS##*:}
AUTH=(); [[ -n ${REDISCLI_AUTH:-} ]] && AUTH=(-a "$REDISCLI_AUTH" --no-auth-warning)
cli() { redis-cli -h "$RH" -p "$RP" "${AUTH[@]}" "$@"; }
SHA=$(cli SCRIPT LOAD "$(cat "$ROOT/cart-engine/src/main/resources/lua/cart-mutate.lua")")
NOW=$(date +%s000)
STREAM="${PREFIX}cartwright:bench-changes"
# redis-benchmark writes __rand_int__ as 12 digits, zero-padded: the carts are named the same way.
cart() { printf '%s{cart:bench-%012d}' "$PREFIX" "$1"; }
cleanup() {
    if [[ $KEEP == 0 ]]; then
        cli DEL "$STREAM" "${PREFIX}{cart:bench-x}:idem" "${PREFIX}cartwright:bench-idem-count" >/dev/null
        cli --scan --pattern "${PREFIX}{cart:bench-*" | xargs -r -n 500 redis-cli -h "$RH" -p "$RP" "${AUTH[@]}" DEL >/dev/null
    fi
}
trap cleanup EXIT

# KEYS: the cart, its idempotency key, the stream, the counter of idempotency keys. ARGV: kind, expected version,
# fingerprint ('': no idempotency key), now, idle TTL, idempotency TTL, cart id, expected owner, per kind, and last the
# trace context ('' ''). The cart id in ARGV is only what the change record names.
for i in $(seq 0 $((CARTS - 1))); do
    printf 'EVALSHA %s 4 %s %s:idem %s %scartwright:bench-idem-count create "" "" %s 3600 3600 bench-%012d "" "" USD US-CA "" ""\n' \
        "$SHA" "$(cart "$i")" "$(cart "$i")" "$STREAM" "$PREFIX" "$NOW" "$i"
done | cli >/dev/null
redis-benchmark -h "$RH" -p "$RP" "${AUTH[@]}" -c "$CONNECTIONS" -n "$REQUESTS" -r "$CARTS" --csv \
    EVALSHA "$SHA" 4 "${PREFIX}{cart:bench-__rand_int__}" "${PREFIX}{cart:bench-x}:idem" "$STREAM" "${PREFIX}cartwright:bench-idem-count" \
    add "" "" "$NOW" 3600 3600 bench "" 1 c1 "Bench product" 1 1999 1 $((REQUESTS + 1)) 200 "" ""

entries=$(cli XLEN "$STREAM")
units=$(for i in $(seq 0 $((CARTS - 1))); do printf 'HGET %s l:1\n' "$(cart "$i")"; done | cli | awk -F'|' '{ s += $1 } END { print s + 0 }')
if [[ $entries != $((CARTS + REQUESTS)) || $units != "$REQUESTS" ]]; then
    echo "the ceiling did not measure cart changes: of $REQUESTS adds, $units units reached the carts and" \
         "$((entries - CARTS)) changes the stream" >&2
    exit 1
fi
echo "ceiling checked: all $REQUESTS adds changed a cart and appended a change record" >&2
