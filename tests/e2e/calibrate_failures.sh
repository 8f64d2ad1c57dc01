#!/usr/bin/env bash
# `calibrate server/client` failure modes, over libfabric's tcp provider on loopback
# (and one whole session over shm): every failure exits non-zero with a message that
# says what happened; a session cut short keeps what it measured ("complete": false);
# nothing is written when nothing was measured. No root needed.
set -uo pipefail
bin=$(realpath "$1"); src=$(realpath "$2")
tmp=$(mktemp -d)
pids=()
trap 'kill "${pids[@]}" 2>/dev/null; rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
source "$src/tests/e2e/wait_ready.sh"
port=$((47800 + $$ % 1000))

if "$bin" calibrate client 127.0.0.1 -o /dev/null --port 1 2>&1 | grep -q "built without libfabric"; then
  echo "SKIPPED: fabricplan was built without libfabric"; exit 77
fi

expect() {  # expect NAME RC_WANTED FILE PATTERN
  local name=$1 want=$2 file=$3 pattern=$4 got=$5
  [[ $got == "$want" ]] || { cat "$file"; fail "$name: exit $got, expected $want"; }
  grep -q -- "$pattern" "$file" || { cat "$file"; fail "$name: no \"$pattern\" in the message"; }
  echo "ok   $name: $(grep -m1 -- "$pattern" "$file")"
}

# 1. Unreachable peer: exit 1, says so, writes nothing.
"$bin" calibrate client 127.0.0.1 --port "$port" --provider tcp --rails lo -o "$tmp/none.json" --timeout-s 3 2>"$tmp/e1"
expect "unreachable peer" 1 "$tmp/e1" "unreachable" $?
[[ ! -e $tmp/none.json ]] || fail "a profile was written although nothing was measured"

# 1b. A server asked for a provider this host lacks (efa without an EFA device) stops at
# start, before it listens, instead of failing when a client comes.
if ! ls /sys/class/infiniband 2>/dev/null | grep -q efa; then
  timeout 20 "$bin" calibrate server --provider efa --port "$port" 2>"$tmp/e1b"
  expect "server without EFA" 1 "$tmp/e1b" '"efa"' $?
  ! grep -q "listening" "$tmp/e1b" || fail "the server listened before finding it has no EFA"
fi

# 1c. A stray connection (a port scan) and a client asking for more than the server's
# --max-bytes are refused and do not use the server up: the next client is served.
"$bin" calibrate server --port "$port" --provider tcp --rails lo --timeout-s 20 --max-bytes 1M 2>"$tmp/s1c" &
spid=$!; pids+=("$spid")
wait_listening "$tmp/s1c" "$spid"
/usr/bin/python3 -c "import socket; s = socket.create_connection(('127.0.0.1', $port)); s.close()"
"$bin" calibrate client 127.0.0.1 --port "$port" --provider tcp --rails lo --max-bytes 4M -o "$tmp/big.json" --timeout-s 10 2>"$tmp/c1c"
[[ $? != 0 && ! -e $tmp/big.json ]] && grep -q "limit" "$tmp/c1c" || { cat "$tmp/c1c"; fail "an oversized request was not refused"; }
"$bin" calibrate client 127.0.0.1 --port "$port" --provider tcp --rails lo --max-bytes 64K --tests latency -o "$tmp/ok1c.json" --timeout-s 10 2>"$tmp/c1c2" \
  || { cat "$tmp/c1c2" "$tmp/s1c"; fail "the server did not serve the client after the refusals"; }
wait "$spid" || { cat "$tmp/s1c"; fail "the server failed"; }
grep -q "refused" "$tmp/s1c" || { cat "$tmp/s1c"; fail "the server did not say what it refused"; }
echo "ok   stray and oversized connections refused; the server kept serving"

