#!/usr/bin/env bash
# The standard benchmark, end to end on one machine: the ceiling (redis-benchmark calling the cart
# Lua script), the native gRPC driver (open loop) and the Gatling cart simulation over HTTP/JSON,
# all in one run so that the figures can be compared as ratios. The ceiling is measured before the
# capacity run and again right after it, and the ratios are taken against the mean of the two. Writes JSON and Markdown under
# loadtest/results/<timestamp>/ and adds the Markdown to BENCHMARKS.md.
#
#   ./cartwright bench [--duration 60] [--warmup 15] [--rate 3000] [--connections 1000]
#                      [--users 1000] [--think-ms 0,1000] [--target 127.0.0.1:9003] [--redis 127.0.0.1:6379]
#                      [--settle 180] [--no-gatling] [--no-driver] [--no-ceiling] [--no-record] [--jmh]
#                      [--protocol-rate 1000] [--protocol-rounds 2] [--no-protocols] [--no-floor]
#
# The protocol phases measure what a request costs the service over each protocol: the driver runs the same shopper
# sessions over native gRPC and over HTTP/JSON (the storefronts' path), alternately, --protocol-rounds times each, at
# --protocol-rate requests/s open loop for --duration seconds after --warmup; the driver reads the Checkout Service's
# CPU time (utime + stime from /proc/PID/stat) when its measured requests start and when the last has answered, which
# gives the service's CPU per 1000 requests per protocol and their ratio, in the same run. For those phases alone: --no-ceiling --no-driver --no-gatling.
#
# Gatling runs CartSimulation once per think time in --think-ms (a comma-separated list): --users shoppers, all of
# them active for --duration seconds after a ramp of 10 s (a closed model: with no think time, --users requests are
# always in flight). Before each measured phase the run waits, at most --settle seconds, until the write-behind and
# the Kafka bridge have caught up with what the previous phase left them, so that no phase pays for another; the
# wait is recorded. At the start it runs VACUUM ANALYZE on the cart tables (a local target only), so that every run
# starts from tables with statistics whatever autovacuum does on the box; when the server's autovacuum is off it does
# so again before every phase, as autovacuum would: a table analyzed while empty (cart_promotions on a fresh stack,
# before Gatling applies the first codes) has no statistics, and the write-behind's cached batch deletes then scan it
# whole however large it grows (BENCHMARKS.md, "Plans made for an empty table, and the first run of a series").
#
# --jmh also builds the JMH benchmarks of cart-engine and checkout-verticles (-Pjmh) and runs them all with short
# settings ($JMH_SETTINGS below: one fork, 2 warm-up and 3 measured iterations of 1 s, allocation profiler), writing
# jmh-<module>.json and .log into the run's folder and one summary line per benchmark. The store benchmarks need
# Redis at --redis, and CartRowsWriteBenchmark a PostgreSQL on this machine (CARTWRIGHT_PG_HOST, _PORT, _USER and
# CARTWRIGHT_CHECKOUT_DB). For the JMH part alone: --jmh --no-ceiling --no-driver --no-gatling (nothing else is started).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"  # Maven runs with -pl, relative to the project root
DURATION=60 WARMUP=15 RATE=3000 CONNECTIONS=1000 USERS=1000 THINK_MS=0,1000 SETTLE=180
TARGET=127.0.0.1:9003 REDIS=127.0.0.1:6379 ADMIN=""
GATLING=1 DRIVER=1 CEILING=1 RECORD=1 JMH=0 PROTOCOLS=1 PROTOCOL_RATE=1000 PROTOCOL_ROUNDS=2 FLOOR=1
FLOOR_PORT=${CARTWRIGHT_FLOOR_PORT:-9199}
JMH_SETTINGS="-f 1 -wi 2 -w 1s -i 3 -r 1s -prof gc"
while [[ $# -gt 0 ]]; do
    case "$1" in
        --duration) DURATION=$2; shift ;;
        --warmup) WARMUP=$2; shift ;;
        --rate) RATE=$2; shift ;;
        --connections) CONNECTIONS=$2; shift ;;
        --users) USERS=$2; shift ;;
        --think-ms) THINK_MS=$2; shift ;;
        --settle) SETTLE=$2; shift ;;
        --target) TARGET=$2; shift ;;
        --redis) REDIS=$2; shift ;;
        --admin) ADMIN=$2; shift ;;
        --no-gatling) GATLING=0 ;;
        --no-driver) DRIVER=0 ;;
        --no-ceiling) CEILING=0 ;;
        --no-record) RECORD=0 ;;
        --jmh) JMH=1 ;;
        --protocol-rate) PROTOCOL_RATE=$2; shift ;;
        --protocol-rounds) PROTOCOL_ROUNDS=$2; shift ;;
        --no-protocols) PROTOCOLS=0 ;;
        --no-floor) FLOOR=0 ;;
        *) echo "unknown option $1" >&2; exit 2 ;;
    esac
    shift
