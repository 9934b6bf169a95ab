#!/usr/bin/env bash
# How Genie scales out: 1, 2 and 4 instances on one PostgreSQL, each directly and through PgBouncer
# in transaction mode, under the same total load of new prompts (every request a prompt never sent
# before, the load that writes most). For each: throughput over all instances, the highest p99 of
# any instance, and the PostgreSQL connections that the database saw at the load's peak.
#
# Builds the jar (unless --no-build), creates a database of its own, starts PgBouncer from Debian's
# package as its own child (on a free port on 127.0.0.1, files under the results folder), and each
# instance with bin/genie. wrk sends every instance the same share of the connections. Prints one
# table and writes scale.tsv, the logs and wrk's outputs under bench/results/scale-<time>/.
#
# Usage: bench/scale.sh [-d SECONDS] [-w SECONDS] [-c CONNECTIONS] [-i "1 2 4"] [-p POOL] [--no-build]
# Environment: DATABASE_URL (postgres://user@host:port/db, default postgres://postgres@127.0.0.1:5432/postgres).
set -euo pipefail

BENCH="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(dirname "$BENCH")"
# shellcheck source=lib/genie.sh
source "$BENCH/lib/genie.sh"

duration=10
warmup=15
connections=32
instance_counts="1 2 4"
pool=8
build=1

while (($#)); do
  case "$1" in
    -d | --duration) duration="$2"; shift 2 ;;
    -w | --warmup) warmup="$2"; shift 2 ;;
    -c | --connections) connections="$2"; shift 2 ;;
    -i | --instances) instance_counts="$2"; shift 2 ;;
    -p | --pool) pool="$2"; shift 2 ;;
    --no-build) build=0; shift ;;
    -h | --help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "unknown option: $1 (see $0 --help)" >&2; exit 2 ;;
  esac
done

missing=()
for tool in java mvn wrk psql pgbouncer; do
  command -v "$tool" >/dev/null 2>&1 || [[ -x "/usr/sbin/$tool" ]] || missing+=("$tool")
