# Starts and stops Genie for the benchmark. Sourced by run.sh, which sets ROOT (the checkout),
# BENCH_URL (the benchmark's own database) and OUT (the results folder).

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

# While Genie starts, nothing here starts a process: on a small machine a poller that forked a
# few processes every 5 ms took CPU from the very start it timed. The clock is $EPOCHREALTIME,
# the pause a read that times out, the log is read with read, and /health is asked over bash's
# /dev/tcp.

# now_us: sets NOW_US to the wall clock in microseconds.
now_us() { NOW_US=${EPOCHREALTIME/[.,]/}; }

# pause SECONDS: sleeps without a process (a read with a timeout, from a pipe nobody writes).
pause() {
  [[ -n "${PAUSE_FD:-}" ]] || exec {PAUSE_FD}<> <(:)
  read -r -t "$1" -u "$PAUSE_FD" || true
}

# serving_port LOGFILE: sets SERVING_PORT from the line "Genie serving on http://host:port", if any.
serving_port() {
  local line
  SERVING_PORT=""
  while IFS= read -r line; do
    if [[ $line =~ "Genie serving on http://"[^\ ]*:([0-9]+) ]]; then
      SERVING_PORT=${BASH_REMATCH[1]}
      return
    fi
  done <"$1"
}

# health_ok PORT: whether GET /health on 127.0.0.1:PORT answers 200.
health_ok() {
  local status fd
  exec {fd}<>"/dev/tcp/127.0.0.1/$1" || return 1
  printf 'GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n' >&"$fd"
  IFS= read -r -t 2 status <&"$fd" || status=""
  exec {fd}>&-
  [[ $status == "HTTP/1.1 200"* ]]
}

# await_healthy PID LOG STARTED_US SECONDS: returns once GET /health answers 200 on the port that
# PID's LOG names, in SERVING_PORT; returns 1 with FAILED "exited" when PID ends first, or a reason
# when SECONDS pass after STARTED_US.
await_healthy() {
  local pid="$1" log="$2" deadline=$(($3 + $4 * 1000000))
  SERVING_PORT=""
  until [[ -n "$SERVING_PORT" ]] && health_ok "$SERVING_PORT" 2>/dev/null; do
    if ! kill -0 "$pid" 2>/dev/null; then
      FAILED="exited"
      return 1
    fi
    now_us
    if ((NOW_US > deadline)); then
      FAILED="no 200 from /health within $4 s"
      return 1
    fi
    if [[ -z "$SERVING_PORT" ]]; then
      serving_port "$log"
      [[ -n "$SERVING_PORT" ]] && continue # bound: ask /health at once
    fi
    pause 0.005
  done
}

# genie_start LOGFILE: starts Genie on a free port and returns once GET /health answers 200.
# Sets GENIE_PID, GENIE_PORT_FOUND and GENIE_READY_MS (from exec to a healthy /health).
genie_start() {
  local log="$1" started
  genie_launch_command
  pause 0 # opens the pause's pipe now, not while timing
  : >"$log" # no port from an earlier start
  now_us
  started=$NOW_US
  DATABASE_URL="$BENCH_URL" GENIE_REQUIRE_DB=1 GENIE_STORAGE=sql GENIE_HOST=127.0.0.1 GENIE_PORT=0 \
    GENIE_LOG_DIR="$OUT/logs" GENIE_DATA_DIR="$OUT/genie-data" \
    "${LAUNCH[@]}" >"$log" 2>&1 &
  GENIE_PID=$!
  if ! await_healthy "$GENIE_PID" "$log" "$started" 120; then
    if [[ $FAILED == exited ]]; then
      echo "Genie exited before serving; the end of $log:" >&2
      tail -n 20 "$log" >&2
    else
      echo "Genie did not answer 200 on /health within 120 s; see $log" >&2
    fi
    return 1
  fi
  now_us
  GENIE_READY_MS=$(((NOW_US - started) / 1000))
  GENIE_PORT_FOUND=$SERVING_PORT
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
