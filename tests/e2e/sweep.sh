#!/usr/bin/env bash
# fabricplan sweep: the example sweep in one process and under `mpirun -np 2` gives the
# same table byte for byte; a failing cell leaves the others intact; an interrupted sweep
# resumed equals an uninterrupted one; bad sweep files are refused naming the axis; the
# HTML table renders its charts in headless Chromium.
set -euo pipefail
bin=$1; src=$2
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
py=/usr/bin/python3
source "$src/tests/e2e/wait_ready.sh"
sweep="$src/configs/sweeps/sizing-moe-pd.json"
$py -c "import json,jsonschema; jsonschema.Draft202012Validator(json.load(open('$src/configs/schema/sweep.schema.json'))).validate(json.load(open('$sweep')))"

"$bin" sweep "$sweep" -o "$tmp/one.csv" 2>/dev/null
"$bin" sweep "$sweep" -o "$tmp/one.json" 2>/dev/null
$py - "$tmp/one.json" <<'PY'
import json, sys
t = json.load(open(sys.argv[1]))
assert t["report"] == "fabricplan.sweep" and len(t["rows"]) == 64 and all(r["status"] == "ok" for r in t["rows"])
# The sweep shows where each instance type stops being comfortable: p4d is not, even at
# 4 decode nodes and half the rate; p5 and the IB DGX H100 are at today's rate.
v = {(r["axes"][0], r["axes"][1], r["axes"][2]): r["figures"][0] for r in t["rows"]}
assert v[("p4d.24xlarge/efa", 4, 0.5)] != "comfortable", v[("p4d.24xlarge/efa", 4, 0.5)]
assert v[("p5.48xlarge/efa", 4, 1)] == "comfortable" and v[("ib-dgx-h100/ib", 4, 1)] == "comfortable"
PY
if command -v mpirun >/dev/null && [[ -x $(dirname "$bin")/fabricplan-sweep-mpi ]]; then
  mpirun -np 2 --allow-run-as-root --oversubscribe "$bin" sweep "$sweep" -o "$tmp/two.csv" 2>/dev/null
  cmp "$tmp/one.csv" "$tmp/two.csv" || { echo "the 2-rank table differs from the 1-process one"; diff "$tmp/one.csv" "$tmp/two.csv" | head; exit 1; }
  echo "ok   mpirun -np 2 gives the same table, byte for byte"
else
  echo "mpirun or fabricplan-sweep-mpi missing (scripts/setup.sh installs Open MPI)" >&2; exit 1
fi

# Resume: stopped after 10 cells as a kill would, then --resume: the same table.
set +e; "$bin" sweep "$sweep" -o "$tmp/resumed.csv" --stop-after 10 2>"$tmp/err"; rc=$?; set -e
[[ $rc == 1 && ! -e $tmp/resumed.csv && $(ls "$tmp/resumed.csv.cells" | grep -c '^cell-') == 10 ]] \
  || { echo "stop-after: rc $rc, $(ls "$tmp" | tr '\n' ' ')"; cat "$tmp/err"; exit 1; }
"$bin" sweep "$sweep" -o "$tmp/resumed.csv" --resume 2>/dev/null
cmp "$tmp/one.csv" "$tmp/resumed.csv" && [[ ! -e $tmp/resumed.csv.cells ]] || { echo "resumed table differs or cells left"; exit 1; }
echo "ok   a resumed sweep equals an uninterrupted one"

# A failing cell: the flow engine refuses the second cell (its memory limit); the first
# is kept, the row says why, and the exit code says some cells failed.
$py - "$src/configs/scenarios/bench-t-128-ib.json" "$tmp/scenario.json" "$src/configs/scenarios" <<'PY'
import json, sys, os
s = json.load(open(sys.argv[1])); s["limits"] = {"max_memory_gib": 16}
s["traffic"][0]["permutation_file"] = os.path.join(sys.argv[3], s["traffic"][0]["permutation_file"])
json.dump(s, open(sys.argv[2], "w"))
PY
cat > "$tmp/fail.json" <<'JSON'
{"name": "fail", "command": "simulate", "args": ["--engine", "flow"], "base": "scenario.json",
 "axes": [{"name": "memory_gib", "pointer": "/limits/max_memory_gib", "values": [16, 0.001]}],
 "figures": [{"name": "last_completion_s", "pointer": "/last_completion_s"}]}
JSON
set +e; "$bin" sweep "$tmp/fail.json" -o "$tmp/fail.csv" 2>"$tmp/err"; rc=$?; set -e
$py - "$tmp/fail.csv" "$rc" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1]))); rc = int(sys.argv[2])
assert rc == 1 and len(rows) == 2, (rc, rows)
assert rows[0]["status"] == "ok" and float(rows[0]["last_completion_s"]) > 0, rows[0]
assert rows[1]["status"] == "error" and "flow-engine run within" in rows[1]["error"] and "cell 1" in rows[1]["error"], rows[1]
PY
echo "ok   a failing cell is reported with its error, the others kept"