done
if ((${#missing[@]})); then
  echo "missing: ${missing[*]}; apt-get install -y wrk postgresql-client pgbouncer" >&2
  exit 2
fi
pgbouncer_bin="$(command -v pgbouncer || echo /usr/sbin/pgbouncer)"

admin_url="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
url_base="${admin_url%%\?*}"
url_authority="${url_base#*://}"
url_authority="${url_authority%%/*}"
url_login="${url_authority%@*}"
url_hostport="${url_authority##*@}"
db="genie_scale_$(od -An -N4 -tx4 /dev/urandom | tr -d ' \n')"
direct_url="${url_base%%://*}://$url_authority/$db"

stamp="$(date -u +%Y%m%dT%H%M%SZ)"
OUT="$BENCH/results/scale-$stamp"
mkdir -p "$OUT/logs"
say() { printf '%s %s\n' "$(date +%H:%M:%S)" "$*" | tee -a "$OUT/bench.log" >&2; }
psql_admin() { psql -X -q -A -t -v ON_ERROR_STOP=1 "$admin_url" "$@"; }

pids=()
bouncer_pid=""
cleanup() {
  local status=$?
  for pid in "${pids[@]}"; do genie_stop "$pid"; done
  if [[ -n "$bouncer_pid" ]]; then
    kill "$bouncer_pid" 2>/dev/null || true
    wait "$bouncer_pid" 2>/dev/null || true
  fi
  psql_admin -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1 ||
    echo "could not drop database $db; drop it by hand" >&2
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if ((build)); then
  say "building the jar"
  (cd "$ROOT" && mvn -B -q -DskipTests package) >"$OUT/build.log" 2>&1 || { cat "$OUT/build.log" >&2; exit 1; }
fi
psql_admin -c "CREATE DATABASE $db" >/dev/null

# PgBouncer in transaction mode, in front of the same server, as the benchmark's own child.
bouncer_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
printf '"%s" ""\n' "${url_login%%:*}" >"$OUT/userlist.txt"
cat >"$OUT/pgbouncer.ini" <<INI
[databases]
$db = host=${url_hostport%:*} port=${url_hostport##*:}
[pgbouncer]
listen_addr = 127.0.0.1
listen_port = $bouncer_port
unix_socket_dir =
auth_type = trust
auth_file = $OUT/userlist.txt
pool_mode = transaction
default_pool_size = $pool
max_client_conn = 1000
ignore_startup_parameters = extra_float_digits
INI
user_switch=()
[[ "$(id -u)" -eq 0 ]] && user_switch=(-u postgres)
"$pgbouncer_bin" "${user_switch[@]}" "$OUT/pgbouncer.ini" >"$OUT/logs/pgbouncer.log" 2>&1 &
bouncer_pid=$!
bouncer_url="${url_base%%://*}://$url_login@127.0.0.1:$bouncer_port/$db"

backends() {
  psql_admin -c "SELECT count(*) FROM pg_stat_activity WHERE datname = '$db' AND backend_type = 'client backend'"
}

# measure ROUTE INSTANCES: starts them, warms them up, measures, stops them; one line in scale.tsv.
measure() {
  local route="$1" k="$2" i per ports=() outs=() wrk_pids=() requests=0 secs=0 p99=0 errors=0 peak=0 n
  if [[ "$route" == pgbouncer ]]; then
    BENCH_URL="$bouncer_url"
    export GENIE_DB_LISTEN_URL="$direct_url" GENIE_DB_POOLER=transaction
  else
    BENCH_URL="$direct_url"
    unset GENIE_DB_LISTEN_URL GENIE_DB_POOLER
  fi
  export GENIE_DB_POOL_SIZE="$pool"
  pids=()
  for ((i = 0; i < k; i++)); do
    genie_start "$OUT/logs/$route-$k-$i.log"
    pids+=("$GENIE_PID")
    ports+=("$GENIE_PORT_FOUND")
  done
  per=$((connections / k))
  for phase in warmup measure; do
    outs=()
    wrk_pids=()
    for ((i = 0; i < k; i++)); do
      out="$OUT/$route-$k-$i-$phase.txt"
      outs+=("$out")
      wrk -t 1 -c "$per" -d "$([[ $phase == warmup ]] && echo "$warmup" || echo "$duration")s" --timeout 10s \
        -s "$BENCH/lib/prompts.lua" "http://127.0.0.1:${ports[$i]}" -- new "$stamp-$route-$k-$i-$phase" >"$out" 2>&1 &
      wrk_pids+=("$!")
    done
    if [[ $phase == measure ]]; then
      for _ in $(seq 1 "$duration"); do
        sleep 1
        n=$(backends)
        ((n > peak)) && peak=$n
      done
    fi
    wait "${wrk_pids[@]}"
  done
  for out in "${outs[@]}"; do
    read -r _ r s _ p e _ <<<"$(grep '^WRK ' "$out")"
    requests=$((requests + r))
    secs=$(awk -v a="$secs" -v b="$s" 'BEGIN {print (b > a ? b : a)}')
    ((p > p99)) && p99=$p
    errors=$((errors + e))
  done
  for pid in "${pids[@]}"; do genie_stop "$pid"; done
  pids=()
  awk -v route="$route" -v k="$k" -v c="$connections" -v r="$requests" -v s="$secs" -v p="$p99" -v e="$errors" -v b="$peak" \
    'BEGIN {printf "%s\t%d\t%d\t%.0f\t%.1f\t%d\t%d\n", route, k, c, r / s, p / 1000, b, e}' >>"$OUT/scale.tsv"
  say "$(tail -n 1 "$OUT/scale.tsv")"
}

load_before="$(cut -d ' ' -f 1-3 /proc/loadavg)"
printf 'route\tinstances\tconnections\trps\tp99_ms\tdb_connections\terrors\n' >"$OUT/scale.tsv"
for route in direct pgbouncer; do
  for k in $instance_counts; do
    measure "$route" "$k"
  done
done

cores=$(nproc)
echo
echo "Genie scaling out on one machine ($cores cores, PostgreSQL on the same machine), $connections wrk connections in all,"
echo "new prompts, ${duration}s after ${warmup}s of warm-up, GENIE_DB_POOL_SIZE=$pool, PgBouncer default_pool_size=$pool;"
echo "load average before: $load_before, after: $(cut -d ' ' -f 1-3 /proc/loadavg):"
echo
echo "| route | instances | req/s | p99 ms | PostgreSQL connections | errors |"
echo "|---|---|---|---|---|---|"
awk -F '\t' 'NR > 1 {printf "| %s | %d | %d | %.1f | %d | %d |\n", $1, $2, $4, $5, $6, $7}' "$OUT/scale.tsv"
