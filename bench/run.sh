#!/usr/bin/env bash
# Genie's benchmark, side by side with the floor: what PostgreSQL alone needs for the same work.
#
# Builds the jar of the checkout this folder sits in, creates a database of its own, and measures:
#   startup   time from exec to a healthy /health (the first start migrates, the others do not);
#   floor     pgbench running Genie's own statements for a new prompt (claim, then complete);
#   batched   the same work in Genie's batched statements (one claim and one completion for many
#             prompts, each one statement and one commit), at the batch size Genie formed under the
#             new-prompt load (genie_store_batch_size in /metrics), req/s counting prompts;
#   cold      new prompts in the first 10 s after /health turned green, before any warm-up;
#   new       wrk, every request a prompt never sent before;
#   dedupe    wrk, every request the same prompt;
#   lone      new prompts over one connection, one after another;
#   peak RSS  of the Genie process under that load.
# Prints one table, and writes results.json, chart.png, the logs and raw outputs under
# bench/results/<time>/ (bench/results/latest points to the last run). Drops its database at the end.
#
# Before measuring, Genie is warmed up with both loads until its JIT compiler has settled: a JVM
# compiles the hot paths for the better part of a minute on a small machine, and a measurement taken
# while it does so reports the compiler, not Genie. The three loads then take turns in rounds, so
# that a machine whose speed drifts (a shared virtual machine does) weighs on all three alike.
#
# Usage: bench/run.sh [-d SECONDS] [-r ROUNDS] [-w SECONDS] [-c "16 64"] [-s STARTS] [--no-build]
#        bench/run.sh --quick   (a few seconds of each load: checks that the benchmark works; its
#                                figures mean nothing)
# Environment: DATABASE_URL (postgres://user@host:port/db, default postgres://postgres@127.0.0.1:5432/postgres)
#   is the server to use, and the database to connect to while creating and dropping genie_bench_<random>;
#   GENIE_LAUNCH overrides the command that starts Genie; JAVA_OPTS reaches bin/genie; other GENIE_*
#   settings pass through to Genie.
set -euo pipefail

BENCH="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(dirname "$BENCH")"
# shellcheck source=lib/genie.sh
source "$BENCH/lib/genie.sh"

duration=12
rounds=3
warmup=10
warmup_max=180
connections="16 64"
floor_clients="8 16 32 64"
starts=5
build=1
headroom=8
batch_clients=2
probe=3
cold_seconds=10

usage() {
  sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'
  cat <<'EOF'
Options:
  -d, --duration SECONDS     seconds each load is measured at each connection count (default 12)
  -r, --rounds N             rounds the measurement is split into, the loads taking turns: floor,
                             batched, new, dedupe, floor, ... (default 3); req/s is over all rounds, p50
                             the median of the rounds' and p99 the highest round's
  -w, --warmup SECONDS       shortest warm-up (default 10); it goes on in rounds of 6 s until a round
                             adds less than 0.1 s of JIT compilation (jstat), or --warmup-max
      --warmup-max SECONDS   longest warm-up (default 180)
  -c, --connections "N ..."  connection counts to measure (default "16 64")
      --floor-clients "N ..."  client counts the floor is also measured at, so that the targets
                             compare with its best (default "8 16 32 64")
  -s, --starts N             startups to time after the first (default 5)
      --headroom N           connections pgbench leaves free for others on the server (default 8)
      --batch-clients N      pgbench clients of the batched floor (default 2: Genie keeps one batch
                             of claims and one of completions in flight)
      --quick                -d 2 -r 1 -w 6 --warmup-max 6 -c 16 -s 1, and a 1 s probe of the batch size
      --no-build             use the jar already built
EOF
}

