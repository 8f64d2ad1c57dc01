#!/usr/bin/env bash
# Opens the plan and compare HTML reports in headless Chromium (offline: Chart.js is
# inlined) and checks that the script ran without errors, drew its charts, and that
# every chart has data.
set -euo pipefail
bin=$1; src=$2
chromium=$(command -v chromium || command -v chromium-browser || true)
if [[ -z $chromium ]]; then
  echo "chromium not installed (scripts/setup.sh installs it)" >&2
  exit 1
fi
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
pages=()
for spec in "$src"/configs/clusters/*.json; do
  name=$(basename "$spec" .json)
  "$bin" plan "$spec" --format html -o "$tmp/plan-$name.html"
  "$bin" compare "$spec" --format html --no-fault -o "$tmp/compare-$name.html"
  pages+=("plan-$name" "compare-$name")
done
for page in "${pages[@]}"; do
  # No network: every script the page needs is inside it.
  ! grep -q '<script[^>]*src=' "$tmp/$page.html"
  timeout 120 "$chromium" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --user-data-dir="$tmp/profile" --virtual-time-budget=5000 \
    --dump-dom "file://$tmp/$page.html" >"$tmp/$page.dom" 2>"$tmp/$page.log" || true
  body=$(grep -o '<body[^>]*>' "$tmp/$page.dom" | head -1)
  echo "$page: $body"
  [[ $body == *'data-render="ok"'* ]] || { echo "script did not finish cleanly"; tail -5 "$tmp/$page.log"; exit 1; }
  charts=$(sed -n 's/.*data-charts="\([0-9]*\)".*/\1/p' <<<"$body")
  empty=$(sed -n 's/.*data-empty-charts="\([0-9]*\)".*/\1/p' <<<"$body")
  [[ ${charts:-0} -ge 2 && ${empty:-1} == 0 ]] || { echo "charts $charts, empty $empty"; exit 1; }
  # Readable charts: every plot area is at least half of its box (no legend or tick
  # labels eating it).
  share=$(sed -n 's/.*data-min-plot-share="\([0-9.]*\)".*/\1/p' <<<"$body")
  /usr/bin/python3 -c "import sys; sys.exit(0 if float('${share:-0}') >= 0.5 else 1)" \
    || { echo "$page: a chart's plot area is ${share:-?} of its box"; grep -o 'id="[^"]*" [^>]*data-plot-share="[0-9.]*"' "$tmp/$page.dom"; exit 1; }
  # The canvases Chart.js drew into are in the DOM, one per chart, and the NIC split per GPU.
  [[ $(grep -o '<canvas' "$tmp/$page.dom" | wc -l) == "$charts" ]]
  [[ $(grep -o 'class="gpu"' "$tmp/$page.dom" | wc -l) -gt 0 ]]
done
# compare pages: both fabrics' CDFs on one plot (a dataset per fabric and class).
grep -q '"fabric": "ib"' "$tmp/compare-p5-moe-pd.html"
# The verdicts, the fabrics as sized and the link-failure slice are on the rendered page,
# not only in the embedded JSON; a screenshot for a person to look at.
"$bin" compare "$src/configs/clusters/p5-moe-pd.json" --format html -o "$tmp/compare-fault.html"
timeout 120 "$chromium" --headless --no-sandbox --disable-gpu --no-first-run --disable-background-networking \
  --disable-component-update --disable-sync --user-data-dir="$tmp/profile" --virtual-time-budget=5000 \
  --dump-dom "file://$tmp/compare-fault.html" >"$tmp/compare-fault.dom" 2>/dev/null || true
for want in 'id="verdicts"' 'EFA (SRD)</td>' 'InfiniBand (RC)</td>' '<b>comfortable</b>' 'leaf-spine' \
            'id="link-failure"' 'A link failure on a 2.00 ms slice' 'fails at 400.0 us' \
            'same network per node on both sides' 'IB (RC, recovery: self-healing)' 'IB (RC, recovery: sm)' \
            'IB (RC, recovery: none)' 'THE JOB FAILS at 8.59 s'; do
  grep -q "$want" "$tmp/compare-fault.dom" || { echo "compare HTML lacks $want"; exit 1; }
done
# The per-class matrix: its section, both tables and both charts drawn, and every cell's
# time and verdict on the page equal to the embedded JSON's.
for want in 'id="matrix"' 'id="matrix-steady"' 'id="matrix-failure"' 'id="assumptions"' 'SHIELD recovers' 'canvas id="matrix-steady"' \
            'canvas id="matrix-link_failure"' '>IB self-healing</th>' 'JOB FAILS at 8.59 s'; do
  grep -q "$want" "$tmp/compare-fault.dom" || { echo "compare HTML lacks $want"; exit 1; }
done
/usr/bin/python3 - "$tmp/compare-fault.html" "$tmp/compare-fault.dom" <<'PY'
import html, json, re, sys
page, dom = open(sys.argv[1]).read(), open(sys.argv[2]).read()
report = json.loads(re.search(r'<script type="application/json" id="report-data">(.*?)</script>', page, re.S).group(1).replace('<\\/', '</'))
m = report["matrix"]
for table, key in (("matrix-steady", "steady"), ("matrix-failure", "link_failure")):
    body = re.search(r'<table id="%s">(.*?)</table>' % table, dom, re.S).group(1)
    rows = re.findall(r'<tr>(.*?)</tr>', body, re.S)[1:]
    assert len(rows) == len(m["rows"]), (table, len(rows), len(m["rows"]))
    for tr, row in zip(rows, m["rows"]):
        tds = re.findall(r'<td([^>]*)>(.*?)</td>', tr, re.S)
        assert html.unescape(tds[0][1]) == row["group"] and html.unescape(tds[1][1]) == row["class"], tds[:2]
        for (attrs, text), cell in zip(tds[2:], row[key]):
            assert 'data-verdict="%s"' % cell["verdict"] in attrs, (attrs, cell)
            t = re.search(r'data-time-us="([^"]+)"', attrs)
            assert (t is None) == (cell["time_us"] is None), (attrs, cell)
            if t:
                assert abs(float(t.group(1)) - cell["time_us"]) <= 1e-8 * max(1, cell["time_us"]), (t.group(1), cell)
print("ok   compare HTML: the matrix's %d rows x %d columns match the JSON" % (len(m["rows"]), len(m["steady_columns"]) + len(m["failure_columns"])))
PY
if [[ -n ${FABRICPLAN_SCREENSHOTS:-} ]]; then
  timeout 120 "$chromium" --headless --no-sandbox --disable-gpu --no-first-run --user-data-dir="$tmp/profile" \
    --virtual-time-budget=5000 --window-size=1400,2400 --screenshot="$FABRICPLAN_SCREENSHOTS/compare-p5-moe-pd.png" \
    "file://$tmp/compare-fault.html" 2>/dev/null || true
fi
echo "ok   compare HTML: verdicts, fabrics and the link-failure slice on the page"
# Trainium nodes show Neuron devices, not GPUs.
grep -q 'class="gpu">Neuron 0 ' "$tmp/plan-trn2-moe-pd.dom" && ! grep -q 'class="gpu">GPU ' "$tmp/plan-trn2-moe-pd.dom" \
  || { echo "trn2 page: devices not named Neuron"; exit 1; }
echo ok
