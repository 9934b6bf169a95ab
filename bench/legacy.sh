#!/usr/bin/env bash
# The legacy store at scale, old against new, minutes apart on the same machine: for each store,
# with a 64 MB heap (-Xmx64m after bin/genie's own options):
#   - new prompts a second and p99 at 32 connections (wrk, every request a prompt never sent),
#     on the empty store;
#   - a fill of new prompts at 32 connections up to COUNT prompts or the fill's time cap, with the
#     rate and p99 of its last 30 s;
#   - the prompts stored, the bytes on disk, the heap in use after a full GC, the RSS;
#   - /health: mean and p99 of 300 calls one after another (hey);
#   - a restart (SIGTERM, then a start): time from exec to /health answering 200, or why it failed;
#   - kill -9 under load (32 clients, killed after 5 s), a start, and a GET of every prompt id that
#     was answered 2xx: acknowledged, found, missing.
# The old store is main's jar (built from `git archive main` unless --old-jar is given), the new
# one this checkout's (built unless --no-build). Prints one table and writes legacy.tsv, the logs
# and the tools' outputs under bench/results/legacy-<time>/. The machine should be quiet.
#
# Usage: bench/legacy.sh [-n COUNT] [--fill-seconds S] [--old-fill-seconds S] [--rate-seconds S]
#                        [--old-jar JAR] [--new-jar JAR] [--stores "old new"] [--no-build]
set -euo pipefail

BENCH="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(dirname "$BENCH")"
# shellcheck source=lib/genie.sh
source "$BENCH/lib/genie.sh"

count=1000000
fill_seconds=900
old_fill_seconds=150
rate_seconds=20
heap=64m
old_jar=""
new_jar="$ROOT/genie-http/target/genie.jar"
stores="old new"
build=1

while (($#)); do
  case "$1" in
    -n | --count) count="$2"; shift 2 ;;
    --fill-seconds) fill_seconds="$2"; shift 2 ;;
    --old-fill-seconds) old_fill_seconds="$2"; shift 2 ;;
    --rate-seconds) rate_seconds="$2"; shift 2 ;;
    --old-jar) old_jar="$2"; shift 2 ;;
    --new-jar) new_jar="$2"; shift 2 ;;
    --stores) stores="$2"; shift 2 ;;
    --no-build) build=0; shift ;;
    -h | --help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "unknown option: $1 (see $0 --help)" >&2; exit 2 ;;
  esac
done

missing=()
for tool in java mvn wrk hey curl jq jcmd jstat python3; do
  command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
