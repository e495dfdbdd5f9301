#!/usr/bin/env bash
# Three broker nodes on this machine sharing one local Redis: a cluster to try docs/scaling-out.md on.
#
#   pnpm build                        # once: the server's dist/main.js (and the pages, if you want them)
#   deploy/cluster/run-local.sh       # Ctrl-C stops all three
#
#   node      HTTP and /ws                  STOMP over TCP   CLUSTER_NODE_ID
#   local-1   http://127.0.0.1:8081         61614            local-1
#   local-2   http://127.0.0.1:8082         61615            local-2
#   local-3   http://127.0.0.1:8083         61616            local-3
#
# Environment: REDIS_URL (default redis://127.0.0.1:6379), REDIS_PREFIX (default sg), HOST (the
# address the nodes bind, default 127.0.0.1), LOG_DIR (default ${TMPDIR:-/tmp}/stomping-ground-cluster).
# Any other variable the server reads (LOG_LEVEL, MARKET_UPDATES_PER_SECOND, ...) passes through.
set -euo pipefail

export REDIS_URL="${REDIS_URL:-redis://127.0.0.1:6379}"
export REDIS_PREFIX="${REDIS_PREFIX:-sg}"
export HOST="${HOST:-127.0.0.1}"
export STOMP_TCP_HOST="${STOMP_TCP_HOST:-$HOST}"
LOG_DIR="${LOG_DIR:-${TMPDIR:-/tmp}/stomping-ground-cluster}"
NODES=3

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
main="$root/apps/server/dist/main.js"

fail() {
  printf '%s\n' "$@" >&2
  exit 1
}

command -v node >/dev/null 2>&1 || fail "node is not on PATH (Node.js 20.19 or later is needed)."
command -v curl >/dev/null 2>&1 || fail "curl is not on PATH (used to wait for each node's /healthz)."
command -v redis-cli >/dev/null 2>&1 ||
  fail "redis-cli is not on PATH. Install Redis (Debian/Ubuntu: apt-get install redis-server; macOS: brew install redis)."
if [ "$(redis-cli -u "$REDIS_URL" ping 2>/dev/null || true)" != "PONG" ]; then
  fail "Redis does not answer PING at $REDIS_URL." \
    "Start it first (redis-server, or: docker run -d -p 6379:6379 redis:7-alpine)," \
    "or point REDIS_URL at one that runs."
fi
[ -f "$main" ] || fail "$main does not exist: run 'pnpm build' in $root first."

mkdir -p "$LOG_DIR"
pids=()

stop() {
  trap - EXIT INT TERM
  [ "${#pids[@]}" -eq 0 ] && return 0
  echo
  echo "Stopping the nodes (SIGTERM: each tells its sessions, hands its roles back, leaves the cluster)..."
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  echo "Stopped."
}
trap stop EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Each node in a process group of its own (job control on while they start): Ctrl-C reaches this
# script alone, which then stops every node once, with SIGTERM. (A second signal would make a node
# skip its graceful shutdown.)
set -m
for i in $(seq 1 "$NODES"); do
  PORT=$((8080 + i)) STOMP_TCP_PORT=$((61613 + i)) CLUSTER_NODE_ID="local-$i" \
    node "$main" >"$LOG_DIR/node-$i.log" 2>&1 &
  pids+=("$!")
done
set +m

# Wait until every node answers /healthz (its cluster block says whether it reached Redis).
for i in $(seq 1 "$NODES"); do
  port=$((8080 + i))
  for _ in $(seq 1 100); do
    curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
    if ! kill -0 "${pids[$((i - 1))]}" 2>/dev/null; then
      echo "local-$i exited while starting. The end of $LOG_DIR/node-$i.log:" >&2
      tail -n 20 "$LOG_DIR/node-$i.log" >&2 || true
      exit 1
    fi
    sleep 0.1
  done
  curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 ||
    fail "local-$i did not answer on http://127.0.0.1:$port/healthz within 10 s; see $LOG_DIR/node-$i.log."
done

echo "Three nodes share $REDIS_URL under the prefix '$REDIS_PREFIX':"
for i in $(seq 1 "$NODES"); do
  printf '  local-%s  http://127.0.0.1:%s  (ws://127.0.0.1:%s/ws, STOMP over TCP on %s)  pid %s\n' \
    "$i" $((8080 + i)) $((8080 + i)) $((61613 + i)) "${pids[$((i - 1))]}"
done
echo "Health:  curl -s http://127.0.0.1:8081/healthz"
echo "Redis:   redis-cli -u $REDIS_URL --scan --pattern '$REDIS_PREFIX:*'"
echo "Logs:    tail -f $LOG_DIR/node-*.log"
echo "Ctrl-C stops all three."

# A node that stops (kill -9 one to watch the others take over) is reported once; the rest run on
# until Ctrl-C, or until none is left.
reported=()
while :; do
  alive=0
  for index in "${!pids[@]}"; do
    if kill -0 "${pids[$index]}" 2>/dev/null; then
      alive=$((alive + 1))
    elif [ -z "${reported[$index]:-}" ]; then
      reported[index]=1
      echo "local-$((index + 1)) (pid ${pids[$index]}) has stopped; see $LOG_DIR/node-$((index + 1)).log." >&2
    fi
  done
  [ "$alive" -gt 0 ] || exit 1
  sleep 1
done