# 2. Usage: client without -o, a bad size, an unknown rail.
"$bin" calibrate client 127.0.0.1 --rails lo 2>"$tmp/e2"; expect "missing -o" 2 "$tmp/e2" "needs -o" $?
"$bin" calibrate client 127.0.0.1 -o x --max-bytes 12Q 2>"$tmp/e3"; expect "bad --max-bytes" 2 "$tmp/e3" 'found "12Q"' $?
"$bin" calibrate client 127.0.0.1 --provider tcp --rails nosuchnic0 -o "$tmp/x.json" 2>"$tmp/e4"
expect "unknown rail" 1 "$tmp/e4" 'rail "nosuchnic0" is not a domain' $?
# GPU buffers are a capability of the machine: without a CUDA driver (or a provider
# without FI_HMEM) the client says which, before it contacts anyone, and writes nothing.
if ! ldconfig -p | grep -q 'libcuda\.so\.1'; then
  "$bin" calibrate client 127.0.0.1 --provider shm --buffers cuda -o "$tmp/gpu.json" 2>"$tmp/e4b"
  expect "cuda buffers without a driver" 1 "$tmp/e4b" "--buffers cuda is not usable here: no CUDA driver" $?
  [[ ! -e $tmp/gpu.json ]] || fail "a profile was written for an unusable --buffers cuda"
fi
"$bin" calibrate client 127.0.0.1 --buffers gpu -o "$tmp/x.json" 2>"$tmp/e4c"
expect "bad --buffers" 2 "$tmp/e4c" 'expected host, cuda or cuda-staged, found "gpu"' $?

# 3. Server: nobody connects within --timeout-s.
"$bin" calibrate server --bind 127.0.0.1 --port "$port" --provider tcp --timeout-s 1 2>"$tmp/e5"
expect "accept timeout" 1 "$tmp/e5" "no client connected within 1 s" $?
"$bin" calibrate server --bind not-an-address 2>"$tmp/e6"; expect "bad --bind" 1 "$tmp/e6" "numeric IPv4 or IPv6" $?

# 4. Malformed, oversized and out-of-range bootstrap messages are refused by name.
send_raw() {  # send_raw PORT PYTHON-BYTES-EXPR
  python3 - "$1" "$2" <<'PY'
import socket, struct, sys, time, json
port, expr = int(sys.argv[1]), sys.argv[2]
for _ in range(50):
    try: s = socket.create_connection(("127.0.0.1", port)); break
    except OSError: time.sleep(0.1)
s.sendall(eval(expr))
s.settimeout(30)
try: s.recv(1)  # until the server has read the message and closed the connection
except OSError: pass
PY
}
# The server refuses each bad hello with the reason and keeps listening for a real client
# (here until its 3 s accept timeout, which is what ends it with exit 1).
check_server_refuses() {  # NAME PAYLOAD PATTERN
  "$bin" calibrate server --bind 127.0.0.1 --port "$port" --provider tcp --timeout-s 3 2>"$tmp/srv" &
  local pid=$!
  wait_listening "$tmp/srv" "$pid"
  send_raw "$port" "$2"
  wait $pid; expect "$1" 1 "$tmp/srv" "$3" $?
}
check_server_refuses "not JSON" 'struct.pack(">I", 9) + b"GET / HTT"' "expected a JSON object"
check_server_refuses "oversized" 'struct.pack(">I", 1 << 20) + b"x" * 100' "refused a message of 1048576 bytes"
check_server_refuses "foreign hello" 'b"".join([struct.pack(">I", 2), b"{}"])' "/fabricplan_calibrate"
hello() {  # hello BUFFERS-JSON [NAME-HEX]: a well-formed hello asking for those buffers
  # The default name is 127.0.0.1:47999 as a sockaddr_in (the tcp provider's names).
  local name=${2:-0200bb7f7f0000010000000000000000}
  echo "(lambda m: struct.pack(\">I\", len(m)) + m)(json.dumps({\"fabricplan_calibrate\": 1, \"provider\": \"tcp\", \"rails\": 1, \"max_bytes\": 1024, \"window\": 4, \"names\": [\"$name\"], \"buffers\": $1}).encode())"
}
check_server_refuses "bad buffers" "$(hello '"gpu"')" '/buffers: expected "host", "cuda" or "cuda-staged", found "gpu"'
if ! ldconfig -p | grep -q 'libcuda\.so\.1'; then
  check_server_refuses "cuda buffers on a server without a driver" "$(hello '"cuda"')" "cuda buffers, not usable on this server: no CUDA driver"
fi
# A name shorter than the address family's (fi_av_insert read a whole sockaddr_in: a heap
# over-read) is refused before it reaches libfabric.
check_server_refuses "4-byte endpoint name" "$(hello '"host"' 0200bb7f)" "an endpoint name of 4 bytes that is not a whole IPv4 or IPv6 socket address"
hello='json.dumps({"fabricplan_calibrate": 1, "provider": "tcp", "rails": 1, "max_bytes": 1024, "window": 0, "names": ["00"]}).encode()'
check_server_refuses "window out of range" "struct.pack('>I', len($hello)) + $hello" "/window: expected an integer in \[1, 4096\], found 0"

