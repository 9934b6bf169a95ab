# Starts and stops Genie for the benchmark. Sourced by run.sh and start-once.sh, which set ROOT
# (the checkout), BENCH_URL (the benchmark's own database) and OUT (the results folder).

# The command that runs Genie: GENIE_LAUNCH when set, else the checkout's launcher when it has one,
# else plain java -jar, so that any checkout starts the way its README says.
genie_launch_command() {
  if [[ -n "${GENIE_LAUNCH:-}" ]]; then
    read -r -a LAUNCH <<<"$GENIE_LAUNCH"
  elif [[ -x "$ROOT/bin/genie" ]]; then
    LAUNCH=("$ROOT/bin/genie")
  else
    LAUNCH=(java -jar "$ROOT/genie-http/target/genie.jar")
  fi
}

now_ns() { date +%s%N; }

# genie_start LOGFILE: starts Genie on a free port and returns once GET /health answers 200.
# Sets GENIE_PID, GENIE_PORT_FOUND and GENIE_READY_MS (from exec to a healthy /health).
genie_start() {
  local log="$1" started port="" deadline
  genie_launch_command
  started=$(now_ns)
  DATABASE_URL="$BENCH_URL" GENIE_REQUIRE_DB=1 GENIE_STORAGE=sql GENIE_HOST=127.0.0.1 GENIE_PORT=0 \
    GENIE_LOG_DIR="$OUT/logs" GENIE_DATA_DIR="$OUT/genie-data" \
    "${LAUNCH[@]}" >"$log" 2>&1 &
  GENIE_PID=$!
  deadline=$((started + 120 * 1000000000))
  while [[ -z "$port" ]]; do
    if ! kill -0 "$GENIE_PID" 2>/dev/null; then
      echo "Genie exited before serving; the end of $log:" >&2
      tail -n 20 "$log" >&2
      return 1
    fi
    if (($(now_ns) > deadline)); then
      echo "Genie did not say 'Genie serving on' within 120 s; see $log" >&2
      return 1
    fi
    port=$(sed -n 's|.*Genie serving on http://[^ ]*:\([0-9][0-9]*\).*|\1|p' "$log" | head -n 1)
    [[ -n "$port" ]] || sleep 0.005
  done
  until curl -sf -o /dev/null --max-time 2 "http://127.0.0.1:$port/health"; do
    if (($(now_ns) > deadline)); then
      echo "Genie's /health did not answer 200 within 120 s; see $log" >&2
      return 1
    fi
    sleep 0.005
  done
  GENIE_READY_MS=$((($(now_ns) - started) / 1000000))
  GENIE_PORT_FOUND=$port
}

# genie_stop [PID]: a graceful stop (SIGTERM), then SIGKILL after 30 s.
genie_stop() {
  local pid="${1:-${GENIE_PID:-}}"
  [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 300); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

# Peak resident set size of a process so far, in KiB (VmHWM).
peak_rss_kib() {
  awk '/^VmHWM:/ {print $2}' "/proc/$1/status" 2>/dev/null || echo 0
}
