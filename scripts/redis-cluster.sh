#!/usr/bin/env bash
# A local Redis Cluster for development and tests: three masters with one replica each, AOF on.
#
#   scripts/redis-cluster.sh start   [--port P] [--dir D] [--fsync always|everysec]
#   scripts/redis-cluster.sh stop    [--port P] [--dir D]
#   scripts/redis-cluster.sh status  [--port P] [--dir D]
#   scripts/redis-cluster.sh nodes   [--port P]            the endpoints, host:port,host:port,... (CARTWRIGHT_REDIS_CLUSTER)
#
# The six nodes listen on P .. P+5 (default 17000; their cluster bus on P+10000 ..), each with its data, AOF, nodes
# file, log and pid file under D/<port> (default .run/redis-cluster). `start` on a running cluster changes nothing;
# `stop` stops only the nodes whose pid files are under D (SHUTDOWN NOSAVE, then the recorded process id); `status`
# prints CLUSTER INFO's state and each node's role. Used by `./cartwright start --redis-cluster` and by the tests
# (testkit's RedisClusterNodes).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PORT=17000
DIR="${CARTWRIGHT_RUN_DIR:-$ROOT/.run}/redis-cluster"
FSYNC=always
NODES=6
HOST=127.0.0.1

die() { printf 'redis-cluster: %s\n' "$*" >&2; exit 1; }

command=${1:-}
[[ -n "$command" ]] || die "usage: redis-cluster.sh start|stop|status|nodes [--port P] [--dir D] [--fsync always|everysec]"
shift
while [[ $# -gt 0 ]]; do
    case "$1" in
        --port) PORT="$2"; shift 2 ;;
        --dir) DIR="$2"; shift 2 ;;
        --fsync) FSYNC="$2"; shift 2 ;;
        *) die "unknown option $1" ;;
    esac
done
[[ "$FSYNC" == always || "$FSYNC" == everysec ]] || die "--fsync must be always or everysec, was $FSYNC"

ports() { local i; for ((i = 0; i < NODES; i++)); do echo $((PORT + i)); done; }
answers() { redis-cli -h "$HOST" -p "$1" ping 2>/dev/null | grep -q PONG; }
endpoints() { local sep="" p; for p in $(ports); do printf '%s%s:%s' "$sep" "$HOST" "$p"; sep=","; done; echo; }

cluster_ok() { # every node says cluster_state:ok and sees all six nodes
    local p
    for p in $(ports); do
        redis-cli -h "$HOST" -p "$p" cluster info 2>/dev/null | grep -q 'cluster_state:ok' || return 1
        [[ $(redis-cli -h "$HOST" -p "$p" cluster info 2>/dev/null | tr -d '\r' | awk -F: '/cluster_known_nodes/ { print $2 }') == "$NODES" ]] \
            || return 1
    done
}

start() {
    command -v redis-server >/dev/null || die "redis-server not found (Debian package redis-server)"
    local p
    for p in $(ports); do
        if answers "$p"; then
            [[ -f "$DIR/$p/redis.pid" ]] || die "port $p answers but is not a node of $DIR; choose another --port"
            continue
        fi
        mkdir -p "$DIR/$p"
        redis-server --daemonize yes --bind "$HOST" --port "$p" --cluster-enabled yes \
            --cluster-config-file "$DIR/$p/nodes.conf" --cluster-node-timeout 2000 \
            --appendonly yes --appendfsync "$FSYNC" --save "" --maxmemory-policy noeviction \
            --dir "$DIR/$p" --logfile "$DIR/$p/redis.log" --pidfile "$DIR/$p/redis.pid"
    done
    for p in $(ports); do
        local tries=0
        until answers "$p"; do
            tries=$((tries + 1)); [[ $tries -lt 100 ]] || die "node $p did not start; see $DIR/$p/redis.log"; sleep 0.1
        done
    done
    # A node that knows only itself and holds no slots is new: the cluster is made once, when all six are new.
    if [[ $(redis-cli -h "$HOST" -p "$PORT" cluster info | tr -d '\r' | awk -F: '/cluster_slots_assigned/ { print $2 }') == 0 ]]; then
        local addresses=() 
        for p in $(ports); do addresses+=("$HOST:$p"); done
        redis-cli --cluster create "${addresses[@]}" --cluster-replicas 1 --cluster-yes >"$DIR/create.log" 2>&1 \
            || die "redis-cli --cluster create failed; see $DIR/create.log"
    fi
    local tries=0
    until cluster_ok; do
        tries=$((tries + 1)); [[ $tries -lt 300 ]] || die "the cluster did not reach cluster_state:ok; see $DIR/*/redis.log"; sleep 0.1
    done
    # Replicas must have synchronised before a failover can keep what the masters acknowledged.
    for p in $(ports); do
        tries=0
        while redis-cli -h "$HOST" -p "$p" info replication | tr -d '\r' | grep -q 'master_link_status:down'; do
            tries=$((tries + 1)); [[ $tries -lt 300 ]] || die "replica $p did not synchronise; see $DIR/$p/redis.log"; sleep 0.1
        done
    done
    echo "Redis Cluster: 3 masters, 3 replicas on $(endpoints) (AOF appendfsync $FSYNC, data in $DIR)"
}

stop() {
    local p pid
    for p in $(ports); do
        [[ -f "$DIR/$p/redis.pid" ]] || continue
        pid=$(cat "$DIR/$p/redis.pid")
        redis-cli -h "$HOST" -p "$p" shutdown nosave >/dev/null 2>&1 || true
        for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        if kill -0 "$pid" 2>/dev/null; then kill "$pid" 2>/dev/null || true; fi
        rm -f "$DIR/$p/redis.pid"
    done
    echo "Redis Cluster on $HOST:$PORT..$((PORT + NODES - 1)): stopped"
}

status() {
    local p role up=0
    for p in $(ports); do
        if answers "$p"; then
            up=$((up + 1))
            role=$(redis-cli -h "$HOST" -p "$p" role | head -1)
            echo "$HOST:$p $role $(redis-cli -h "$HOST" -p "$p" cluster info | tr -d '\r' | grep cluster_state)"
        else
            echo "$HOST:$p not running"
        fi
    done
    [[ $up -gt 0 ]]
}

case "$command" in
    start) start ;;
    stop) stop ;;
    status) status ;;
    nodes) endpoints ;;
    *) die "unknown command $command (start|stop|status|nodes)" ;;
esac