# 4b. A hello from another host whose endpoint names this host's loopback (the server
# would send data to its own local services) is refused; the server keeps listening.
ext=$(hostname -I 2>/dev/null | awk '{print $1}')
if [[ -n $ext && $ext != 127.* ]]; then
  "$bin" calibrate server --port "$port" --provider tcp --timeout-s 3 2>"$tmp/srv3p" &
  spid=$!
  wait_listening "$tmp/srv3p" "$spid"
  /usr/bin/python3 - "$ext" "$port" <<'PY'
import json, socket, struct, sys, time
ext, port = sys.argv[1], int(sys.argv[2])
# sockaddr_in for 127.0.0.1:47999, as the tcp provider's endpoint name.
name = struct.pack("<H", socket.AF_INET) + struct.pack(">H", 47999) + socket.inet_aton("127.0.0.1") + b"\0" * 8
m = json.dumps({"fabricplan_calibrate": 1, "provider": "tcp", "rails": 1, "max_bytes": 1024, "window": 4,
                "names": [name.hex()]}).encode()
for _ in range(50):
    try: s = socket.create_connection((ext, port), source_address=(ext, 0)); break
    except OSError: time.sleep(0.1)
s.sendall(struct.pack(">I", len(m)) + m)
s.settimeout(30)
try: s.recv(1)  # until the server has refused and closed the connection
except OSError: pass
PY
  wait $spid
  grep -q "an endpoint name with a loopback address from peer" "$tmp/srv3p" || { cat "$tmp/srv3p"; fail "a loopback endpoint from another host was not refused"; }
  echo "ok   third-party (loopback) endpoint name refused"
  # The other way round: a fake server on this host's external address whose welcome
  # names a loopback endpoint (a third local service) is refused by the client.
  /usr/bin/python3 - "$ext" "$port" > "$tmp/fake.log" 2>&1 <<'PY' &
import json, socket, struct, sys
ext, port = sys.argv[1], int(sys.argv[2])
srv = socket.create_server((ext, port)); print("listening", flush=True)
c, _ = srv.accept()
n = struct.unpack(">I", c.recv(4, socket.MSG_WAITALL))[0]; c.recv(n, socket.MSG_WAITALL)
name = struct.pack("<H", socket.AF_INET) + struct.pack(">H", 22) + socket.inet_aton("127.0.0.1") + b"\0" * 8
m = json.dumps({"ok": True, "names": [name.hex()], "domains": ["lo"], "host": "fake"}).encode()
c.sendall(struct.pack(">I", len(m)) + m)
c.settimeout(30)
try: c.recv(1)
except OSError: pass
PY
  fake=$!
  wait_for "$tmp/fake.log" "listening" 1 "$fake"
  "$bin" calibrate client "$ext" --port "$port" --provider tcp --rails "$ext" --max-bytes 4K --tests latency \
    -o "$tmp/fake.json" --timeout-s 10 2>"$tmp/cli-fake"
  rc=$?; kill "$fake" 2>/dev/null; wait "$fake" 2>/dev/null
  [[ $rc != 0 ]] && grep -q "refused the server's welcome: an endpoint name with a loopback address" "$tmp/cli-fake" \
    || { cat "$tmp/cli-fake"; fail "the client used a loopback endpoint a remote server named"; }
  echo "ok   a remote server's loopback endpoint name refused by the client"
fi

# 4d. 200 connections at once (a scan burst: each connects and closes), then a real
# client: the server refuses each, stays up, and serves the client. Connections wait for
# their hello together (calib/net/hello_lobby.h); sessions run one at a time: a second
# client during a run waits in the listen backlog until the session ends (queued).
"$bin" calibrate server --bind 127.0.0.1 --port "$port" --provider tcp --rails lo --timeout-s 20 2>"$tmp/srv200" &
spid=$!
wait_listening "$tmp/srv200" "$spid"
timeout 30 /usr/bin/python3 - "$port" <<'PY'
import socket, sys
port = int(sys.argv[1])
for _ in range(200):
    s = socket.create_connection(("127.0.0.1", port)); s.close()