while (($#)); do
  case "$1" in
    -d | --duration) duration="$2"; shift 2 ;;
    -r | --rounds) rounds="$2"; shift 2 ;;
    -w | --warmup) warmup="$2"; shift 2 ;;
    --warmup-max) warmup_max="$2"; shift 2 ;;
    -c | --connections) connections="$2"; shift 2 ;;
    --floor-clients) floor_clients="$2"; shift 2 ;;
    -s | --starts) starts="$2"; shift 2 ;;
    --headroom) headroom="$2"; shift 2 ;;
    --batch-clients) batch_clients="$2"; shift 2 ;;
    --quick) duration=2; rounds=1; warmup=6; warmup_max=6; connections=16; floor_clients=16; starts=1; probe=1; cold_seconds=2; shift ;;
    --no-build) build=0; shift ;;
    -h | --help) usage; exit 0 ;;
    *) echo "unknown option: $1 (see $0 --help)" >&2; exit 2 ;;
  esac
done

((rounds >= 1 && duration >= rounds)) || { echo "-d must be at least -r (one second per round)" >&2; exit 2; }
round_seconds=$((duration / rounds))

# Startups are timed by polling without starting processes, which needs bash's $EPOCHREALTIME.
[[ -n "${EPOCHREALTIME:-}" ]] || { echo "bench/run.sh needs bash 5 or later" >&2; exit 2; }

missing=()
for tool in java mvn wrk pgbench psql curl awk sort; do
  command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
done
if ((${#missing[@]})); then
  cat >&2 <<EOF
bench/run.sh needs: ${missing[*]}
On Debian or Ubuntu:
  apt-get update
  apt-get install -y wrk gnuplot-nox postgresql-client curl
and a JDK 17 with Maven 3.8+ (apt-get install -y openjdk-17-jdk-headless maven).
EOF
  exit 2
fi
command -v gnuplot >/dev/null 2>&1 || echo "no gnuplot: the run writes no chart.png (apt-get install -y gnuplot-nox)" >&2

# --- where: the server, and a database of our own -------------------------------------------------
admin_url="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
case "$admin_url" in
  postgres://* | postgresql://*) ;;
  *) echo "DATABASE_URL must be postgres://user[:password]@host:port/database, not a JDBC URL" >&2; exit 2 ;;
esac
url_base="${admin_url%%\?*}"
url_query="${admin_url:${#url_base}}"
url_authority="${url_base#*://}"
url_authority="${url_authority%%/*}"
url_host="${url_authority##*@}"
url_host="${url_host%:*}"
case "$url_host" in
  127.* | localhost | "[::1]" | "") ;;
  *)
    if [[ "${BENCH_ALLOW_REMOTE_DB:-}" != 1 ]]; then
      echo "refusing to load PostgreSQL at $url_host: the benchmark runs on one machine (BENCH_ALLOW_REMOTE_DB=1 overrides)" >&2
      exit 2
    fi
    ;;
esac
db="genie_bench_$(od -An -N4 -tx4 /dev/urandom | tr -d ' \n')"
BENCH_URL="${url_base%%://*}://$url_authority/$db$url_query"

stamp="$(date -u +%Y%m%dT%H%M%SZ)"
OUT="$BENCH/results/$stamp"
mkdir -p "$OUT/logs"
ln -sfn "$stamp" "$BENCH/results/latest"

say() { printf '%s %s\n' "$(date +%H:%M:%S)" "$*" | tee -a "$OUT/bench.log" >&2; }
psql_admin() { psql -X -q -A -t -v ON_ERROR_STOP=1 "$admin_url" "$@"; }
psql_bench() { psql -X -q -A -t -v ON_ERROR_STOP=1 "$BENCH_URL" "$@"; }
load_now() { cut -d ' ' -f 1-3 /proc/loadavg; }