# Bad sweep files: a pointer the base lacks, and no axes, refused before any cell runs.
sed 's|/node_groups/1/count|/node_groups/1/cuont|' "$sweep" > "$tmp/bad1.json"
sed -i 's|"../clusters/|"'"$src"'/configs/clusters/|' "$tmp/bad1.json"
set +e; "$bin" sweep "$tmp/bad1.json" 2>"$tmp/err"; rc=$?; set -e
[[ $rc == 2 ]] && grep -q "at /axes/1/pointer: expected a JSON pointer that exists in the base" "$tmp/err" || { echo "bad pointer: rc $rc $(cat "$tmp/err")"; exit 1; }
$py -c "
import json; s = json.load(open('$tmp/bad1.json')); s['axes'] = []; json.dump(s, open('$tmp/bad2.json', 'w'))"
set +e; "$bin" sweep "$tmp/bad2.json" 2>"$tmp/err"; rc=$?; set -e
[[ $rc == 2 ]] && grep -q "at /axes" "$tmp/err" || { echo "empty axes: rc $rc $(cat "$tmp/err")"; exit 1; }
echo "ok   bad sweep files refused naming the axis"

# The HTML table with its charts, offline, in headless Chromium.
"$bin" sweep "$sweep" -o "$tmp/table.html" 2>/dev/null
chromium=$(command -v chromium || command -v chromium-browser)
timeout 120 "$chromium" --headless --no-sandbox --disable-gpu --no-first-run --disable-background-networking \
  --disable-component-update --disable-sync --user-data-dir="$tmp/profile" --virtual-time-budget=5000 \
  --dump-dom "file://$tmp/table.html" >"$tmp/table.dom" 2>"$tmp/chromium.log" || true
body=$(grep -o '<body[^>]*>' "$tmp/table.dom" | head -1)
charts=$(sed -n 's/.*data-charts="\([0-9]*\)".*/\1/p' <<<"$body")
[[ $body == *'data-render="ok"'* && ${charts:-0} -ge 2 ]] || { echo "HTML: $body"; tail -5 "$tmp/chromium.log"; exit 1; }
# Readable: every chart's plot area takes at least half its box (legends do not eat it),
# the series are coloured, each axis has a title, and the table's numbers carry units
# instead of raw floats like 393691.79058618017.
share=$(sed -n 's/.*data-min-plot-share="\([0-9.]*\)".*/\1/p' <<<"$body")
$py -c "import sys; s = float('$share'); sys.exit(0 if s >= 0.5 else 1)" || { echo "a chart's plot area is $share of its box"; exit 1; }
grep -q "borderColor: palette" "$tmp/table.html" && grep -q "title: {display: true, text: u.text || fig.name}" "$tmp/table.html"
table=$(sed -n '/<table>/,/<\/table>/p' "$tmp/table.dom")
! grep -Eq '[0-9]\.[0-9]{7,}' <<<"$table" || { echo "raw floats in the table: $(grep -Eo '[0-9]+\.[0-9]{7,}' <<<"$table" | head -3)"; exit 1; }
grep -Eq '<td>[0-9.]+ (us|ms|s)</td>' <<<"$table" && grep -Eq '<td>[0-9.]+%</td>' <<<"$table" || { echo "no units in the table"; exit 1; }
if [[ -n ${FABRICPLAN_SCREENSHOTS:-} ]]; then
  timeout 120 "$chromium" --headless --no-sandbox --disable-gpu --no-first-run --user-data-dir="$tmp/profile" \
    --virtual-time-budget=5000 --window-size=1400,2400 --screenshot="$FABRICPLAN_SCREENSHOTS/sweep.png" "file://$tmp/table.html" 2>/dev/null || true
fi
echo "ok   HTML table: $charts charts rendered, the smallest plot area $share of its box, numbers with units"

# Nothing on disk is trusted (issue 26). A tampered cell outside the grid, a base that
# changed since the cells were made, and a link planted as a cell file: each refused or
# never followed.
cp "$src/configs/clusters/p5-moe-pd.json" "$tmp/base.json"
$py - "$sweep" "$tmp/small.json" <<'PY'
import json, sys
s = json.load(open(sys.argv[1])); s["base"] = "base.json"; s["axes"] = s["axes"][1:2]
json.dump(s, open(sys.argv[2], "w"))
PY
stop_after() { set +e; "$bin" sweep "$tmp/small.json" -o "$tmp/small.csv" --stop-after "$1" 2>/dev/null; set -e; }
stop_after 2
cells="$tmp/small.csv.cells"
$py - "$cells" <<'PY'
import json, sys
row = json.load(open(sys.argv[1] + "/cell-0.json")); row["cell"] = 35
json.dump(row, open(sys.argv[1] + "/cell-35.json", "w"))
PY
set +e; "$bin" sweep "$tmp/small.json" -o "$tmp/small.csv" --resume 2>"$tmp/err"; rc=$?; set -e
[[ $rc == 2 ]] && grep -q "cell-35.json: at /cell: expected the index in its name, within this grid's \[0, 4)" "$tmp/err" \
  || { echo "a cell outside the grid: rc $rc $(cat "$tmp/err")"; exit 1; }