PY
timeout 60 "$bin" calibrate client 127.0.0.1 --port "$port" --provider tcp --rails lo --max-bytes 4K --tests latency \
  -o "$tmp/after200.json" --timeout-s 20 2>"$tmp/cli200" || { tail -5 "$tmp/srv200"; cat "$tmp/cli200"; fail "not served after 200 connections"; }
wait "$spid" || { tail -5 "$tmp/srv200"; fail "the server failed after 200 connections"; }
# Connections the kernel dropped from a full backlog never reach the server; every one
# that did must have been refused (all but the real client's).
accepted=$(grep -c "connected" "$tmp/srv200"); refused=$(grep -c "refused" "$tmp/srv200")
(( refused >= 1 && refused == accepted - 1 )) || { tail -5 "$tmp/srv200"; fail "accepted $accepted connections, refused $refused (expected all but the client's)"; }
echo "ok   200 connections at once: $refused reached the server, each refused; the next client served"

# 4e. Twenty peers that connect and stay silent, and one that sends its length prefix and
# then a byte a second, hold nobody up: connections wait for their hello together, each
# until its own 5 s deadline, so a real client behind them is served at once (one at a
# time, they would have held the server 21 x 5 s).
"$bin" calibrate server --bind 127.0.0.1 --port "$port" --provider tcp --rails lo --timeout-s 30 2>"$tmp/srv-silent" &
spid=$!
wait_listening "$tmp/srv-silent" "$spid"
timeout 40 /usr/bin/python3 - "$port" <<'PY' &
import socket, struct, sys, time
port = int(sys.argv[1])
silent = [socket.create_connection(("127.0.0.1", port)) for _ in range(20)]
slow = socket.create_connection(("127.0.0.1", port))
slow.sendall(struct.pack(">I", 200))
for _ in range(25):
    try:
        slow.sendall(b"{")
    except OSError:
        break
    time.sleep(1)
PY
silent=$!
wait_for "$tmp/srv-silent" "connected" 21 "$spid"   # all 21 peers are in before the client comes
# Judged by when the client's first measurement came (served at once: well inside one
# peer's 5 s hello deadline), not by its whole run, which a loaded machine stretches.
start=$(date +%s%N)
timeout 60 "$bin" calibrate client 127.0.0.1 --port "$port" --provider tcp --rails lo --max-bytes 4K --tests latency \
  -o "$tmp/after-silent.json" --timeout-s 30 2>"$tmp/cli-silent" &
cpid=$!
wait_for "$tmp/cli-silent" "latency [0-9]* B:" 1 "$cpid"
waited_ms=$(( ($(date +%s%N) - start) / 1000000 ))
wait "$cpid" || { tail -5 "$tmp/srv-silent"; cat "$tmp/cli-silent"; fail "not served after silent peers"; }
kill "$silent" 2>/dev/null || true; wait "$silent" 2>/dev/null || true
wait "$spid" || fail "the server failed after silent peers"
refused=$(grep -c "refused" "$tmp/srv-silent")
(( refused == 21 )) || { tail -25 "$tmp/srv-silent"; fail "refused $refused of the 21 silent or slow peers"; }
(( waited_ms < 4000 )) || fail "the client behind 21 silent or slow peers measured first after ${waited_ms} ms"
echo "ok   21 silent or slow peers: the client behind them measured after ${waited_ms} ms; each peer refused"

# 4f. --sessions 0 (serving until killed): a client whose session fails after its hello
# (two rails against the server's one) ends its own session, not the service.
"$bin" calibrate server --bind 127.0.0.1 --port "$port" --provider tcp --rails lo --sessions 0 --timeout-s 30 2>"$tmp/srv-many" &
spid=$!
wait_listening "$tmp/srv-many" "$spid"
"$bin" calibrate client 127.0.0.1 --port "$port" --provider tcp --rails lo,lo --max-bytes 4K --tests latency \
  -o "$tmp/two-rails.json" --timeout-s 10 2>"$tmp/cli-two" && fail "a 2-rail client against a 1-rail server succeeded"
"$bin" calibrate client 127.0.0.1 --port "$port" --provider tcp --rails lo --max-bytes 4K --tests latency \
  -o "$tmp/after-failed.json" --timeout-s 10 2>"$tmp/cli-after" || { cat "$tmp/srv-many" "$tmp/cli-after"; fail "--sessions 0 stopped serving after a failed session"; }
kill "$spid"; wait "$spid" 2>/dev/null
grep -q "failed: .*serving the next client" "$tmp/srv-many" || { cat "$tmp/srv-many"; fail "the failed session was not logged"; }
echo "ok   --sessions 0 serves the next client after a failed session"

