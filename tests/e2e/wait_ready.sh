# Readiness waits for the e2e scripts (sourced): poll for what a process prints, never
# sleep a fixed time (a loaded CI machine makes every fixed sleep too short once).

# wait_until PID COMMAND...: until COMMAND succeeds (polled every 0.1 s); gives up after
# 60 s, or at once when PID (empty: none) has exited. Returns 1 when it gave up.
wait_until() {
  local pid=$1 i; shift
  for ((i = 0; i < 600; i++)); do
    "$@" && return 0
    [[ -n $pid ]] && ! kill -0 "$pid" 2>/dev/null && return 1
    sleep 0.1
  done
  return 1
}

# wait_for FILE PATTERN [COUNT [PID]]: until FILE holds COUNT (default 1) lines matching
# PATTERN (wait_until's limits); exits the test when it does not.
wait_for() {
  local file=$1 pattern=$2 count=${3:-1} pid=${4:-}
  lines_match() { (( $(grep -c -- "$pattern" "$file" 2>/dev/null || true) >= count )); }
  wait_until "$pid" lines_match && return 0
  echo "FAIL: no ${count} line(s) matching \"$pattern\" in $file"; cat "$file" 2>/dev/null; exit 1
}

# wait_listening FILE PID: until the calibrate server that writes FILE says "listening".
wait_listening() { wait_for "$1" "listening" 1 "$2"; }