done
if ((${#missing[@]})); then
  echo "missing: ${missing[*]}; apt-get install -y wrk hey curl jq (and a JDK, Maven, Python 3)" >&2
  exit 2
fi

stamp="$(date -u +%Y%m%dT%H%M%SZ)"
OUT="$ROOT/bench/results/legacy-$stamp"
mkdir -p "$OUT"

if ((build)); then
  echo "building this checkout's jar" >&2
  (cd "$ROOT" && mvn -B -q -o -DskipTests package) >"$OUT/build-new.log" 2>&1
fi
if [[ -z "$old_jar" && " $stores " == *" old "* ]]; then
  echo "building main's jar" >&2
  src="$OUT/main-src"
  mkdir -p "$src"
  git -C "$ROOT" archive main | tar -x -C "$src"
  (cd "$src" && mvn -B -q -o -DskipTests package) >"$OUT/build-old.log" 2>&1
  old_jar="$src/genie-http/target/genie.jar"
fi

PID=""
cleanup() { [[ -n "$PID" ]] && kill -9 "$PID" 2>/dev/null || true; }
trap cleanup EXIT

# start JAR DATADIR LOG: starts Genie on the legacy store; sets PID, PORT and READY_MS (exec to a
# 200 from /health), or returns 1 with the reason in FAILED when it exits first.
start() {
  local jar="$1" dir="$2" log="$3" started
  pause 0
  : >"$log"
  now_us
  started=$NOW_US
  JAVA_OPTS="-Xmx$heap" GENIE_JAR="$jar" GENIE_STORAGE=legacy GENIE_DATA_DIR="$dir" \
    GENIE_LOG_DIR="$dir.logs" GENIE_HOST=127.0.0.1 GENIE_PORT=0 \
    "$ROOT/bin/genie" >"$log" 2>&1 &
  PID=$!
  if ! await_healthy "$PID" "$log" "$started" 600; then
    if [[ $FAILED == exited ]]; then
      FAILED="exited: $(grep -m1 -o 'OutOfMemoryError[^"]*\|GENIE STARTUP CHECK FAILED.*' "$log" | head -c 120 || true)"
      PID=""
    fi
    return 1
  fi
  now_us
  READY_MS=$(((NOW_US - started) / 1000))
  PORT=$SERVING_PORT
}

stop() {
  [[ -z "$PID" ]] && return
  kill -TERM "$PID" 2>/dev/null || true
  wait "$PID" 2>/dev/null || true
  PID=""
}

prompts() { curl -s -m 30 "http://127.0.0.1:$PORT/health" | jq -r '.prompts // "?"' 2>/dev/null || echo "?"; }

# wrk_run SECONDS RUN OUTFILE: new prompts at 32 connections; sets RATE, P99_MS, ERRORS.
wrk_run() {
  wrk -t2 -c32 -d"$1"s --timeout 10s --latency -s "$BENCH/lib/prompts.lua" \
    "http://127.0.0.1:$PORT" -- new "$2" >"$3" 2>&1 || true
  read -r _ requests seconds _ p99 errors _ < <(grep '^WRK' "$3" || echo "WRK 0 1 0 0 0 0")
  RATE=$(awk -v r="$requests" -v s="$seconds" 'BEGIN { printf "%.0f", r / s }')
  P99_MS=$(awk -v p="$p99" 'BEGIN { printf "%.1f", p / 1000 }')
  ERRORS=$errors
}

health_latency() {
  hey -n 300 -c 1 "http://127.0.0.1:$PORT/health" >"$1" 2>&1 || true
  HEALTH_MEAN_MS=$(awk '/Average:/ { printf "%.2f", $2 * 1000 }' "$1")
  HEALTH_P99_MS=$(awk '/ 99%% in / || / 99% in / { printf "%.2f", $3 * 1000 }' "$1")
  HEALTH_CODES=$(awk '/^ *\[[0-9]+\][ \t]+[0-9]+ responses/ { printf "%s%s %s", sep, $1, $2; sep = ", " }' "$1")
}

heap_used() {
  jcmd "$PID" GC.run >/dev/null 2>&1 || true
  HEAP_MB=$(jstat -gc "$PID" 2>/dev/null | awk 'NR == 2 { printf "%.1f", ($3 + $4 + $6 + $8) / 1024 }')
  RSS_MB=$(awk '/VmRSS/ { printf "%.0f", $2 / 1024 }' "/proc/$PID/status")
}

printf 'store\tfigure\tvalue\n' >"$OUT/legacy.tsv"
row() { printf '%s\t%s\t%s\n' "$1" "$2" "$3" | tee -a "$OUT/legacy.tsv"; }

for store in $stores; do
  jar=$([[ $store == old ]] && echo "$old_jar" || echo "$new_jar")
  cap=$([[ $store == old ]] && echo "$old_fill_seconds" || echo "$fill_seconds")
  dir="$OUT/$store/data"
  mkdir -p "$OUT/$store"
  echo "== $store store: $jar" >&2
  row "$store" "jar" "$jar"
  start "$jar" "$dir" "$OUT/$store/start-empty.log" || { row "$store" "start" "$FAILED"; continue; }
  row "$store" "first start (ms)" "$READY_MS"

  wrk_run 5 "warm-$store" "$OUT/$store/wrk-warm.txt"
  wrk_run "$rate_seconds" "rate-$store" "$OUT/$store/wrk-rate.txt"
  row "$store" "new prompts/s at 32 connections, empty store (${rate_seconds} s)" "$RATE"
  row "$store" "p99 (ms), empty store" "$P99_MS"
  row "$store" "errors, empty store" "$ERRORS"

  now_us
  fill_end=$((NOW_US + cap * 1000000))
  stored=$(prompts)
  chunk=0
  while [[ $stored =~ ^[0-9]+$ ]] && ((stored < count)) && kill -0 "$PID" 2>/dev/null; do
    now_us
    ((NOW_US < fill_end)) || break
    chunk=$((chunk + 1))
    wrk_run 30 "fill-$store-$chunk" "$OUT/$store/wrk-fill-$chunk.txt"
    stored=$(prompts)
    echo "   $(date -u +%H:%M:%S) $stored prompts; last 30 s: $RATE/s, p99 $P99_MS ms, $ERRORS errors" >&2
  done
  if ! kill -0 "$PID" 2>/dev/null; then
    row "$store" "fill" "the process died: $(grep -m1 -o 'OutOfMemoryError[^"]*' "$OUT/$store/start-empty.log" || echo 'see the log')"
    PID=""
  fi
  row "$store" "fill: new prompts/s at 32 connections, last 30 s" "$RATE"
  row "$store" "fill: p99 (ms), last 30 s" "$P99_MS"
  row "$store" "fill: errors, last 30 s" "$ERRORS"
  if [[ -n "$PID" ]]; then
    row "$store" "prompts stored" "$(prompts)"
    heap_used
    row "$store" "heap in use after a full GC (MB), of -Xmx$heap" "$HEAP_MB"
    row "$store" "RSS (MB)" "$RSS_MB"
    health_latency "$OUT/$store/hey-health-full.txt"
    row "$store" "/health mean (ms)" "$HEALTH_MEAN_MS"
    row "$store" "/health p99 (ms)" "$HEALTH_P99_MS"
    row "$store" "/health statuses" "$HEALTH_CODES"
    stop
  fi
  row "$store" "bytes on disk" "$(du -sb "$dir" | cut -f1)"

  if start "$jar" "$dir" "$OUT/$store/restart.log"; then
    row "$store" "restart to serving (ms), -Xmx$heap" "$READY_MS"
    row "$store" "prompts after restart" "$(prompts)"
    health_latency "$OUT/$store/hey-health-restart.txt"
    row "$store" "/health p99 after restart (ms)" "$HEALTH_P99_MS"
  else
    row "$store" "restart, -Xmx$heap" "$FAILED"
    # The kill -9 test needs a server: on an empty directory then.
    dir="$OUT/$store/data-kill"
    start "$jar" "$dir" "$OUT/$store/start-kill.log" || { row "$store" "start" "$FAILED"; continue; }
    row "$store" "kill -9 test on" "a fresh directory (the full one did not start)"
  fi

  read -r _ sent acked unanswered < <(python3 "$BENCH/lib/acked.py" load "$PORT" "$PID" 5 32 \
    "$OUT/$store/acked.txt" "$store-$stamp")
  wait "$PID" 2>/dev/null || true
  PID=""
  row "$store" "kill -9 under load: sent, acknowledged, unanswered" "$sent, $acked, $unanswered"
  if start "$jar" "$dir" "$OUT/$store/after-kill.log"; then
    row "$store" "start after kill -9 (ms)" "$READY_MS"
    read -r _ checked found lost < <(python3 "$BENCH/lib/acked.py" check "$PORT" "$OUT/$store/acked.txt")
    row "$store" "kill -9: acknowledged, found, missing" "$checked, $found, $lost"
    stop
  else
    row "$store" "start after kill -9" "$FAILED"
  fi
done

echo "results: $OUT" >&2
column -t -s $'\t' "$OUT/legacy.tsv"