# 4c. SIGTERM in the middle of a client run: it stops before the next step and writes
# what it measured, marked incomplete, exit 1.
"$bin" calibrate server --bind 127.0.0.1 --port "$port" --provider tcp --rails lo --timeout-s 30 2>"$tmp/srv-term" &
spid=$!
wait_listening "$tmp/srv-term" "$spid"
"$bin" calibrate client 127.0.0.1 --port "$port" --provider tcp --rails lo --max-bytes 1M -o "$tmp/term.json" \
  --timeout-s 10 2>"$tmp/cli-term" &
cpid=$!
wait_for "$tmp/cli-term" "latency [0-9]* B:" 1 "$cpid"   # it has measured something
kill -TERM "$cpid"; wait "$cpid"; rc=$?
kill "$spid" 2>/dev/null; wait "$spid" 2>/dev/null
[[ $rc == 1 ]] && /usr/bin/python3 -c "
import json; p = json.load(open('$tmp/term.json')); assert p['complete'] is False and 'interrupted' in p['error'], p['error']" \
  || { cat "$tmp/cli-term"; fail "SIGTERM: rc $rc, no incomplete profile"; }
echo "ok   SIGTERM mid-run: what was measured is written, incomplete"

# 5. A whole session over shm: complete profile, fitted figures present.
"$bin" calibrate server --bind 127.0.0.1 --port "$port" --provider shm --timeout-s 30 2>"$tmp/shm-srv" & pids+=($!)
wait_listening "$tmp/shm-srv" "${pids[-1]}"
"$bin" calibrate client 127.0.0.1 --port "$port" --provider shm --max-bytes 1M --bytes-per-point 4M -o "$tmp/shm.json" 2>"$tmp/shm-cli" ||
  { cat "$tmp/shm-cli" "$tmp/shm-srv"; fail "shm session failed"; }
python3 - "$tmp/shm.json" <<'PY' || fail "shm profile"
import json, sys
p = json.load(open(sys.argv[1]))
assert p["complete"] is True and p["error"] is None
n = p["nics"][0]
assert n["name"] == "shm" and n["latency_us"] > 0 and n["bandwidth_bytes_per_s"] > 1e8, n
assert len(n["sweep"]["latency"]) == len(n["sweep"]["stream"]) == len(n["sweep"]["bidir"]) == 18
assert p["gpudirect"]["available"] is False and "FI_HMEM" in p["gpudirect"]["why"]
print(f"ok   shm session: latency {n['latency_us']:.2f} us, bandwidth {n['bandwidth_bytes_per_s']/1e9:.2f} GB/s")
PY

# 6. The server dies mid-run: the client stops within its timeout, keeps what it
#    measured, marks the profile incomplete and exits 1.
"$bin" calibrate server --bind 127.0.0.1 --port "$port" --provider tcp --rails lo --timeout-s 30 2>"$tmp/srv6" &
spid=$!
wait_listening "$tmp/srv6" "$spid"
"$bin" calibrate client 127.0.0.1 --port "$port" --provider tcp --rails lo --max-bytes 16M --bytes-per-point 64M \
  --timeout-s 3 -o "$tmp/partial.json" 2>"$tmp/cli6" &
cpid=$!
wait_for "$tmp/cli6" "stream" 1 "$cpid"
kill -9 $spid
start=$(date +%s); wait $cpid; rc=$?
expect "server killed mid-run" 1 "$tmp/cli6" "complete\": false" $rc
(( $(date +%s) - start <= 70 )) || fail "the client took more than 70 s to notice its peer had died"
python3 - "$tmp/partial.json" <<'PY' || fail "partial profile"
import json, sys
p = json.load(open(sys.argv[1]))
assert p["complete"] is False and p["error"], p["error"]
n = p["nics"][0]
assert len(n["sweep"]["latency"]) == 22 and n["sweep"]["stream"], "latency sweep and some stream points were kept"
print("ok   partial profile keeps", len(n["sweep"]["latency"]), "latency and", len(n["sweep"]["stream"]), "stream points; error:", p["error"][:80])
PY
python3 "$src/tests/e2e/check_profile_schema.py" "$src/configs/schema/calibration.schema.json" "$tmp/shm.json" "$tmp/partial.json" ||
  fail "profiles do not follow the schema"
echo "all calibrate failure modes behave"