rm "$cells/cell-35.json"
sed -i 's/"requests_per_s": 20/"requests_per_s": 21/' "$tmp/base.json"
set +e; "$bin" sweep "$tmp/small.json" -o "$tmp/small.csv" --resume 2>"$tmp/err"; rc=$?; set -e
[[ $rc == 2 ]] && grep -q "since changed sweep file, base or file it reads" "$tmp/err" || { echo "changed base: rc $rc $(cat "$tmp/err")"; exit 1; }
echo "ok   --resume refuses a cell outside the grid and cells of a base that changed since"
stop_after 1
echo precious > "$tmp/victim.txt"; chmod 644 "$tmp/victim.txt"
ln -s "$tmp/victim.txt" "$cells/cell-2.json"
set +e; "$bin" sweep "$tmp/small.json" -o "$tmp/small.csv" --resume 2>"$tmp/err"; rc=$?; set -e
[[ $rc == 2 ]] && grep -q "cell-2.json: at (document root): expected a regular cell file, found a link" "$tmp/err" \
  || { echo "a planted link: rc $rc $(cat "$tmp/err")"; exit 1; }
[[ $(cat "$tmp/victim.txt") == precious ]] || { echo "a cell was written through a planted link"; exit 1; }
rm "$cells/cell-2.json"
# The cells directory itself a link to someone else's: refused on --resume.
mv "$cells" "$tmp/elsewhere"; ln -s "$tmp/elsewhere" "$cells"
set +e; "$bin" sweep "$tmp/small.json" -o "$tmp/small.csv" --resume 2>"$tmp/err"; rc=$?; set -e
[[ $rc == 2 ]] && grep -q "expected a directory of this user's sweep cells, found a link" "$tmp/err" \
  || { echo "a linked cells directory: rc $rc $(cat "$tmp/err")"; exit 1; }
rm "$cells"
echo "ok   a link planted among the cells is refused and never written through"
# SIGTERM mid-sweep: no cell document beside the base, no report in TMPDIR is left.
mkdir "$tmp/tmpdir"
$py -c "
import json; s = json.load(open('$tmp/small.json')); s['args'] = ['--engine', 'flow']; json.dump(s, open('$tmp/slow.json', 'w'))"
TMPDIR="$tmp/tmpdir" "$bin" sweep "$tmp/slow.json" -o "$tmp/term.csv" 2>"$tmp/err" & pid=$!
has_cell() { ls "$tmp/term.csv.cells" 2>/dev/null | grep -q '^cell-'; }
wait_until "$pid" has_cell || { echo "the sweep wrote no cell"; cat "$tmp/err"; exit 1; }
kill -TERM "$pid"; wait "$pid" || true
left=$(ls -A "$tmp/tmpdir"; ls -A "$tmp" | grep '^\.fabricplan-sweep-cell-' || true)
[[ -z $left ]] || { echo "SIGTERM left temporaries: $left"; exit 1; }
echo "ok   SIGTERM mid-sweep leaves no temporaries"
# 4 axes of 65,536 values (the cell count overflowed to 0: an empty table, exit 0).
$py - "$sweep" "$tmp/huge.json" <<'PY'
import json, sys
s = json.load(open(sys.argv[1])); s["base"] = "../../configs/clusters/p5-moe-pd.json"
s["axes"] = [{"name": f"a{i}", "pointer": "/workloads/disaggregated_serving/0/requests_per_s",
              "values": list(range(1, 65537))} for i in range(4)]
json.dump(s, open(sys.argv[2], "w"))
PY
sed -i "s|\"../../configs/clusters/p5-moe-pd.json\"|\"$src/configs/clusters/p5-moe-pd.json\"|" "$tmp/huge.json"
set +e; "$bin" sweep "$tmp/huge.json" -o "$tmp/huge.csv" 2>"$tmp/err"; rc=$?; set -e
[[ $rc == 2 ]] && grep -q "at most 1000000 cells" "$tmp/err" || { echo "2^64 cells: rc $rc $(cat "$tmp/err")"; exit 1; }
echo "ok   a grid of 2^64 cells is refused, not wrapped around"

# The shipped expect sweep (expect --engine flow over nodes and leaf oversubscription):
# at 1:1 every cell is the model's time within 1%; past it the alltoall's time grows with
# the oversubscription and a leaf-spine link is the busiest.
"$bin" sweep "$src/configs/sweeps/expect-oversubscription.json" -o "$tmp/expect-sweep.csv" 2>/dev/null
/usr/bin/python3 - "$tmp/expect-sweep.csv" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
assert len(rows) == 24 and all(r["status"] == "ok" for r in rows), rows
for r in rows:
    t, m, o = float(r["time_us"]), float(r["model_time_us"]), float(r["oversubscription"])
    if o == 1:
        assert abs(t / m - 1) < 0.01, r
    elif r["op"] == "alltoall":
        assert t > 1.3 * m and "spine" in r["busiest_link"], r
a2a = {(r["nodes"], r["oversubscription"]): float(r["time_us"]) for r in rows if r["op"] == "alltoall"}
for n in ("4", "8", "16", "32"):
    assert a2a[(n, "1")] < a2a[(n, "2")] < a2a[(n, "4")], n
PY
echo "expect sweep: ok"
