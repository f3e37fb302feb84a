#!/usr/bin/env bash
# The soak (issue 12): --users shoppers (1000) with a think time of --think-ms (1000) keep visiting for --minutes (30),
# and every --sample-s seconds (30) the run writes down what would show a slow leak or a backlog that grows: the
# Checkout Service's heap (and its old generation, and the live data after its last major GC), its RSS and CPU, Redis'
# used_memory, the length of the cart change stream(s) (is the trimming keeping up), the write-behind's pending entries
# and the Kafka bridge's lag, and the latency of the requests that ended in that interval. At the end it writes
# loadtest/results/<stamp>/soak.md: the settings, the machine, the samples, the latency per 5 minutes (p50/p95/p99
# from Gatling's simulation.log) and one verdict per criterion, computed from the data by scripts/soak_summary.py:
#   latency     p95 of the last 5 minutes against the first 5 minutes after the ramp (for runs shorter than 15 minutes:
#               thirds of the run instead of 5 minutes): drifted if more than 25 % and 2 ms higher;
#   heap        the live data after a full GC the run asks for (jcmd GC.run) just before the load and just after it:
#               grew if more than 10 % higher after; without jcmd (or a service on another host), the live data after
#               the last major GC where the run had major GCs in both its first and last thirds, otherwise the old
#               generation after the young GCs (which also grows with garbage promoted before a major GC collects it):
#               the maximum of the last third against the first third, grew if more than 10 %;
#   Redis       used_memory, the same comparison, with the key count beside it (every visit makes a new cart, kept for
#               the idle TTL: memory that follows the keys is the carts, not a leak; DBSIZE counts the whole database);
#   stream      the age of the oldest entry left in the change stream(s): whether the last third's maximum is above the
#               first third's by more than 10 % and above 60 s. The trimmer runs every 10 s and keeps what a group has not
#               acknowledged, so the stream holds 10 s and a write-behind cycle of changes just before a trim and less after
#               it: its length (XLEN, shown beside) is a sawtooth that samples every 30 s catch at a phase that drifts, and
#               which by itself says little. An oldest entry that stays young says the trimming keeps up;
#   lags        the largest write-behind pending and Kafka bridge lag seen, and the same comparison (a lag that never
#               passes 1000 entries, what bench.sh calls caught up, is bounded whatever the ratio).
# Only the samples under load (after Gatling's 30 s ramp, up to its last request) count in the verdicts; the table
# also shows the ones before (what a warm-up left) and after (how the backlog drains).
# PostgreSQL: against a local database the run starts with VACUUM ANALYZE of the cart tables, as bench.sh does, and
# when the server's autovacuum is off it vacuums them again every --vacuum-min minutes (5) while the load runs, as
# autovacuum would on a production server: without it the write-behind's upserts leave dead rows that make every
# batch slower, and the backlog that builds says more about the box than about the service. --vacuum-min 0 never does.
# The samples include the dead rows in the cart tables (pg_stat_user_tables.n_dead_tup) and the write-behind's mean
# batch time since the sample before (cartwright_writebehind_batch_seconds): how far the trimming trails the stream's
# head follows it.
# With RECORD (the default) soak.md goes into BENCHMARKS.md under "## Soak" (newest first); --no-record leaves it out.
#
#   ./cartwright soak [--minutes 30] [--users 1000] [--think-ms 1000] [--sample-s 30] [--warmup 60] [--vacuum-min 5]
#                     [--target 127.0.0.1:9003] [--redis 127.0.0.1:6379] [--admin http://127.0.0.1:9013] [--no-record]
#
# The shoppers are CartSoakSimulation (Gatling, over HTTP/JSON): they arrive over 30 s and each visits again and again
# until the time is up; "think time" is a pause drawn between --think-ms and twice that after every request, as in
# every simulation of loadtest/. --minutes is whole minutes. The Gatling assertions (p95 under 50 ms, no failed
# request) decide Gatling's exit code, which soak.md records; the soak's own verdicts are the ones above.
#
# The services: when nothing answers at --target (a local one), the run starts the stack with `./cartwright start
# --no-demo`, and does so with CARTWRIGHT_DATA_FOLLOWS=off unless the caller set that variable: with data following on
# (the launcher's default) every cart change is also mirrored into order_db before it is answered, which measured about
# three times slower and is not what the soak is about. For the same reason CARTWRIGHT_LEGACY_DB and
# CARTWRIGHT_LEGACY_SCHEMA are not passed on to a stack this run starts with data following off (an exported
# CARTWRIGHT_LEGACY_DB alone links the service to order_db). A stack that was already running is used as it is, and
# soak.md says whether it links to order_db. A stack this run started is left running; `./cartwright stop` stops it.
# A service started less than five minutes before gets --warmup seconds (60) of full load over HTTP/JSON first, not
# recorded (the JIT is still compiling: see bench.sh); --warmup 0 skips that. Then the run waits (at most 180 s) until
# the write-behind and the Kafka bridge have caught up, as bench.sh does before a phase.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"  # Maven runs with -pl, relative to the project root
MINUTES=30 USERS=1000 THINK_MS=1000 SAMPLE_S=30 WARMUP=60 VACUUM_MIN=5 RECORD=1
TARGET=127.0.0.1:9003 REDIS=127.0.0.1:6379 ADMIN=""
while [[ $# -gt 0 ]]; do
    case "$1" in
        --minutes) MINUTES=$2; shift ;;
        --users) USERS=$2; shift ;;
        --think-ms) THINK_MS=$2; shift ;;
        --sample-s) SAMPLE_S=$2; shift ;;
        --warmup) WARMUP=$2; shift ;;
        --vacuum-min) VACUUM_MIN=$2; shift ;;
        --target) TARGET=$2; shift ;;
        --redis) REDIS=$2; shift ;;
        --admin) ADMIN=$2; shift ;;
        --no-record) RECORD=0 ;;
        *) echo "unknown option $1" >&2; exit 2 ;;
    esac
    shift
