# Readiness waits for the e2e scripts (sourced): poll for what a process prints, never
# sleep a fixed time (a loaded CI machine makes every fixed sleep too short once).

# wait_for FILE PATTERN [COUNT [PID]]: until FILE holds COUNT (default 1) lines matching
# PATTERN; gives up after 60 s, or at once when PID (the process that writes FILE) exits.
wait_for() {
  local file=$1 pattern=$2 count=${3:-1} pid=${4:-} i
  for ((i = 0; i < 600; i++)); do
    (( $(grep -c -- "$pattern" "$file" 2>/dev/null || true) >= count )) && return 0
    [[ -n $pid ]] && ! kill -0 "$pid" 2>/dev/null && break
    sleep 0.1
  done
  echo "FAIL: no ${count} line(s) matching \"$pattern\" in $file"; cat "$file" 2>/dev/null; exit 1
}

# wait_listening FILE PID: until the calibrate server that writes FILE says "listening".
wait_listening() { wait_for "$1" "listening" 1 "$2"; }
