#!/usr/bin/env bash
# The waiters' scenario: 10,000 callers waiting at once on one Genie instance for prompts whose
# generation outlasts the run, while GET /health and a POST of a completed prompt are timed one
# after the other. Reports Genie's thread count and RSS with them all parked, the probes' p50/p99,
# and what the waiters got when Genie was then stopped (SIGTERM: each is answered 202).
#
# Usage: bench/waiters.sh [-n WAITERS] [-p PROMPTS] [--probes N] [--no-build]
# Environment: DATABASE_URL as for bench/run.sh (a loopback server; a database of its own is
# created and dropped); JAVA_OPTS reaches bin/genie; other GENIE_* settings pass through.
set -euo pipefail

BENCH="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(dirname "$BENCH")"
# shellcheck source=lib/genie.sh
source "$BENCH/lib/genie.sh"

waiters=10000
prompts=100
probes=200
build=1
while (($#)); do
  case "$1" in
    -n | --waiters) waiters="$2"; shift 2 ;;
    -p | --prompts) prompts="$2"; shift 2 ;;
    --probes) probes="$2"; shift 2 ;;
    --no-build) build=0; shift ;;
    -h | --help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done

# Each waiter is a socket on both sides: the client and Genie each need that many descriptors.
if (($(ulimit -n) < waiters + 1000)); then
  ulimit -n "$((waiters + 1000))" 2>/dev/null ||
    { echo "ulimit -n is $(ulimit -n); $waiters waiters need $((waiters + 1000))" >&2; exit 2; }
fi

admin_url="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
url_base="${admin_url%%\?*}"
url_authority="${url_base#*://}"
url_authority="${url_authority%%/*}"
db="genie_bench_$(od -An -N4 -tx4 /dev/urandom | tr -d ' \n')"
BENCH_URL="${url_base%%://*}://$url_authority/$db"
OUT="$BENCH/results/waiters-$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$OUT/logs"
psql_admin() { psql -X -q -A -t -v ON_ERROR_STOP=1 "$admin_url" "$@"; }

cleanup() {
  local status=$?
  genie_stop "${GENIE_PID:-}"
  psql_admin -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1 || true
  exit "$status"
}
trap cleanup EXIT

if ((build)); then
  (cd "$ROOT" && mvn -B -q -o -DskipTests package -pl genie-http -am) >"$OUT/build.log" 2>&1 ||
    { tail -n 30 "$OUT/build.log" >&2; exit 1; }
fi
psql_admin -c "CREATE DATABASE $db" >/dev/null

# Generations that outlast the run; waits longer than it; a stop that answers within 10 s.
export GENIE_SAMPLE_DELAY_MS=600000 GENIE_WAIT_TIMEOUT_MS=600000 GENIE_SHUTDOWN_GRACE_MS=10000
genie_start "$OUT/genie.log"
idle_threads=$(awk '/^Threads:/ {print $2}' "/proc/$GENIE_PID/status")
idle_rss=$(awk '/^VmRSS:/ {print $2}' "/proc/$GENIE_PID/status")

java "$BENCH/lib/Waiters.java" 127.0.0.1 "$GENIE_PORT_FOUND" "$waiters" "$prompts" "$probes" \
  "$OUT/probed" >"$OUT/waiters.txt" 2>"$OUT/waiters.err" &
client=$!
until [[ -f "$OUT/probed" ]]; do
  kill -0 "$client" 2>/dev/null || { cat "$OUT/waiters.err" >&2; exit 1; }
  sleep 0.2
done
threads=$(awk '/^Threads:/ {print $2}' "/proc/$GENIE_PID/status")
rss=$(awk '/^VmRSS:/ {print $2}' "/proc/$GENIE_PID/status")
peak=$(peak_rss_kib "$GENIE_PID")
stop_started=$(date +%s%N)
genie_stop "$GENIE_PID"
stop_ms=$((($(date +%s%N) - stop_started) / 1000000))
wait "$client"

{
  echo "genie: idle threads=$idle_threads rss=$((idle_rss / 1024)) MB;" \
    "with the waiters parked threads=$threads rss=$((rss / 1024)) MB, peak rss=$((peak / 1024)) MB"
  cat "$OUT/waiters.txt"
  echo "stop: exit after ${stop_ms} ms; $(grep -o 'Genie stopped.*' "$OUT/genie.log" | tail -n 1)"
} | tee "$OUT/summary.txt"