done
for value in "$MINUTES" "$USERS" "$THINK_MS" "$SAMPLE_S" "$WARMUP" "$VACUUM_MIN"; do
    [[ "$value" =~ ^[0-9]+$ ]] || { echo "--minutes, --users, --think-ms, --sample-s, --warmup and --vacuum-min take whole numbers, got '$value'" >&2; exit 2; }
done
(( MINUTES >= 1 && SAMPLE_S >= 1 )) || { echo "--minutes and --sample-s are at least 1" >&2; exit 2; }
HOST=${TARGET%:*}
ADMIN=${ADMIN:-http://$HOST:${CARTWRIGHT_CHECKOUT_ADMIN_PORT:-9013}}
RH=${REDIS%:*} RP=${REDIS##*:}
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
OUT="$ROOT/loadtest/results/$STAMP"
mkdir -p "$OUT"
step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
rcli() { redis-cli -h "$RH" -p "$RP" "$@"; }
pg() { psql -h "${CARTWRIGHT_PG_HOST:-127.0.0.1}" -p "${CARTWRIGHT_PG_PORT:-5432}" -U "${CARTWRIGHT_PG_USER:-postgres}" \
    -d "${CARTWRIGHT_CHECKOUT_DB:-checkout_db}" "$@"; }
CART_TABLES="checkout.carts, checkout.cart_items, checkout.cart_promotions"

# --- the services ---------------------------------------------------------------------------
LOCAL=0
[[ "$HOST" == 127.0.0.1 || "$HOST" == localhost ]] && LOCAL=1
STARTED=0
if [[ $LOCAL == 1 ]] && ! (exec 3<>"/dev/tcp/127.0.0.1/${TARGET##*:}") 2>/dev/null; then
    step "Starting the services (data following ${CARTWRIGHT_DATA_FOLLOWS:-off})"
    if [[ -z "${CARTWRIGHT_DATA_FOLLOWS:-}" ]]; then
        export CARTWRIGHT_DATA_FOLLOWS=off
    fi
    if [[ "$CARTWRIGHT_DATA_FOLLOWS" == off ]]; then
        unset CARTWRIGHT_LEGACY_DB CARTWRIGHT_LEGACY_SCHEMA
    fi
    "$ROOT/cartwright" start --no-demo
    STARTED=1
fi
[[ -f "$ROOT/loadtest/target/classpath.txt" ]] || "$ROOT/mvnw" -B -q -o -pl loadtest -am install -DskipTests -Dcheckstyle.skip \
    || "$ROOT/mvnw" -B -q -pl loadtest -am install -DskipTests -Dcheckstyle.skip
DRIVER_CP="$ROOT/loadtest/target/classes:$(cat "$ROOT/loadtest/target/classpath.txt")"

RUN="${CARTWRIGHT_RUN_DIR:-$ROOT/.run}"
service_pid() { [[ -f "$RUN/pids/$1.pid" ]] && cat "$RUN/pids/$1.pid" || true; }
CHECKOUT_PID=$( [[ $LOCAL == 1 ]] && service_pid checkout || true)
[[ -n "$CHECKOUT_PID" ]] && ! kill -0 "$CHECKOUT_PID" 2>/dev/null && CHECKOUT_PID=""
# A setting the running service was started with (the launcher keeps its environment), or $2.
service_env() {
    local value
    value=$(tr '\0' '\n' <"$RUN/env/checkout.env" 2>/dev/null | sed -n "s/^$1=//p" | tail -1 || true)
    echo "${value:-$2}"
}
# Whether the running service links to order_db: what it was started with (the launcher keeps its environment).
LEGACY=$(service_env CARTWRIGHT_LEGACY_DB "")

# The change streams: cartwright:cart-changes, or one per shard (cartwright:cart-changes:{s<k>}) with
# CARTWRIGHT_REDIS_SHARDS; looked up once, since the shards do not change while the service runs.
STREAM_BASE=$(service_env CARTWRIGHT_CART_CHANGES_STREAM "")
STREAM_BASE=${STREAM_BASE:-${CARTWRIGHT_CART_CHANGES_STREAM:-cartwright:cart-changes}}
mapfile -t STREAMS < <( { rcli --scan --pattern "$STREAM_BASE"; rcli --scan --pattern "$STREAM_BASE:{s*}"; } \
    | sort -u | while read -r key; do [[ "$(rcli TYPE "$key")" == stream ]] && echo "$key"; done)

AUTOVACUUM=$(pg -Atc 'SHOW autovacuum' 2>/dev/null || echo unknown)
# The run stands in for autovacuum only on a local database whose server has it off.
[[ $LOCAL == 1 && "$AUTOVACUUM" == off ]] || VACUUM_MIN=0
{
    echo "date=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
    echo "cpu=$(lscpu | sed -n 's/^Model name:\s*//p' | head -1)"
    echo "cores=$(nproc)"
    echo "memory=$(free -g | awk '/Mem:/ {print $2 " GiB"}')"
    echo "java=$(java -version 2>&1 | head -1)"
    echo "redis=$(redis-server --version | awk '{print $3}')"
    echo "redis_aof=$(rcli CONFIG GET appendonly | tail -1)"
    echo "redis_fsync=$(rcli CONFIG GET appendfsync | tail -1)"
    echo "pg_autovacuum=$AUTOVACUUM"
    echo "clk_tck=$(getconf CLK_TCK)"
    [[ -n "$CHECKOUT_PID" ]] && echo "service_jvm=$(tr '\0' ' ' <"/proc/$CHECKOUT_PID/cmdline" | sed 's/ -jar .*//; s/^[^ ]* //')"
    echo "service_order_db=${LEGACY:-no (data following off)}"
    # How long carts and idempotency records stay in Redis: what Redis memory levels off at (the launcher keeps the env).
    echo "service_idle_ttl=$(service_env CARTWRIGHT_CART_IDLE_TTL '7d (default)')"
    echo "service_idempotency_ttl=$(service_env CARTWRIGHT_CART_IDEMPOTENCY_TTL '24h (default)')"
    echo "service_started_by_run=$STARTED"
    echo "streams=${STREAMS[*]:-none found}"
} >"$OUT/machine.txt"
{
    echo "minutes=$MINUTES"
    echo "vacuum_min=$VACUUM_MIN"
    echo "users=$USERS"
    echo "think_ms=$THINK_MS"
    echo "sample_s=$SAMPLE_S"
    echo "target=$TARGET"
    echo "redis=$REDIS"
} >"$OUT/settings.txt"
[[ -n "$LEGACY" ]] && echo "NOTE: the running Checkout Service links to $LEGACY (data following on): cart changes are also mirrored there"

# --- warm-up of a fresh service -------------------------------------------------------------
SERVICE_AGE=$( [[ -n "$CHECKOUT_PID" ]] && ps -o etimes= -p "$CHECKOUT_PID" 2>/dev/null | tr -d ' ' || true)
if [[ $WARMUP -gt 0 && -n "$SERVICE_AGE" && $SERVICE_AGE -lt 300 ]]; then
    step "Warming up the service (started ${SERVICE_AGE}s ago): ${WARMUP}s with $USERS requests in flight over HTTP/JSON, not recorded"
    java -Xmx1g -XX:+UseParallelGC -cp "$DRIVER_CP" dev.cartwright.loadtest.LoadDriver \
        --target "$TARGET" --duration "$WARMUP" --warmup 0 --shoppers "$USERS" --connections "$USERS" \
        --closed "$USERS" --protocol http-json --out "$OUT/service-warmup.json" >"$OUT/service-warmup.txt" 2>&1 \
        || { echo "the warm-up failed:"; tail -20 "$OUT/service-warmup.txt"; exit 1; }
    echo "service_warmup=$WARMUP s of full load over HTTP/JSON (the service had started $SERVICE_AGE s before)" >>"$OUT/machine.txt"
fi

# --- settling: what the warm-up (or an earlier run) left to the write-behind and the bridge is done first ---------
settle_start=$SECONDS
while :; do
    pending=$(curl -s -m 5 "$ADMIN/metrics" | awk '/^cartwright_writebehind_pending[{ ]/ {p += $NF} /^cartwright_kafka_bridge_lag[{ ]/ {l += $NF}
        END {printf "%.0f %.0f", p, l}')
    read -r wb bridge <<<"${pending:-0 0}"
    (( wb <= 1000 && bridge <= 1000 )) && break
    (( SECONDS - settle_start >= 180 )) && { echo "  still behind after 180 s (write-behind $wb, bridge $bridge); starting anyway"; break; }
    sleep 2
done
echo "settled=$((SECONDS - settle_start)) s before the soak (write-behind ${wb:-?}, bridge ${bridge:-?})" >>"$OUT/machine.txt"

# --- sampling ---------------------------------------------------------------------------------
# One value from a /metrics scrape: the sum over the series of that name whose labels contain the given text (label
# values may hold spaces, "PS Old Gen": the value is the last field).
from_scrape() { # file, metric name, label text (may be empty), printf format (whole numbers unless given)
    awk -v n="$2" -v l="$3" -v fmt="${4:-%.0f}" '(index($0, n " ") == 1 || index($0, n "{") == 1) && index($0, l) {s += $NF; f = 1}
        END {if (f) printf fmt, s}' "$1"
}
mib() { # file, metric name, label text: the value in MiB, or empty
    local v
    v=$(from_scrape "$@")
    [[ -z "$v" ]] || awk -v v="$v" 'BEGIN {printf "%.1f", v / 1048576}'
}
cpu_ticks() { [[ -r /proc/$1/stat ]] && awk '{print $14 + $15}' "/proc/$1/stat" || echo 0; }
CLK_TCK=$(getconf CLK_TCK)
SAMPLES="$OUT/samples.csv"
echo "epoch_s,elapsed_s,heap_used_mib,old_gen_mib,live_after_major_gc_mib,major_gcs,rss_mib,cpu_pct,redis_used_mib,redis_keys,stream_len_total,stream_len_max,writebehind_pending,writebehind_oldest_s,bridge_lag,bridge_oldest_s,pg_dead_rows,writebehind_batch_ms,stream_oldest_s" >"$SAMPLES"
DEAD_ROWS_SQL="SELECT coalesce(sum(n_dead_tup), 0) FROM pg_stat_user_tables WHERE schemaname = 'checkout'
    AND relname IN ('carts', 'cart_items', 'cart_promotions')"
sample_loop() { # runs until killed
    local start=$SECONDS scrape="$OUT/.scrape" ticks0 ticks1 t0 t1 rss cpu redis total max len key
    local batch_sum0=0 batch_count0=0 batch_sum1 batch_count1 batch_ms first age oldest
    ticks0=$(cpu_ticks "${CHECKOUT_PID:-0}") t0=$(date +%s%N)
    while :; do
        curl -s -m 5 "$ADMIN/metrics" >"$scrape" || : >"$scrape"
        ticks1=$(cpu_ticks "${CHECKOUT_PID:-0}") t1=$(date +%s%N)
        cpu=$(awk -v d="$((ticks1 - ticks0))" -v ns="$((t1 - t0))" -v hz="$CLK_TCK" 'BEGIN {if (ns > 0) printf "%.0f", 100 * d / hz / (ns / 1e9)}')
        ticks0=$ticks1 t0=$t1
        batch_sum1=$(from_scrape "$scrape" cartwright_writebehind_batch_seconds_sum '' %.6f) batch_count1=$(from_scrape "$scrape" cartwright_writebehind_batch_seconds_count '')
        batch_ms=$(awk -v s0="$batch_sum0" -v c0="$batch_count0" -v s1="${batch_sum1:-0}" -v c1="${batch_count1:-0}" \
            'BEGIN {if (c1 > c0) printf "%.1f", 1000 * (s1 - s0) / (c1 - c0)}')
        batch_sum0=${batch_sum1:-0} batch_count0=${batch_count1:-0}
        rss=$( [[ -n "$CHECKOUT_PID" ]] && awk '/^VmRSS:/ {printf "%.0f", $2 / 1024}' "/proc/$CHECKOUT_PID/status" 2>/dev/null || true)
        redis=$(rcli INFO memory 2>/dev/null | awk -F: '/^used_memory:/ {printf "%.1f", $2 / 1048576}')
        total=0 max=0 oldest=""
        for key in "${STREAMS[@]}"; do
            len=$(rcli XLEN "$key" 2>/dev/null || echo 0)
            total=$((total + len)); ((len > max)) && max=$len
            first=$(rcli XRANGE "$key" - + COUNT 1 2>/dev/null | head -1 | cut -d- -f1)
            if [[ "$first" =~ ^[0-9]+$ ]]; then
                age=$(( ($(date +%s%3N) - first) / 1000 ))
                [[ -z "$oldest" ]] || (( age > oldest )) && oldest=$age
            fi
        done
        echo "$(date +%s),$((SECONDS - start)),$(mib "$scrape" jvm_memory_used_bytes 'area="heap"'),$(mib "$scrape" jvm_memory_used_bytes 'Old Gen'),$(mib "$scrape" jvm_gc_live_data_size_bytes ''),$(from_scrape "$scrape" jvm_gc_pause_seconds_count 'end of major GC'),${rss},${cpu},${redis},$(rcli DBSIZE 2>/dev/null || true),${total},${max},$(from_scrape "$scrape" cartwright_writebehind_pending ''),$(from_scrape "$scrape" cartwright_writebehind_oldest_age_seconds ''),$(from_scrape "$scrape" cartwright_kafka_bridge_lag ''),$(from_scrape "$scrape" cartwright_kafka_bridge_oldest_age_seconds ''),$(pg -Atc "$DEAD_ROWS_SQL" 2>/dev/null || true),${batch_ms},${oldest}" >>"$SAMPLES"
        sleep "$SAMPLE_S"
    done
}

# The live heap after a full GC of the service (jcmd GC.run, from the service's own JDK), in MiB; empty without one.
live_after_full_gc() {
    [[ -n "$CHECKOUT_PID" ]] || return 0
    local jcmd
    jcmd="$(dirname "$(readlink -f "/proc/$CHECKOUT_PID/exe")")/jcmd"
    [[ -x "$jcmd" ]] || jcmd=$(command -v jcmd || true)
    [[ -n "$jcmd" ]] && "$jcmd" "$CHECKOUT_PID" GC.run >/dev/null 2>&1 || return 0
    sleep 2  # the GC's notification reaches the metrics a moment after it ends
    curl -s -m 5 "$ADMIN/metrics" >"$OUT/.gc-scrape" || return 0
    mib "$OUT/.gc-scrape" jvm_gc_live_data_size_bytes ''
}
vacuum_loop() { # runs until killed
    while :; do
        sleep $((VACUUM_MIN * 60))
        pg -qc "VACUUM (ANALYZE) $CART_TABLES" >/dev/null 2>&1 && echo "$(date +%s)" >>"$OUT/vacuums.txt" || true
    done
}

# --- the soak -----------------------------------------------------------------------------------
if [[ $LOCAL == 1 ]]; then
    pg -qc "VACUUM ANALYZE $CART_TABLES" 2>/dev/null || true
fi
echo "live_before_mib=$(live_after_full_gc)" >"$OUT/fullgc.txt"
step "Soak: $USERS shoppers, think time ${THINK_MS} ms, for $MINUTES min; a sample every ${SAMPLE_S}s into $SAMPLES"
echo "streams sampled: ${STREAMS[*]:-none found}"
sample_loop &
SAMPLER=$!
VACUUMER=""
if (( VACUUM_MIN > 0 )); then
    echo "PostgreSQL's autovacuum is off: the cart tables are vacuumed every $VACUUM_MIN min while the load runs"
    vacuum_loop &
    VACUUMER=$!
fi
trap 'kill $SAMPLER $VACUUMER 2>/dev/null || true' EXIT
set +e
"$ROOT/mvnw" -B -q -pl loadtest gatling:test -Dcheckstyle.skip \
    -Dgatling.simulationClass=dev.cartwright.loadtest.gatling.CartSoakSimulation -Dgatling.resultsFolder="$OUT/gatling" \
    -DbaseUrl="http://$TARGET" -Dusers="$USERS" -DthinkMs="$THINK_MS" -DsoakMinutes="$MINUTES" >"$OUT/gatling.log" 2>&1
GATLING_RC=$?
set -e
[[ -n "$VACUUMER" ]] && { kill "$VACUUMER" 2>/dev/null || true; wait "$VACUUMER" 2>/dev/null || true; }
# One last sample after the load: where the backlog and the memory settle.
sleep "$SAMPLE_S"
kill "$SAMPLER" 2>/dev/null || true
wait "$SAMPLER" 2>/dev/null || true
trap - EXIT
echo "live_after_mib=$(live_after_full_gc)" >>"$OUT/fullgc.txt"
echo "vacuums=$(wc -l <"$OUT/vacuums.txt" 2>/dev/null || echo 0)" >>"$OUT/fullgc.txt"
rm -f "$OUT/.scrape" "$OUT/.gc-scrape"
echo "gatling_exit=$GATLING_RC" >>"$OUT/settings.txt"
sed -n '/---- Global Information/,/^=====/p' "$OUT/gatling.log" | tail -16
echo "gatling exit code $GATLING_RC (non-zero when an assertion of the bar failed)"

# --- summary ------------------------------------------------------------------------------------
step "Summary"
python3 "$ROOT/scripts/soak_summary.py" "$OUT"
if [[ $RECORD == 1 ]]; then
    python3 "$ROOT/scripts/soak_summary.py" --record "$OUT" "$ROOT/BENCHMARKS.md"
    echo "Recorded in BENCHMARKS.md"
fi
echo "Results: $OUT"
[[ $STARTED == 1 ]] && echo "The services this run started are still running: ./cartwright stop"
exit 0