cleanup() {
  local status=$?
  genie_stop "${GENIE_PID:-}"
  psql_admin -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1 ||
    echo "could not drop database $db; drop it by hand" >&2
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

say "results in $OUT"
say "load average before: $(load_now)"
load_before="$(load_now)"

if ((build)); then
  say "building genie-http/target/genie.jar from $ROOT"
  if ! (cd "$ROOT" && mvn -B -q -o -DskipTests package -pl genie-http -am) >"$OUT/build.log" 2>&1; then
    say "offline build failed; building online"
    (cd "$ROOT" && mvn -B -q -DskipTests package -pl genie-http -am) >>"$OUT/build.log" 2>&1 ||
      { tail -n 30 "$OUT/build.log" >&2; exit 1; }
  fi
fi
[[ -f "$ROOT/genie-http/target/genie.jar" ]] || { echo "no genie-http/target/genie.jar; build first" >&2; exit 1; }

psql_admin -c "CREATE DATABASE $db" >/dev/null
say "created database $db"

# --- startup ---------------------------------------------------------------------------------------
genie_start "$OUT/genie-first-start.log"
first_start_ms=$GENIE_READY_MS
genie_stop
say "first start (migrates the schema): ready in $first_start_ms ms"
ready_times=()
for i in $(seq 1 "$starts"); do
  genie_start "$OUT/genie-start-$i.log"
  ready_times+=("$GENIE_READY_MS")
  genie_stop
done
read -r start_median start_min start_max < <(printf '%s\n' "${ready_times[@]}" | sort -n |
  awk '{v[NR]=$1} END {print v[int((NR+1)/2)], v[1], v[NR]}')
say "startup: ready in ${start_median} ms (median of $starts; min $start_min, max $start_max)"

genie_start "$OUT/genie.log"
port=$GENIE_PORT_FOUND
say "Genie (pid $GENIE_PID) serving on port $port, ready in $GENIE_READY_MS ms; its log: $OUT/genie.log"
base="http://127.0.0.1:$port"
rss_idle_kib=$(peak_rss_kib "$GENIE_PID")
cores=$(nproc)

# --- phases ---------------------------------------------------------------------------------------
printf 'phase\tconnections\tclients\trequests\tseconds\trps\tp50_ms\tp99_ms\terrors\n' >"$OUT/rounds.tsv"
run_id="$stamp"

# posts_logged OFFSET: the access log's POST lines in Genie's log past byte OFFSET, once the access
# log has written its last batch (every 20 ms)
posts_logged() {
  pause 0.1
  tail -c +"$(($1 + 1))" "$OUT/genie.log" | grep ' dev\.genie\.http\.access - POST ' || true
}

# inside_p99 OFFSET: the p99, in whole ms, of the times the access log gives the POSTs logged past
# OFFSET: from Genie's first handler to the last byte of the answer, so that a round's p99 as wrk
# saw it can be told apart from the part spent inside Genie.
inside_p99() {
  posts_logged "$1" | awk 'match($0, / [0-9]+ms id=/) {print substr($0, RSTART + 1, RLENGTH - 7)}' |
    sort -n | awk '{v[NR] = $1} END {i = int(NR * 0.99); if (i < 1) i = 1; print (NR ? v[i] : "-")}'
}

# per_second OFFSET: how many POSTs were logged past OFFSET in each clock second (the first and the
# last second partly)
per_second() {
  posts_logged "$1" |
    awk '{s = substr($1, 1, 19); if (s != last) {if (n) printf "%d ", n; n = 0; last = s} n++} END {print n}'
}

# wrk_phase NAME MODE CONNECTIONS SECONDS [ROUND]: with ROUND (round1, ...), a line in rounds.tsv
wrk_phase() {
  local name="$1" mode="$2" c="$3" seconds="$4" round="${5:-}" threads line out logged
  threads=$((c < cores ? c : cores))
  out="$OUT/$name-$c${round:+-$round}.txt"
  logged=$(stat -c %s "$OUT/genie.log")
  wrk -t "$threads" -c "$c" -d "${seconds}s" --timeout 10s -s "$BENCH/lib/prompts.lua" "$base" \
    -- "$mode" "$run_id-$name-$c-${round:-warmup}" >"$out" 2>&1 ||
    { cat "$out" >&2; exit 1; }
  [[ -n "$round" ]] || return 0
  line=$(grep '^WRK ' "$out")
  read -r _ requests secs p50 p99 errors _ <<<"$line"
  awk -v n="$name" -v c="$c" -v r="$requests" -v s="$secs" -v p50="$p50" -v p99="$p99" -v e="$errors" \
    'BEGIN {printf "%s\t%d\t%d\t%d\t%.3f\t%.1f\t%.2f\t%.2f\t%d\n", n, c, c, r, s, r / s, p50 / 1000, p99 / 1000, e}' \
    >>"$OUT/rounds.tsv"
  say "$name at $c connections, $round: $(tail -n 1 "$OUT/rounds.tsv" | cut -f 6) req/s, p99 $(tail -n 1 "$OUT/rounds.tsv" | cut -f 8) ms (inside Genie $(inside_p99 "$logged") ms), errors $errors"
}

# floor_phase CONNECTIONS SECONDS [ROUND]: with ROUND, a line in rounds.tsv
floor_phase() {
  pgbench_phase floor "$BENCH/lib/floor.sql" "$1" "$1" 1 "$2" "${3:-}"
}

# batched_phase CONNECTIONS BATCH SECONDS [ROUND]: the batched floor at BATCH prompts a batch
batched_phase() {
  pgbench_phase batched "$BENCH/lib/floor-batched.sql" "$1" "$batch_clients" "$2" "$3" "${4:-}" \
    -D "batch=$2"
}

# pgbench_phase NAME SCRIPT CONNECTIONS CLIENTS PROMPTS_PER_TRANSACTION SECONDS ROUND [ARGS...]:
# with ROUND, a line in rounds.tsv; its requests and req/s count prompts, its latencies transactions
pgbench_phase() {
  local name="$1" script="$2" c="$3" clients="$4" per="$5" seconds="$6" round="$7"
  shift 7
  local free threads status=0 prefix out tps failed
  free=$(psql_admin -c "SELECT current_setting('max_connections')::int
                              - current_setting('superuser_reserved_connections')::int
                              - count(*) FROM pg_stat_activity WHERE backend_type = 'client backend'")
  if ((clients > free - headroom)); then
    clients=$((free - headroom > 1 ? free - headroom : 1))
    say "$name: only $free connections free on the server; pgbench uses $clients, not $c (--headroom $headroom)"
  fi
  threads=$((clients < cores ? clients : cores))
  prefix="$OUT/pgbench-$name-$c"
  out="$OUT/$name-$c${round:+-$round}.txt"
  rm -f "$prefix".*
  pgbench -n -M prepared -f "$script" -c "$clients" -j "$threads" -T "$seconds" "$@" \
    -l --log-prefix="$prefix" "$BENCH_URL" >"$out" 2>&1 || status=$?
  if [[ -z "$round" ]]; then
    rm -f "$prefix".*
    return 0
  fi
  tps=$(sed -n 's/^tps = \([0-9.]*\) (without initial connection time)/\1/p' "$out")
  failed=$(sed -n 's/^number of failed transactions: \([0-9]*\).*/\1/p' "$out")
  if [[ -z "$tps" ]]; then
    cat "$out" >&2
    exit 1
  fi
  ((status == 0)) || failed=$((${failed:-0} + 1))
  cat "$prefix".* | awk '$3 ~ /^[0-9]+$/ {print $3}' | sort -n |
    awk -v n="$name" -v c="$c" -v cl="$clients" -v s="$seconds" -v tps="$tps" -v per="$per" -v e="${failed:-0}" '
      {v[NR] = $1}
      END {
        i50 = int(NR * 0.50 + 0.5); if (i50 < 1) i50 = 1
        i99 = int(NR * 0.99 + 0.5); if (i99 < 1) i99 = 1; if (i99 > NR) i99 = NR
        printf "%s\t%d\t%d\t%d\t%.3f\t%.1f\t%.2f\t%.2f\t%d\n", n, c, cl, NR * per, s, tps * per, v[i50] / 1000, v[i99] / 1000, e
      }' >>"$OUT/rounds.tsv"
  rm -f "$prefix".*
  say "$name at $c connections, $round: $(tail -n 1 "$OUT/rounds.tsv" | cut -f 6) prompts/s, p99 $(tail -n 1 "$OUT/rounds.tsv" | cut -f 8) ms"
}

# Seconds the JVM has spent compiling so far (jstat's "Time"), or nothing when jstat cannot tell.
jit_seconds() {
  command -v jstat >/dev/null 2>&1 || return 0
  jstat -compiler "$GENIE_PID" 2>/dev/null | awk 'NR == 2 {print $4}'
}

# warm_up CONNECTIONS: rounds of 5 s of new prompts and 1 s of the same prompt, for at least
# $warmup seconds, until a round adds less than 0.1 s of compilation (or $warmup_max seconds).
# Sets WARMUP_SECONDS and WARMUP_SETTLED (yes, or why not).
warm_up() {
  local c="$1" round=0 elapsed=0 before after
  WARMUP_SETTLED="no: the JIT was still compiling after ${warmup_max} s"
  before=$(jit_seconds)
  [[ -n "$before" ]] || WARMUP_SETTLED="unknown: jstat could not read the JVM; fixed warm-up"
  while ((elapsed < warmup_max)); do
    round=$((round + 1))
    wrk_phase "warmup-new-$round" new "$c" 5
    wrk_phase "warmup-dedupe-$round" same "$c" 1
    elapsed=$((elapsed + 6))
    rm -f "$OUT/warmup-new-$round-$c.txt" "$OUT/warmup-dedupe-$round-$c.txt"
    after=$(jit_seconds)
    if ((elapsed >= warmup)); then
      [[ -n "$before" ]] || break
      if [[ -n "$after" ]] && awk -v a="$after" -v b="$before" 'BEGIN {exit !(a - b < 0.1)}'; then
        WARMUP_SETTLED=yes
        break
      fi
    fi
    before="$after"
  done
  WARMUP_SECONDS=$elapsed
}

# batch_counts: claim batches, the claims they carried, completion batches, the completions they
# carried, so far, from genie_store_batch_size in /metrics (zeros when Genie publishes none).
batch_counts() {
  { curl -s "$base/metrics" || true; } | awk '
    /^genie_store_batch_size_(count|sum)\{/ {
      op = ($1 ~ /operation="claim"/) ? "claim" : "complete"
      kind = ($1 ~ /_count\{/) ? "count" : "sum"
      v[op, kind] = $NF
    }
    END {printf "%d %d %d %d\n", v["claim", "count"], v["claim", "sum"], v["complete", "count"], v["complete", "sum"]}'
}

# batch_delta BEFORE AFTER: the four counts AFTER less BEFORE
batch_delta() {
  local -a b a
  read -r -a b <<<"$1"
  read -r -a a <<<"$2"
  echo "$((a[0] - b[0])) $((a[1] - b[1])) $((a[2] - b[2])) $((a[3] - b[3]))"
}

first_c="${connections%% *}"
# What a fresh instance gives in its first seconds, before any warm-up: new prompts from the moment
# /health turned green.
cold_from=$(stat -c %s "$OUT/genie.log")
wrk_phase cold new "$first_c" "$cold_seconds" first
say "cold: new prompts answered in each second: $(per_second "$cold_from")"
say "warming up: new prompts and the same prompt until the JIT settles (${warmup} to ${warmup_max} s), then the floor"
warm_up "$first_c"
say "warmed up for $WARMUP_SECONDS s; JIT settled: $WARMUP_SETTLED; total JIT compilation $(jit_seconds) s"
floor_phase "$first_c" "$warmup"

printf 'connections\tbatch\tclaim_batches\tclaims\tcompletion_batches\tcompletions\n' >"$OUT/batches.tsv"
for c in $connections; do
  # The batched floor's size: the mean claim batch of a short new-prompt load at this count.
  before=$(batch_counts)
  wrk_phase batchprobe new "$c" "$probe"
  read -r probe_batches probe_claims _ _ <<<"$(batch_delta "$before" "$(batch_counts)")"
  batch=$(awk -v n="$probe_batches" -v r="$probe_claims" 'BEGIN {b = n > 0 ? int(r / n + 0.5) : 1; print b < 1 ? 1 : b}')
  say "batched floor at $c connections: $batch prompts a batch ($probe_claims claims in $probe_batches batches in a ${probe} s probe)"
  measured="0 0 0 0"
  for r in $(seq 1 "$rounds"); do
    floor_phase "$c" "$round_seconds" "round$r"
    batched_phase "$c" "$batch" "$round_seconds" "round$r"
    before=$(batch_counts)
    wrk_phase new new "$c" "$round_seconds" "round$r"
    read -r -a d <<<"$(batch_delta "$before" "$(batch_counts)")"
    read -r -a m <<<"$measured"
    measured="$((m[0] + d[0])) $((m[1] + d[1])) $((m[2] + d[2])) $((m[3] + d[3]))"
    wrk_phase dedupe same "$c" "$round_seconds" "round$r"
  done
  printf '%s\t%s\t%s\n' "$c" "$batch" "$(tr ' ' '\t' <<<"$measured")" >>"$OUT/batches.tsv"
done
# The floor at the other client counts, in as many rounds: pooling alone must not beat the floor.
for c in $floor_clients; do
  [[ " $connections " == *" $c "* ]] && continue
  for r in $(seq 1 "$rounds"); do
    floor_phase "$c" "$round_seconds" "round$r"
  done
done
# A lone caller: one connection, one new prompt after another.
wrk_phase lone new 1 "$((rounds * round_seconds))" all
batch_lines=$(awk -F '\t' 'NR > 1 {
    printf "  at %d connections: claims %.1f a batch (%d in %d), completions %.1f (%d in %d); batched floor run at %d\n",
      $1, ($3 > 0 ? $4 / $3 : 0), $4, $3, ($5 > 0 ? $6 / $5 : 0), $6, $5, $2}' "$OUT/batches.tsv")

# One line per load and connection count: req/s over all its rounds, p50 the median of the rounds',
# p99 the highest round's, errors summed.
awk -F '\t' -v OFS='\t' '
  NR == 1 {print; next}
  {
    k = $1 SUBSEP $2
    if (!(k in n)) {order[++keys] = k; name[k] = $1; conn[k] = $2; clients[k] = $3}
    if ($3 < clients[k]) clients[k] = $3
    n[k]++; requests[k] += $4; seconds[k] += $5; weighted[k] += $6 * $5; errors[k] += $9
    p50[k, n[k]] = $7; if ($8 > p99[k]) p99[k] = $8
  }
  END {
    for (i = 1; i <= keys; i++) {
      k = order[i]; m = n[k]
      for (a = 1; a <= m; a++) v[a] = p50[k, a]
      for (a = 2; a <= m; a++) for (b = a; b > 1 && v[b - 1] > v[b]; b--) {t = v[b]; v[b] = v[b - 1]; v[b - 1] = t}
      median = (m % 2) ? v[(m + 1) / 2] : (v[m / 2] + v[m / 2 + 1]) / 2
      printf "%s\t%d\t%d\t%d\t%.3f\t%.1f\t%.2f\t%.2f\t%d\n", name[k], conn[k], clients[k], requests[k],
             seconds[k], weighted[k] / seconds[k], median, p99[k], errors[k]
    }
  }' "$OUT/rounds.tsv" >"$OUT/phases.tsv"
rss_peak_kib=$(peak_rss_kib "$GENIE_PID")

sleep 1
read -r genie_rows genie_unfinished < <(psql_bench -F ' ' -c "
  SELECT count(*), count(*) FILTER (WHERE r.status <> 'completed')
  FROM genie_results r WHERE r.lease_owner IS DISTINCT FROM 'genie-floor'")
health=$(curl -s -o /dev/null -w '%{http_code}' "$base/health" || true)
genie_stop
GENIE_PID=""
load_after="$(load_now)"
say "load average after: $load_after"

# --- report ---------------------------------------------------------------------------------------
pg_version=$(psql_admin -c "SHOW server_version" | cut -d ' ' -f 1)
jdk_version=$(java -version 2>&1 | head -n 1 | sed 's/.*version "\([^"]*\)".*/\1/')
jdk_vendor=$(java -version 2>&1 | sed -n 2p | cut -d ' ' -f 1)
memory_mib=$(awk '/^MemTotal:/ {printf "%d", $2 / 1024}' /proc/meminfo)
cpu_model=$(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo)
commit=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)
if [[ "$commit" != unknown ]] && [[ -n "$(git -C "$ROOT" status --porcelain --untracked-files=no 2>/dev/null)" ]]; then
  commit="$commit+changes"
fi

awk -F '\t' -v OFS='\t' '
  NR == 1 {print $0, "vs_floor"; next}
  {rows[NR] = $0; phase[NR] = $1; conn[NR] = $2; rps[NR] = $6; if ($1 == "floor") floor[$2] = $6}
  END {
    for (i = 2; i <= NR; i++) {
      ratio = (conn[i] in floor && floor[conn[i]] > 0) ? sprintf("%.2f", rps[i] / floor[conn[i]]) : "-"
      print rows[i], ratio
    }
  }' "$OUT/phases.tsv" >"$OUT/phases-ratio.tsv"

targets=$(awk -F '\t' -v start="$start_median" -v rss="$((rss_peak_kib / 1024))" '
  NR > 1 {rps[$1, $2] = $6; p99[$1, $2] = $8; err += $9; if ($1 == "floor" && $6 > best) {best = $6; bestc = $2}}
  NR > 1 && $1 == "cold" {cold = $6}
  NR > 1 && $1 == "lone" {lone50 = $7; lone99 = $8}
  function verdict(ok) {return ok ? "met" : "MISSED"}
  function ratio(phase, c) {return best > 0 ? rps[phase, c] / best : 0}
  END {
    if (!(("new", 16) in rps) || !(("new", 64) in rps)) {print "(targets are set at 16 and 64 connections: not measured)"; exit}
    printf "  best floor: %.1f req/s, at %d clients\n", best, bestc
    printf "  new at 64    >= 1.3 x best floor        : %.2f x      %s\n", ratio("new", 64), verdict(ratio("new", 64) >= 1.3)
    printf "  new at 16    >= 1.0 x best floor        : %.2f x      %s\n", ratio("new", 16), verdict(ratio("new", 16) >= 1.0)
    printf "  first %2d s   >= 0.6 x best floor        : %.2f x      %s\n", cold_s, (best > 0 ? cold / best : 0), verdict(best > 0 && cold / best >= 0.6)
    printf "  p99 at 16    <= 1.2 x the floor'"'"'s         : %.1f vs %.1f ms  %s\n", p99["new", 16], p99["floor", 16], verdict(p99["new", 16] <= 1.2 * p99["floor", 16])
    printf "  dedupe at 16 >= 20 x new                : %.1f x       %s\n", rps["dedupe", 16] / rps["new", 16], verdict(rps["dedupe", 16] >= 20 * rps["new", 16])
    printf "  a lone request (1 connection)           : p50 %.2f ms, p99 %.2f ms (compare with an earlier run)\n", lone50, lone99
    printf "  ready <= 1000 ms, peak RSS <= 300 MB    : %d ms, %d MB  %s\n", start, rss, verdict(start <= 1000 && rss <= 300)
    printf "  errors                                  : %d            %s\n", err, verdict(err == 0)
  }' cold_s="$cold_seconds" "$OUT/phases.tsv")

{
  echo
  echo "Genie benchmark $stamp, commit $commit: each load $rounds × ${round_seconds} s, taking turns, after a ${WARMUP_SECONDS} s warm-up (JIT settled: $WARMUP_SETTLED)"
  echo "machine: $cores cores ($cpu_model), $((memory_mib / 1024)) GiB RAM, PostgreSQL $pg_version, $jdk_vendor $jdk_version"
  echo "load average: $load_before before, $load_after after"
  echo
  awk -F '\t' '
    NR == 1 {printf "%-8s %5s %10s %8s %8s %7s %9s\n", "phase", "conns", "req/s", "p50 ms", "p99 ms", "errors", "vs floor"; next}
    {conns = ($3 != $2 && $1 != "batched") ? $2 "*" : $2
     printf "%-8s %5s %10.1f %8.2f %8.2f %7d %9s\n", $1, conns, $6, $7, $8, $9, $10}' "$OUT/phases-ratio.tsv"
  if awk -F '\t' 'NR > 1 && $3 != $2 && $1 != "batched" {found = 1} END {exit !found}' "$OUT/phases.tsv"; then
    echo "* pgbench ran with fewer clients: see bench.log"
  fi
  echo
  echo "startup: ready ${start_median} ms (median of $starts starts; min $start_min, max $start_max); first start, migrating: $first_start_ms ms"
  echo "memory: peak RSS $((rss_peak_kib / 1024)) MB under load ($((rss_idle_kib / 1024)) MB when ready)"
  echo "batches Genie formed in the new-prompt rounds (genie_store_batch_size):"
  echo "$batch_lines"
  echo "batched: pgbench with $batch_clients clients, each transaction one batch claimed and then completed; req/s counts prompts, p50 and p99 are a batch's"
  echo "after the load: $genie_rows results written by Genie, $genie_unfinished not completed; /health answered $health"
  echo
  echo "targets:"
  echo "$targets"
} | tee "$OUT/table.txt"

# --- results.json and chart.png -------------------------------------------------------------------
json_phases=$(awk -F '\t' '
  NR == 1 {next}
  {printf "%s    {\"phase\": \"%s\", \"connections\": %d, \"clients\": %d, \"requests\": %d, \"seconds\": %s, \"rps\": %s, \"p50_ms\": %s, \"p99_ms\": %s, \"errors\": %d, \"vs_floor\": %s}",
          (n++ ? ",\n" : ""), $1, $2, $3, $4, $5, $6, $7, $8, $9, ($10 == "-" ? "null" : $10)}' \
  "$OUT/phases-ratio.tsv")
cat >"$OUT/results.json" <<EOF
{
  "when": "$stamp",
  "commit": "$commit",
  "settings": {"duration_s": $((rounds * round_seconds)), "rounds": $rounds, "warmup_s": $WARMUP_SECONDS, "jit_settled": "$WARMUP_SETTLED", "connections": [$(echo "$connections" | sed 's/  */, /g')], "starts": $starts},
  "machine": {"cores": $cores, "cpu": "$cpu_model", "memory_mib": $memory_mib, "postgresql": "$pg_version", "jdk": "$jdk_vendor $jdk_version",
              "load_before": "$load_before", "load_after": "$load_after"},
  "startup": {"ready_ms_median": $start_median, "ready_ms_min": $start_min, "ready_ms_max": $start_max, "first_start_ms": $first_start_ms},
  "memory": {"peak_rss_mib": $((rss_peak_kib / 1024)), "ready_rss_mib": $((rss_idle_kib / 1024))},
  "check": {"results_written": $genie_rows, "results_not_completed": $genie_unfinished, "health_after": "$health"},
  "batches": [
$(awk -F '\t' 'NR > 1 {printf "%s    {\"connections\": %d, \"batched_floor_size\": %d, \"claim_batches\": %d, \"claims\": %d, \"completion_batches\": %d, \"completions\": %d}", (n++ ? ",\n" : ""), $1, $2, $3, $4, $5, $6}' "$OUT/batches.tsv")
  ],
  "phases": [
$json_phases
  ]
}
EOF

awk -F '\t' 'NR > 1 {rps[$2, $1] = $6; p99[$2, $1] = $8; if (!($2 in seen)) {seen[$2] = 1; order[++n] = $2}}
  END {for (i = 1; i <= n; i++) {c = order[i]; printf "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", c,
       rps[c, "floor"] + 0, rps[c, "new"] + 0, rps[c, "dedupe"] + 0, p99[c, "floor"] + 0, p99[c, "new"] + 0, p99[c, "dedupe"] + 0}}' \
  "$OUT/phases.tsv" >"$OUT/chart.dat"
gnuplot -e "data='$OUT/chart.dat'; out='$OUT/chart.png'; title='Genie $commit, $stamp'" "$BENCH/lib/chart.gp" 2>>"$OUT/bench.log" ||
  say "gnuplot could not draw the chart; the figures are in results.json"
say "wrote $OUT/results.json, $OUT/chart.png and $OUT/table.txt"
