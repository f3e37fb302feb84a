#!/usr/bin/env bash
# Checks the three images Jib wrote (`./cartwright images`) by running them, without a Docker engine: each image tar
# is unpacked (its layers in order, whiteouts applied) into a folder, and the image's own entrypoint and command run
# there with the image's environment, working directory and user, under chroot in a new mount and PID namespace
# (/proc and /dev mounted as a runtime would). Then each one must answer:
#   platform-sim      GET /status on its admin port
#   checkout-service  GET /ready (Redis, PostgreSQL, prices loaded from the simulators) 200; a cart created, an item
#                     added and read back priced over HTTP/JSON
#   return-service    GET /ready (PostgreSQL) 200; ListReturnRequests over HTTP/JSON answers 200
# and stop on SIGTERM, exit status 143, with their shutdown's last log line written. It also checks that each image
# runs as a non-root user and is named as docker-compose.yml and deploy/k8s name it. Exits non-zero on the first
# failure, with the end of the image's log.
#
#   deploy/images/check-images.sh            (as root; PostgreSQL and Redis reachable, as for the tests)
#
# Ports: CARTWRIGHT_IMAGES_CHECK_PORT_BASE (19300): the simulators on base ... base+8, the Checkout Service on +10/+11,
# the Return Service on +12/+13; Kafka is pointed at base+99, where nothing listens (the services run without it).
# PostgreSQL and Redis from CARTWRIGHT_PG_HOST/PORT/USER/PASSWORD and CARTWRIGHT_REDIS_URL as everywhere; the
# services use their own databases (images_check_checkout, images_check_return) and Redis keys under images-check:.
# JVM options for the three: CARTWRIGHT_IMAGES_CHECK_JAVA_OPTS (-Xmx384m), through JAVA_TOOL_OPTIONS.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
WORK="${CARTWRIGHT_IMAGES_CHECK_DIR:-$ROOT/target/images/check}"
BASE_PORT="${CARTWRIGHT_IMAGES_CHECK_PORT_BASE:-19300}"
JAVA_OPTS="${CARTWRIGHT_IMAGES_CHECK_JAVA_OPTS:--Xmx384m}"
PG_HOST="${CARTWRIGHT_PG_HOST:-127.0.0.1}"
PG_PORT="${CARTWRIGHT_PG_PORT:-5432}"
REDIS_URL="${CARTWRIGHT_REDIS_URL:-redis://127.0.0.1:6379}"

SIM_PORT=$BASE_PORT
CHECKOUT_PORT=$((BASE_PORT + 10))
CHECKOUT_ADMIN_PORT=$((BASE_PORT + 11))
RETURN_PORT=$((BASE_PORT + 12))
RETURN_ADMIN_PORT=$((BASE_PORT + 13))
NO_KAFKA="127.0.0.1:$((BASE_PORT + 99))"

say() { printf '[images] %s\n' "$*"; }
fail() { printf '[images] FAILED: %s\n' "$*" >&2; exit 1; }

[[ $(id -u) == 0 ]] || fail "needs root (chroot and namespaces)"
for tool in jq curl unshare chroot; do command -v "$tool" >/dev/null || fail "$tool is not installed"; done

declare -A STARTED=()  # image name -> PID of the image's process (PID 1 in its namespace)
declare -A STOPPED=()  # image name -> how it stopped
declare -A LAUNCHER=() # image name -> PID of unshare, which exits with the image's process's status
stop_all() {
    local name
    for name in "${!STARTED[@]}"; do
        kill -KILL "${STARTED[$name]}" 2>/dev/null || true
    done
}
trap stop_all EXIT