done
HOST=${TARGET%:*}
ADMIN=${ADMIN:-http://$HOST:${CARTWRIGHT_CHECKOUT_ADMIN_PORT:-9013}}
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
OUT="$ROOT/loadtest/results/$STAMP"
mkdir -p "$OUT"
step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

# --- the services (only what calls them needs them) -----------------------------------------
LOAD=0
[[ $DRIVER == 1 || $GATLING == 1 || $PROTOCOLS == 1 ]] && LOAD=1
if [[ $LOAD == 1 ]]; then
    if [[ "$HOST" == 127.0.0.1 || "$HOST" == localhost ]] && ! (exec 3<>"/dev/tcp/127.0.0.1/${TARGET##*:}") 2>/dev/null; then
        step "Starting the services"
        "$ROOT/cartwright" start --no-demo
    fi
    [[ -f "$ROOT/loadtest/target/classpath.txt" ]] || "$ROOT/mvnw" -B -q -o -pl loadtest -am install -DskipTests -Dcheckstyle.skip \
        || "$ROOT/mvnw" -B -q -pl loadtest -am install -DskipTests -Dcheckstyle.skip
    DRIVER_CP="$ROOT/loadtest/target/classes:$(cat "$ROOT/loadtest/target/classpath.txt")"
fi

# --- process accounting -------------------------------------------------------------------
descendants() { # pid: that process and all below it
    local child
    echo "$1"
    for child in $(ps -o pid= --ppid "$1" 2>/dev/null); do descendants "$child"; done
}
service_pid() { [[ -f "$ROOT/.run/pids/$1.pid" ]] && cat "$ROOT/.run/pids/$1.pid" || true; }
cpu_ticks() { # sum of utime+stime of the given pids, in clock ticks
    local total=0 pid
    for pid in "$@"; do
        [[ -r /proc/$pid/stat ]] || continue
        total=$((total + $(awk '{print $14 + $15}' "/proc/$pid/stat")))
    done
    echo "$total"
}
pids_of() { # name: pids of the processes this benchmark accounts to that name
    case "$1" in
        redis) pgrep -x redis-server || true ;;
        postgres) pgrep -x postgres || true ;;
        *) service_pid "$1" ;;
    esac
}
stack_names() { # the processes accounted by name: the four the summary leads with, then the rest of the stack
    local file name
    echo checkout redis postgres kafka
    for file in "$ROOT"/.run/pids/*.pid; do
        [[ -e "$file" ]] || continue
        name=$(basename "$file" .pid)
        case "$name" in checkout | redis | postgres | kafka) ;; *) echo "$name" ;; esac
    done
}
snapshot_cpu() { # file
    local name
    # Every process the stack started (.run/pids: the gateway, the simulators, the Order service, the Return Service,
    # the storefront, a second Checkout Service...) by its name, so that a phase where one of them is busy says which.
    for name in $(stack_names); do
        # shellcheck disable=SC2046
        echo "$name $(cpu_ticks $(pids_of "$name"))"
    done >"$1"
    # Busy time of the whole machine (user, nice, system, irq, softirq, steal): on a shared box, what the others took.
    awk '/^cpu / {print "machine", $2 + $3 + $4 + $7 + $8 + $9}' /proc/stat >>"$1"
    # PostgreSQL process by process, with the title it shows (a connection's user and database, or the background
    # process it is: checkpointer, walwriter...), so that the summary can say which of them did the work.
    local pid
    for pid in $(pids_of postgres); do
        [[ -r /proc/$pid/stat ]] || continue
        echo "$pid $(cpu_ticks "$pid") $(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null)"
    done >"${1%.txt}-postgres.txt"
}
scrape() { curl -s -m 5 "$ADMIN/metrics" >"$1" || true; }

{
    echo "date=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
    echo "cpu=$(lscpu | sed -n 's/^Model name:\s*//p' | head -1)"
    echo "cores=$(nproc)"
    echo "memory=$(free -g | awk '/Mem:/ {print $2 " GiB"}')"
    echo "java=$(java -version 2>&1 | head -1)"
    echo "redis=$(redis-server --version | awk '{print $3}')"
    echo "redis_aof=$(redis-cli -h "${REDIS%:*}" -p "${REDIS##*:}" CONFIG GET appendonly | tail -1)"
    echo "redis_fsync=$(redis-cli -h "${REDIS%:*}" -p "${REDIS##*:}" CONFIG GET appendfsync | tail -1)"
    echo "pg_autovacuum=$(psql -h "${CARTWRIGHT_PG_HOST:-127.0.0.1}" -p "${CARTWRIGHT_PG_PORT:-5432}" -U "${CARTWRIGHT_PG_USER:-postgres}" \
        -d "${CARTWRIGHT_CHECKOUT_DB:-checkout_db}" -Atc 'SHOW autovacuum' 2>/dev/null || echo unknown)"
    echo "clk_tck=$(getconf CLK_TCK)"
} >"$OUT/machine.txt"

# --- settling: the background catches up before a phase is measured ---------------------------
metric() { # name: its value (summed over labels) on the service's /metrics, or empty
    curl -s -m 5 "$ADMIN/metrics" | awk -v n="$1" '$1 == n || index($1, n "{") == 1 {s += $2; f = 1} END {if (f) printf "%d", s}'
}
LOCAL_PG=0
if [[ $LOAD == 1 ]] && [[ "$HOST" == 127.0.0.1 || "$HOST" == localhost ]]; then LOCAL_PG=1; fi
vacuum_cart_tables() { # VACUUM ANALYZE of the cart tables (a local target only)
    [[ $LOCAL_PG == 1 ]] || return 0
    psql -h "${CARTWRIGHT_PG_HOST:-127.0.0.1}" -p "${CARTWRIGHT_PG_PORT:-5432}" -U "${CARTWRIGHT_PG_USER:-postgres}" -d "${CARTWRIGHT_CHECKOUT_DB:-checkout_db}" \
        -qc 'VACUUM ANALYZE checkout.carts, checkout.cart_items, checkout.cart_promotions' 2>/dev/null || true
}
settle() { # phase: wait until the write-behind and the Kafka bridge are caught up, at most $SETTLE s
    local phase=$1 start=$SECONDS pending lag
    # With autovacuum off, what it would have done since the last phase: statistics for the tables that grew (the
    # plans of the write-behind's cached statements are made again from them) and their dead rows cleared.
    if grep -qx 'pg_autovacuum=off' "$OUT/machine.txt"; then vacuum_cart_tables; fi
    while :; do
        pending=$(metric cartwright_writebehind_pending) lag=$(metric cartwright_kafka_bridge_lag)
        if [[ -z "$pending" || ( ${pending:-0} -le 1000 && ${lag:-0} -le 1000 ) ]]; then
            break
        fi
        if (( SECONDS - start >= SETTLE )); then
            echo "  still behind after ${SETTLE}s (write-behind $pending, bridge $lag); measuring anyway"
            break
        fi
        sleep 2
    done
    echo "$phase waited=$((SECONDS - start)) pending=${pending:-} bridge_lag=${lag:-}" >>"$OUT/settle.txt"
    (( SECONDS - start > 0 )) && echo "  waited $((SECONDS - start))s for the write-behind ($pending) and the bridge ($lag) to catch up"
    return 0
}
# With autovacuum off, the first phase's settle does it (as before every phase).
grep -qx 'pg_autovacuum=off' "$OUT/machine.txt" || vacuum_cart_tables

# --- 1. the ceiling: redis-benchmark running the cart script (scripts/ceiling.sh) -------------------
# Measured before the capacity run and again right after it, each once the stack's background has caught up: the
# ratios are taken against the mean of the two, since on a shared machine one sample alone varies by a third.
measure_ceiling() { # file name without .csv
    settle "$1"
    "$ROOT/scripts/ceiling.sh" --redis "$REDIS" --connections "$CONNECTIONS" \
        --requests $((RATE * DURATION > 200000 ? RATE * DURATION : 200000)) >"$OUT/$1.csv"
    cat "$OUT/$1.csv"
}
if [[ $CEILING == 1 ]]; then
    step "Ceiling: redis-benchmark calling cart-mutate.lua (add item), $CONNECTIONS clients"
    measure_ceiling ceiling
fi

# --- 2. the native gRPC driver ----------------------------------------------------------------
# The floor: the ceiling's own call (one EVALSHA of cart-mutate.lua per cart change) behind a bare Vert.x gRPC server
# (loadtest's GrpcFloor: no validation, pricing, write-behind, Kafka or metrics), the same driver and the same requests
# in flight, on the same Redis. What any Vert.x gRPC front of the script costs on this machine, in this run: the
# Checkout Service's figures next to it say what the service's own work adds.
measure_floor() {
    step "gRPC floor: the ceiling's call behind a bare Vert.x gRPC server (GrpcFloor on :$FLOOR_PORT), $CONNECTIONS requests in flight"
    java ${CARTWRIGHT_JAVA_OPTS:--Xms1g -Xmx1g -Xmn768m -XX:+UseParallelGC} -cp "$DRIVER_CP" dev.cartwright.loadtest.GrpcFloor \
        --port "$FLOOR_PORT" --redis "$REDIS" --script "$ROOT/cart-engine/src/main/resources/lua/cart-mutate.lua" \
        >"$OUT/floor-server.log" 2>&1 &
    local pid=$! waited=0
    until grep -q "GrpcFloor listening" "$OUT/floor-server.log"; do
        if ! kill -0 "$pid" 2>/dev/null || (( waited >= 60 )); then
            echo "GrpcFloor did not start:"; tail -20 "$OUT/floor-server.log"; kill "$pid" 2>/dev/null; exit 1
        fi
        sleep 1; waited=$((waited + 1))
    done
    # Its JIT gets the warm-up the service had (a minute of full load), not recorded.
    java -Xmx1g -XX:+UseParallelGC -cp "$DRIVER_CP" dev.cartwright.loadtest.LoadDriver --target "127.0.0.1:$FLOOR_PORT" \
        --duration 60 --warmup 0 --shoppers "$USERS" --connections "$CONNECTIONS" --closed "$CONNECTIONS" \
        --out "$OUT/floor-warmup.json" >"$OUT/floor-warmup.txt" 2>&1 \
        || { echo "the floor's warm-up failed:"; tail -20 "$OUT/floor-warmup.txt"; kill "$pid"; exit 1; }
    TARGET="127.0.0.1:$FLOOR_PORT" run_driver floor --closed "$CONNECTIONS" --service-pid "$pid" --clk-tck "$(getconf CLK_TCK)"
    kill "$pid"; wait "$pid" 2>/dev/null || true
    local rh=${REDIS%:*} rp=${REDIS##*:}
    redis-cli -h "$rh" -p "$rp" DEL cartwright:floor-changes cartwright:floor-idem-count >/dev/null
    redis-cli -h "$rh" -p "$rp" --scan --pattern '{cart:floor-*' | xargs -r -n 500 redis-cli -h "$rh" -p "$rp" DEL >/dev/null
}
run_driver() { # phase name, extra driver options...
    local phase=$1; shift
    settle "$phase"
    java -Xmx1g -XX:+UseParallelGC -cp "$DRIVER_CP" dev.cartwright.loadtest.LoadDriver \
        --target "$TARGET" --duration "$DURATION" --warmup "$WARMUP" \
        --shoppers "$USERS" --connections "$CONNECTIONS" --out "$OUT/$phase.json" "$@" >"$OUT/$phase.log" 2>&1 &
    local pid=$!
    # CPU and GC are accounted over the measured part only: counting starts when the warm-up ends.
    sleep "$WARMUP"
    snapshot_cpu "$OUT/cpu-$phase-before.txt"; scrape "$OUT/metrics-$phase-before.txt"
    echo "driver $(cpu_ticks "$pid")" >>"$OUT/cpu-$phase-before.txt"
    sleep "$DURATION"
    snapshot_cpu "$OUT/cpu-$phase-after.txt"; scrape "$OUT/metrics-$phase-after.txt"
    echo "driver $(cpu_ticks "$pid")" >>"$OUT/cpu-$phase-after.txt"
    wait "$pid" || { echo "the driver failed:"; tail -20 "$OUT/$phase.log"; exit 1; }
    python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print(json.dumps(d['all'], indent=2)); print('errors:', d['errors']); print('errors by what the shopper had going on (none = nothing in the driver explains it):', d.get('errorsByCircumstance', {}))" \
        "$OUT/$phase.json"
}
# A service started less than five minutes ago (by this run or just before it) is still being compiled by the JIT,
# which on two busy cores takes minutes: a fresh one measured 2,900 to 4,800 requests/s in the capacity phase where a
# warm one measured 9,700 to 12,300 (BENCHMARKS.md). Such a service gets a minute of full load first, not recorded.
CHECKOUT_PID=$(service_pid checkout)
SERVICE_AGE=$( [[ -n "$CHECKOUT_PID" ]] && ps -o etimes= -p "$CHECKOUT_PID" 2>/dev/null | tr -d ' ' || true)
if [[ $LOAD == 1 && -n "$SERVICE_AGE" && $SERVICE_AGE -lt 300 ]]; then
    step "Warming up the service (started ${SERVICE_AGE}s ago): 60 s with $CONNECTIONS requests in flight, not recorded"
    java -Xmx1g -XX:+UseParallelGC -cp "$DRIVER_CP" dev.cartwright.loadtest.LoadDriver \
        --target "$TARGET" --duration 60 --warmup 0 --shoppers "$USERS" --connections "$CONNECTIONS" \
        --closed "$CONNECTIONS" --out "$OUT/service-warmup.json" >"$OUT/service-warmup.txt" 2>&1 \
        || { echo "the warm-up failed:"; tail -20 "$OUT/service-warmup.txt"; exit 1; }
    echo "service_warmup=60 s of full load (the service had started ${SERVICE_AGE} s before)" >>"$OUT/machine.txt"
fi
if [[ $DRIVER == 1 ]]; then
    step "gRPC capacity: $CONNECTIONS requests kept in flight (closed loop, as redis-benchmark's clients) for ${DURATION}s"
    run_driver capacity --closed "$CONNECTIONS" --service-pid "$(service_pid checkout)" --clk-tck "$(getconf CLK_TCK)"
    if [[ $CEILING == 1 ]]; then
        step "Ceiling again, right after the capacity run (the ratios take the mean of the two)"
        measure_ceiling ceiling-after
    fi
    if [[ $FLOOR == 1 ]]; then
        measure_floor
    fi
    step "gRPC latency: $RATE requests/s open loop for ${DURATION}s after ${WARMUP}s warm-up, $CONNECTIONS connections"
    run_driver driver --rate "$RATE"
fi

# --- 2b. what a request costs the service: gRPC against HTTP/JSON, the same sessions ---------------
if [[ $PROTOCOLS == 1 ]]; then
    step "Service CPU per request: the same sessions over gRPC and over HTTP/JSON at $PROTOCOL_RATE requests/s, ${PROTOCOL_ROUNDS} rounds each of ${DURATION}s (alternating)"
    echo "protocol_phases=rate $PROTOCOL_RATE/s, $PROTOCOL_ROUNDS rounds of $DURATION s per protocol after $WARMUP s each" >>"$OUT/machine.txt"
    for round in $(seq 1 "$PROTOCOL_ROUNDS"); do
        for protocol in grpc http-json; do
            echo "  $protocol, round $round"
            run_driver "protocol-$protocol-$round" --rate "$PROTOCOL_RATE" --protocol "$protocol" \
                --service-pid "$(service_pid checkout)" --clk-tck "$(getconf CLK_TCK)" >/dev/null
        done
    done
fi

# --- 3. Gatling over HTTP/JSON, once per think time ---------------------------------------------
cart_simulation() { # results folder, users, think ms, seconds, ramp seconds, extra -D options...
    "$ROOT/mvnw" -B -q -pl loadtest gatling:test -Dcheckstyle.skip \
        -Dgatling.simulationClass=dev.cartwright.loadtest.gatling.CartSimulation -Dgatling.resultsFolder="$OUT/$1" \
        -DbaseUrl="http://$TARGET" -Dusers="$2" -DthinkMs="$3" -DdurationSeconds="$4" -DrampSeconds="$5" "${@:6}"
}
snapshot_with_gatling() { # file, pid of the Gatling run
    snapshot_cpu "$1"
    # shellcheck disable=SC2046
    echo "gatling $(cpu_ticks $(descendants "$2"))" >>"$1"
}
if [[ $GATLING == 1 ]]; then
    # The HTTP/JSON path (transcoding, JSON printing and parsing) is not what the gRPC phases warmed up: a short
    # unrecorded Gatling run first, so that JIT compilation does not land in the first measured phase.
    step "Gatling warm-up: 200 shoppers for ${WARMUP}s, no think time (not recorded)"
    cart_simulation gatling-warmup 200 0 "$WARMUP" 2 -DmaxP95Ms=100000 >"$OUT/gatling-warmup.txt" 2>&1 \
        || { echo "the Gatling warm-up failed:"; tail -20 "$OUT/gatling-warmup.txt"; exit 1; }
    for think in ${THINK_MS//,/ }; do
        phase="gatling-think$think"
        if (( think > 0 )); then
            # Shoppers who wait between requests are another load than back-to-back ones: each request arrives alone
            # on an idle connection to an idle event loop. A fresh service compiles (and recompiles) for that too: in
            # the first such phase of a series it spent more CPU than in the next run's, and most of its slow requests
            # came in the ramp and the 10 s after it (BENCHMARKS.md, "Plans made for an empty table, and the first run
            # of a series"). The same shoppers and think time, unrecorded, first.
            step "Gatling warm-up: $USERS shoppers for ${WARMUP}s, think time ${think} ms (not recorded)"
            cart_simulation "gatling-warmup-think$think" "$USERS" "$think" "$WARMUP" 10 -DmaxP95Ms=100000 \
                >"$OUT/gatling-warmup-think$think.txt" 2>&1 \
                || { echo "the Gatling warm-up failed:"; tail -20 "$OUT/gatling-warmup-think$think.txt"; exit 1; }
        fi
        step "Gatling CartSimulation: $USERS concurrent shoppers for ${DURATION}s, think time ${think} ms"
        settle "$phase"
        cart_simulation "$phase" "$USERS" "$think" "$DURATION" 10 >"$OUT/$phase.log" 2>&1 &
        gatling=$!
        # CPU (the load generator's too: Maven and the simulation's JVM below it) over the steady part only: from the
        # end of the ramp, once the simulation has started, for --duration seconds.
        for _ in $(seq 1 120); do grep -q "started" "$OUT/$phase.log" 2>/dev/null && break; sleep 1; done
        sleep 10
        snapshot_with_gatling "$OUT/cpu-$phase-before.txt" "$gatling"
        scrape "$OUT/metrics-$phase-before.txt"
        sleep "$DURATION"
        snapshot_with_gatling "$OUT/cpu-$phase-after.txt" "$gatling"
        scrape "$OUT/metrics-$phase-after.txt"
        set +e
        wait "$gatling"
        rc=$?
        set -e
        sed -n '/---- Global Information/,/^=====/p' "$OUT/$phase.log" | tail -16
        grep -E '^Global:' "$OUT/$phase.log" || true
        echo "gatling exit code $rc (non-zero when an assertion of the bar failed)"
    done
fi

# --- 4. JMH: the benchmarks next to the code they measure ----------------------------------------
if [[ $JMH == 1 ]]; then
    step "JMH: cart-engine and checkout-verticles benchmarks ($JMH_SETTINGS)"
    "$ROOT/mvnw" -B -q -o -pl cart-engine,checkout-verticles -am -Pjmh package -DskipTests -Dcheckstyle.skip \
        || "$ROOT/mvnw" -B -q -pl cart-engine,checkout-verticles -am -Pjmh package -DskipTests -Dcheckstyle.skip
    echo "$JMH_SETTINGS" >"$OUT/jmh-settings.txt"
    for module in cart-engine checkout-verticles; do
        # shellcheck disable=SC2086
        java -Dcartwright.redis="redis://$REDIS" \
            -Dcartwright.pg="${CARTWRIGHT_PG_HOST:-127.0.0.1}:${CARTWRIGHT_PG_PORT:-5432}/${CARTWRIGHT_CHECKOUT_DB:-checkout_db}" \
            -Dcartwright.pg.user="${CARTWRIGHT_PG_USER:-postgres}" -jar "$ROOT/$module/target/benchmarks.jar" $JMH_SETTINGS \
            -rf json -rff "$OUT/jmh-$module.json" >"$OUT/jmh-$module.log" 2>&1 \
            || { echo "JMH in $module failed:"; tail -20 "$OUT/jmh-$module.log"; exit 1; }
        sed -n '/^Benchmark /,$p' "$OUT/jmh-$module.log" | grep -v ':gc\.\(count\|time\|alloc\.rate \)'
    done
fi

# --- summary ------------------------------------------------------------------------------------
step "Summary"
python3 "$ROOT/scripts/bench_summary.py" "$OUT" "$RATE" "$DURATION" "$CONNECTIONS" "$USERS" "$THINK_MS"
if [[ $RECORD == 1 ]]; then
    python3 "$ROOT/scripts/bench_summary.py" --record "$OUT" "$ROOT/BENCHMARKS.md"
    echo "Recorded in BENCHMARKS.md"
fi
echo "Results: $OUT"