# The image tar's first tag must be the image docker-compose.yml (and deploy/k8s, for the services) runs.
check_name() { # name, tar
    local name=$1 tar=$2 tag compose
    tag=$(tar -xOf "$tar" manifest.json | jq -r '.[0].RepoTags[0] // empty')
    compose=$(grep -oE "image: cartwright/$name:[^[:space:]]+" "$ROOT/docker-compose.yml" | head -1 | cut -d' ' -f2)
    [[ -n "$compose" ]] || fail "docker-compose.yml runs no image cartwright/$name"
    [[ "$tag" == "$compose" ]] || fail "$tar is tagged '$tag'; docker-compose.yml runs '$compose'"
    if [[ "$name" != platform-sim ]]; then
        grep -q "image: $tag\$" "$ROOT"/deploy/k8s/*.yaml || fail "deploy/k8s names no image $tag"
    fi
    echo "$tag"
}

# The image's layers, in the manifest's order, into DIR/rootfs; a layer's whiteouts remove what lower layers put there.
unpack() { # tar, dir
    local tar=$1 dir=$2 layer entry parent base
    rm -rf "$dir"
    mkdir -p "$dir/image" "$dir/rootfs"
    tar -xf "$tar" -C "$dir/image" --warning=no-unknown-keyword
    while IFS= read -r layer; do
        while IFS= read -r entry; do
            entry=${entry#./}
            base=${entry##*/}
            parent=.
            [[ "$entry" == */* ]] && parent=${entry%/*}
            case "$base" in
                .wh..wh..opq) find "$dir/rootfs/$parent" -mindepth 1 -maxdepth 1 -exec rm -rf {} + ;;
                .wh.*) rm -rf "${dir:?}/rootfs/$parent/${base#.wh.}" ;;
            esac
        done < <(tar -tf "$dir/image/$layer" --warning=no-unknown-keyword | grep -F '.wh.' || true)
        # Jib's layers carry libarchive's creation-time records, which GNU tar does not know and need not.
        tar -xf "$dir/image/$layer" -C "$dir/rootfs" --numeric-owner --warning=no-unknown-keyword \
            --exclude='.wh.*' --exclude='*/.wh.*'
    done < <(jq -r '.[0].Layers[]' "$dir/image/manifest.json")
    # A runtime provides these two files; the name servers are this machine's.
    mkdir -p "$dir/rootfs/etc"
    touch "$dir/rootfs/etc/hosts" "$dir/rootfs/etc/resolv.conf"
}

# USER of the image as uid:gid, names looked up in the image's own /etc/passwd and /etc/group.
user_spec() { # rootfs, user
    local rootfs=$1 user=$2 uid gid
    uid=${user%%:*}
    gid=""
    [[ "$user" == *:* ]] && gid=${user#*:}
    if ! [[ "$uid" =~ ^[0-9]+$ ]]; then
        uid=$(awk -F: -v u="$uid" '$1 == u { print $3 }' "$rootfs/etc/passwd")
        [[ -n "$uid" ]] || fail "user ${user%%:*} is not in the image's /etc/passwd"
    fi
    if [[ -z "$gid" ]]; then
        gid=$(awk -F: -v u="$uid" '$3 == u { print $4 }' "$rootfs/etc/passwd" 2>/dev/null)
        gid=${gid:-$uid}
    elif ! [[ "$gid" =~ ^[0-9]+$ ]]; then
        gid=$(awk -F: -v g="$gid" '$1 == g { print $3 }' "$rootfs/etc/group")
    fi
    echo "$uid:$gid"
}

# Runs the image's entrypoint + command in its unpacked root, as its user, with its environment plus the given one.
run_image() { # name, dir, extra NAME=value...
    local name=$1 dir=$2 config user spec workdir launcher pid
    shift 2
    config="$dir/image/$(jq -r '.[0].Config' "$dir/image/manifest.json")"
    user=$(jq -r '.config.User // ""' "$config")
    [[ -n "$user" && "$user" != 0 && "$user" != root && "${user%%:*}" != 0 ]] || fail "$name runs as root (USER '$user')"
    spec=$(user_spec "$dir/rootfs" "$user")
    workdir=$(jq -r '.config.WorkingDir // "/" | if . == "" then "/" else . end' "$config")
    local -a env command
    mapfile -t env < <(jq -r '.config.Env // [] | .[]' "$config")
    mapfile -t command < <(jq -r '(.config.Entrypoint // []) + (.config.Cmd // []) | .[]' "$config")
    (( ${#command[@]} > 0 )) || fail "$name has neither entrypoint nor command"
    say "$name: running '${command[*]}' as $user ($spec) in $workdir"
    unshare --mount --pid --fork -- sh -ec '
        root=$1 spec=$2 workdir=$3; shift 3
        mount -t proc proc "$root/proc"
        mount --rbind /dev "$root/dev"
        mount --bind -o ro /etc/resolv.conf "$root/etc/resolv.conf"
        exec chroot --userspec="$spec" --groups="${spec#*:}" "$root" /usr/bin/env -i --chdir="$workdir" "$@"' \
        sh "$dir/rootfs" "$spec" "$workdir" "${env[@]}" "JAVA_TOOL_OPTIONS=$JAVA_OPTS" "$@" "${command[@]}" \
        >"$dir/run.log" 2>&1 &
    launcher=$!
    for _ in $(seq 1 40); do
        pid=$(ps -o pid= --ppid "$launcher" | tr -d ' ' | head -1)
        [[ -n "$pid" ]] && break
        sleep 0.1
    done
    [[ -n "$pid" ]] || fail "$name did not start ($(tail -5 "$dir/run.log"))"
    STARTED[$name]=$pid
    LAUNCHER[$name]=$launcher
}

# Waits until URL answers 200 (at most SECONDS), failing early when the image's process has exited.
wait_ok() { # name, dir, url, seconds
    local name=$1 dir=$2 url=$3 secs=$4 code=000 i
    for ((i = 0; i < secs * 2; i++)); do
        code=$(curl -s -m 2 -o /dev/null -w '%{http_code}' "$url" || true)
        [[ "$code" == 200 ]] && return 0
        if ! kill -0 "${STARTED[$name]}" 2>/dev/null; then
            tail -30 "$dir/run.log" >&2
            fail "$name exited before $url answered"
        fi
        sleep 0.5
    done
    tail -30 "$dir/run.log" >&2
    fail "$url did not answer 200 within ${secs}s (last: $code); the log is $dir/run.log"
}

# The process really runs as the image's user (read in /proc, from outside its namespace).
check_user() { # name, spec
    local name=$1 spec=$2 uid
    uid=$(awk '/^Uid:/ { print $2 }' "/proc/${STARTED[$name]}/status")
    [[ "$uid" == "${spec%%:*}" ]] || fail "$name runs as uid $uid, its image says ${spec%%:*}"
}

# SIGTERM to the image's process, as a runtime stops a container: it must exit within 40 s with status 143, the JVM's
# orderly exit on SIGTERM once its shutdown hooks have run (a JVM that crashed or was killed exits otherwise), and its
# shutdown's last line must be in its output.
stop_image() { # name, dir, log line the service's shutdown writes
    local name=$1 dir=$2 expected=$3 pid=${STARTED[$1]} i status=0
    kill -TERM "$pid"
    for ((i = 0; i < 80; i++)); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.5
    done
    if kill -0 "$pid" 2>/dev/null; then
        kill -KILL "$pid" 2>/dev/null || true
        fail "$name did not stop within 40 s of SIGTERM"
    fi
    wait "${LAUNCHER[$name]}" || status=$?
    unset "STARTED[$name]"
    [[ "$status" == 143 ]] || { tail -20 "$dir/run.log" >&2; fail "$name exited with status $status on SIGTERM (143 expected)"; }
    grep -q "$expected" "$dir/run.log" || { tail -20 "$dir/run.log" >&2; fail "$name stopped without logging '$expected'"; }
    STOPPED[$name]="exit 143 on SIGTERM after logging '$expected'"
}

image_tar() { # module
    local tar="$ROOT/$1/target/jib-image.tar"
    [[ -f "$tar" ]] || fail "$tar is missing: ./cartwright images builds it"
    echo "$tar"
}

describe() { # name, tag, tar, dir, seconds to ready
    say "$1 OK: $2, image tar $(du -h "$3" | cut -f1), unpacked $(du -sh "$4/rootfs" | cut -f1), $(tar -xOf "$3" manifest.json \
        | jq '.[0].Layers | length') layers, ready in ${5}s, ${STOPPED[$1]}"
}

mkdir -p "$WORK"
NEIGHBOURS=()
offset=1
for neighbour in CATALOG PRICING PROMOTION WAREHOUSE PAYMENT SHIPPING ORDER CUSTOMER; do
    NEIGHBOURS+=("CARTWRIGHT_${neighbour}_ADDR=127.0.0.1:$((SIM_PORT + offset))")
    offset=$((offset + 1))
done
STORES=(CARTWRIGHT_PG_HOST="$PG_HOST" CARTWRIGHT_PG_PORT="$PG_PORT" CARTWRIGHT_REDIS_URL="$REDIS_URL"
    CARTWRIGHT_KAFKA_BOOTSTRAP="$NO_KAFKA" CARTWRIGHT_KAFKA_CREATE_TOPICS=false)
[[ -n "${CARTWRIGHT_PG_USER:-}" ]] && STORES+=(CARTWRIGHT_PG_USER="$CARTWRIGHT_PG_USER")
[[ -n "${CARTWRIGHT_PG_PASSWORD:-}" ]] && STORES+=(CARTWRIGHT_PG_PASSWORD="$CARTWRIGHT_PG_PASSWORD")

# --- the neighbour simulators -------------------------------------------------------------------------------------
tar=$(image_tar platform-sim)
tag=$(check_name platform-sim "$tar")
dir="$WORK/platform-sim"
unpack "$tar" "$dir"
started=$SECONDS
run_image platform-sim "$dir" CARTWRIGHT_SIM_HOST=127.0.0.1 CARTWRIGHT_SIM_BASE_PORT="$SIM_PORT" CARTWRIGHT_SIM_ADMIN_PORT="$SIM_PORT"
wait_ok platform-sim "$dir" "http://127.0.0.1:$SIM_PORT/status" 90
sim_ready=$((SECONDS - started))
check_user platform-sim "$(user_spec "$dir/rootfs" "$(jq -r '.config.User' "$dir/image/$(jq -r '.[0].Config' "$dir/image/manifest.json")")")"
say "platform-sim answers GET /status: $(curl -s -m 5 "http://127.0.0.1:$SIM_PORT/status" | head -c 160)"
sim_dir=$dir sim_tag=$tag sim_tar=$tar

# --- the Checkout Service -----------------------------------------------------------------------------------------
tar=$(image_tar checkout-verticles)
tag=$(check_name checkout-service "$tar")
dir="$WORK/checkout-service"
unpack "$tar" "$dir"
started=$SECONDS
run_image checkout-service "$dir" "${STORES[@]}" "${NEIGHBOURS[@]}" \
    CARTWRIGHT_CHECKOUT_PORT="$CHECKOUT_PORT" CARTWRIGHT_CHECKOUT_ADMIN_PORT="$CHECKOUT_ADMIN_PORT" \
    CARTWRIGHT_CHECKOUT_DB=images_check_checkout CARTWRIGHT_REDIS_KEY_PREFIX=images-check: \
    CARTWRIGHT_CART_CHANGES_STREAM=images-check:cart-changes CARTWRIGHT_CART_IDLE_TTL=1h
wait_ok checkout-service "$dir" "http://127.0.0.1:$CHECKOUT_ADMIN_PORT/ready" 180
checkout_ready=$((SECONDS - started))
check_user checkout-service "$(user_spec "$dir/rootfs" "$(jq -r '.config.User' "$dir/image/$(jq -r '.[0].Config' "$dir/image/manifest.json")")")"
api="http://127.0.0.1:$CHECKOUT_PORT"
cart=$(curl -s -m 10 -XPOST "$api/v1/carts" -d '{"currency_code":"USD"}')
cart_id=$(jq -r '.cartId // empty' <<<"$cart")
[[ -n "$cart_id" ]] || fail "CreateCart over HTTP/JSON did not answer a cart: $cart"
added=$(curl -s -m 10 -o /dev/null -w '%{http_code}' -XPOST "$api/v1/carts/$cart_id/items" -d '{"product_id":"456","quantity":2}')
[[ "$added" == 200 ]] || fail "AddItem answered HTTP $added"
cart=$(curl -s -m 10 "$api/v1/carts/$cart_id")
line=$(jq -c '[(.items // [])[] | select(.productId == "456")][0] // empty' <<<"$cart")
[[ -n "$line" && $(jq -r '.quantity' <<<"$line") == 2 ]] || fail "GetCart does not show the 2 items added: $cart"
# Priced by the pricing simulator: the line's subtotal is more than zero.
jq -e '(.subtotal.amountMinor // "0" | tonumber) > 0' <<<"$line" >/dev/null || fail "the line is not priced: $line"
say "checkout-service: cart $cart_id holds $(jq -r '"\(.quantity) x \(.name) (\(.productId)), subtotal \(.subtotal.amountMinor) \(.subtotal.currencyCode)"' <<<"$line")"

# --- the Return Service -------------------------------------------------------------------------------------------
tar=$(image_tar return-verticles)
rtag=$(check_name return-service "$tar")
rdir="$WORK/return-service"
unpack "$tar" "$rdir"
started=$SECONDS
run_image return-service "$rdir" "${STORES[@]}" "${NEIGHBOURS[@]}" \
    CARTWRIGHT_RETURN_PORT="$RETURN_PORT" CARTWRIGHT_RETURN_ADMIN_PORT="$RETURN_ADMIN_PORT" \
    CARTWRIGHT_RETURN_DB=images_check_return
wait_ok return-service "$rdir" "http://127.0.0.1:$RETURN_ADMIN_PORT/ready" 180
return_ready=$((SECONDS - started))
check_user return-service "$(user_spec "$rdir/rootfs" "$(jq -r '.config.User' "$rdir/image/$(jq -r '.[0].Config' "$rdir/image/manifest.json")")")"
listed=$(curl -s -m 10 -w ' HTTP %{http_code}' "http://127.0.0.1:$RETURN_PORT/v1/returns?customer_id=cust-images-check")
[[ "$listed" == *" HTTP 200" ]] || fail "ListReturnRequests over HTTP/JSON answered: $listed"
say "return-service: ListReturnRequests answers ${listed% HTTP 200} (HTTP 200)"

# --- stop them as a runtime would ---------------------------------------------------------------------------------
stop_image return-service "$rdir" "Return Service stopped"
stop_image checkout-service "$dir" "event=stopped"
stop_image platform-sim "$sim_dir" "platform-sim stopped"
describe platform-sim "$sim_tag" "$sim_tar" "$sim_dir" "$sim_ready"
describe checkout-service "$tag" "$(image_tar checkout-verticles)" "$dir" "$checkout_ready"
describe return-service "$rtag" "$(image_tar return-verticles)" "$rdir" "$return_ready"
say "all three images run from their own files, as their own non-root user, and answer"
