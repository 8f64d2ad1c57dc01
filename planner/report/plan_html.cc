// One self-contained HTML page: the JSON report embedded as data, and a small script
// that draws SVG charts from it (no network, no libraries), so it renders offline.
// The script marks <body data-render="ok" data-bars=N data-points=M> when done, or
// data-render="error: ..." on any script error; the browser test reads those.
#include <string>

#include "planner/report/report.h"

namespace fabricplan {
namespace {

// Keeps "</script>" in embedded JSON from closing the element.
std::string escape_for_script(const std::string& json) {
  std::string out;
  out.reserve(json.size());
  for (std::size_t i = 0; i < json.size(); ++i) {
    if (json[i] == '<' && i + 1 < json.size() && json[i + 1] == '/') {
      out += "<\\/";
      ++i;
    } else {
      out += json[i];
    }
  }
  return out;
}

std::string html_escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

constexpr const char* kStyle = R"CSS(
body{font-family:system-ui,sans-serif;margin:2em;color:#222;max-width:1100px}
h1{font-size:1.5em}h2{font-size:1.2em;margin-top:2em}
table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ccc;padding:.25em .6em;text-align:right}
th{background:#f4f4f4}td:first-child,th:first-child{text-align:left}
.comfortable{color:#1a7f37}.tight{color:#b35900}.insufficient{color:#c62828;font-weight:bold}
.why{color:#555;font-size:.9em}code{background:#f4f4f4;padding:0 .2em}
svg{background:#fafafa;border:1px solid #eee;margin:.5em 0}
)CSS";

constexpr const char* kScript = R"JS(
window.onerror = function (msg) { document.body.dataset.render = 'error: ' + msg; };
(function () {
  var plan = JSON.parse(document.getElementById('plan-data').textContent);
  var NS = 'http://www.w3.org/2000/svg';
  var colors = {kv_transfer: '#1f77b4', moe_all2all: '#d62728', tp_allreduce: '#2ca02c'};
  function el(name, attrs, text) {
    var e = document.createElementNS(NS, name);
    for (var k in attrs) e.setAttribute(k, attrs[k]);
    if (text !== undefined) e.textContent = text;
    return e;
  }
  function gbit(x) { return x * 8 / 1e9; }
  var bars = 0, points = 0;

  // Budget vs demand per group and class.
  var rows = [];
  plan.groups.forEach(function (g) {
    g.classes.forEach(function (c) { rows.push({g: g.name, c: c}); });
  });
  var maxv = 1;
  rows.forEach(function (r) {
    maxv = Math.max(maxv, gbit(r.c.budget_bytes_per_s), gbit(r.c.peak_demand_bytes_per_s));
  });
  var W = 900, rowH = 34, left = 260, H = rows.length * rowH + 40;
  var svg = el('svg', {width: W, height: H, id: 'budget-chart', role: 'img'});
  rows.forEach(function (r, i) {
    var y = 20 + i * rowH, scale = (W - left - 40) / maxv;
    svg.appendChild(el('text', {x: 8, y: y + 16, 'font-size': 12}, r.g + ' / ' + r.c['class']));
    svg.appendChild(el('rect', {x: left, y: y, width: Math.max(1, gbit(r.c.budget_bytes_per_s) * scale),
                                height: 12, fill: '#ccc', 'class': 'bar budget'}));
    svg.appendChild(el('rect', {x: left, y: y + 13, width: Math.max(1, gbit(r.c.demand_bytes_per_s) * scale),
                                height: 12, fill: colors[r.c['class']] || '#555', 'class': 'bar demand'}));
    svg.appendChild(el('text', {x: left + 4 + Math.max(gbit(r.c.budget_bytes_per_s), gbit(r.c.demand_bytes_per_s)) * scale,
                                y: y + 22, 'font-size': 11},
                       gbit(r.c.demand_bytes_per_s).toFixed(1) + ' of ' + gbit(r.c.budget_bytes_per_s).toFixed(1) +
                       ' Gbit/s (' + Math.round(100 * r.c.utilization) + '%)'));
    bars += 2;
  });
  svg.appendChild(el('text', {x: left, y: H - 6, 'font-size': 11, fill: '#666'},
                     'grey: budget of the interfaces the class runs on; colour: demand (Gbit/s, per node, busier direction)'));
  document.getElementById('budget').appendChild(svg);

  // Utilization as the request rate grows.
  var LW = 900, LH = 360, pl = 60, pb = 40, pt = 20, pr = 220;
  var line = el('svg', {width: LW, height: LH, id: 'sweep-chart', role: 'img'});
  var xs = plan.sweep.map(function (p) { return p.rate_scale; });
  var xmax = Math.max.apply(null, xs), ymax = 1.2;
  plan.sweep.forEach(function (p) {
    for (var g in p.utilization) for (var c in p.utilization[g]) ymax = Math.max(ymax, p.utilization[g][c]);
  });
  ymax = Math.min(ymax, 5);
  function X(v) { return pl + (LW - pl - pr) * v / xmax; }
  function Y(v) { return LH - pb - (LH - pb - pt) * Math.min(v, ymax) / ymax; }
  [0, 0.6, 1.0].forEach(function (t) {
    line.appendChild(el('line', {x1: pl, x2: LW - pr, y1: Y(t), y2: Y(t), stroke: t ? '#e99' : '#999',
                                 'stroke-dasharray': t ? '4 3' : ''}));
    line.appendChild(el('text', {x: 8, y: Y(t) + 4, 'font-size': 11}, Math.round(100 * t) + '%'));
  });
  xs.forEach(function (x) {
    line.appendChild(el('text', {x: X(x) - 8, y: LH - pb + 16, 'font-size': 10}, x + 'x'));
  });
  line.appendChild(el('text', {x: pl, y: LH - 6, 'font-size': 11}, 'workload rate relative to the spec'));
  var series = {};
  plan.sweep.forEach(function (p) {
    for (var g in p.utilization) for (var c in p.utilization[g]) {
      var key = g + ' / ' + c;
      (series[key] = series[key] || {c: c, pts: []}).pts.push([p.rate_scale, p.utilization[g][c]]);
    }
  });
  var n = 0;
  for (var key in series) {
    var s = series[key];
    var d = s.pts.map(function (q, i) { return (i ? 'L' : 'M') + X(q[0]).toFixed(1) + ' ' + Y(q[1]).toFixed(1); }).join(' ');
    line.appendChild(el('path', {d: d, fill: 'none', stroke: colors[s.c] || '#555', 'stroke-width': 2,
                                 'stroke-dasharray': n % 2 ? '6 3' : '', 'class': 'series'}));
    s.pts.forEach(function (q) {
      line.appendChild(el('circle', {cx: X(q[0]), cy: Y(q[1]), r: 2.5, fill: colors[s.c] || '#555'}));
      points++;
    });
    line.appendChild(el('text', {x: LW - pr + 10, y: pt + 14 * (n + 1), 'font-size': 11,
                                 fill: colors[s.c] || '#555'}, key));
    n++;
  }
  document.getElementById('sweep').appendChild(line);
  document.body.dataset.bars = bars;
  document.body.dataset.points = points;
  if (!document.body.dataset.render) document.body.dataset.render = 'ok';
})();
)JS";

}  // namespace

std::string render_plan_html(const PlanResult& plan) {
  std::string json = render_plan_json(plan);
  std::string h;
  h += "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n";
  h += "<title>fabricplan plan: " + html_escape(plan.spec->name) + "</title>\n";
  h += "<style>" + std::string(kStyle) + "</style></head>\n<body>\n";
  h += "<h1>fabricplan plan: " + html_escape(plan.spec->name) + "</h1>\n";
  h += "<p>" + html_escape(plan.spec->description) + "</p>\n";
  h += "<p>Overall verdict: <b class=\"" + std::string(verdict_name(plan.verdict)) + "\">" +
       verdict_name(plan.verdict) + "</b>. Tight at utilization &ge; " +
       std::to_string(static_cast<int>(plan.thresholds.tight_utilization * 100)) +
       "% or a p99 burst over budget; insufficient at &ge; " +
       std::to_string(static_cast<int>(plan.thresholds.insufficient_utilization * 100)) + "%.</p>\n";
  h += "<h2>Budget vs demand per node</h2><div id=\"budget\"></div>\n";
  h += "<h2>Utilization as the request rate grows</h2><div id=\"sweep\"></div>\n";
  for (const auto& g : plan.groups) {
    h += "<h2>" + html_escape(g.spec->name) + ": " + std::to_string(g.spec->count) + " &times; " +
         html_escape(g.instance->name) + " &mdash; <span class=\"" + verdict_name(g.verdict) + "\">" +
         verdict_name(g.verdict) + "</span></h2>\n";
    h += "<p class=\"why\">" + html_escape(g.why) + "</p>\n<ul>\n";
    for (const auto& c : g.classes) {
      h += "<li><code>" + std::string(traffic_class_name(c.cls)) + "</code> <span class=\"" +
           verdict_name(c.verdict) + "\">" + verdict_name(c.verdict) + "</span>: " +
           html_escape(c.why) + "</li>\n";
    }
    h += "</ul>\n<pre>";
    for (const auto& [k, v] : g.recommendation.env) h += "export " + html_escape(k) + "=" + html_escape(v) + "\n";
    for (const auto& [who, n] : g.recommendation.pod_resources) {
      h += "# " + html_escape(who) + ": " + g.recommendation.resource_name + ": " + std::to_string(n) + "\n";
    }
    h += "</pre>\n";
  }
  if (!plan.warnings.empty()) {
    h += "<h2>Warnings</h2><ul>\n";
    for (const auto& w : plan.warnings) h += "<li>" + html_escape(w) + "</li>\n";
    h += "</ul>\n";
  }
  h += "<h2>Assumptions</h2><ul>\n";
  for (const auto& a : plan.assumptions) h += "<li>" + html_escape(a) + "</li>\n";
  h += "</ul>\n";
  h += "<script id=\"plan-data\" type=\"application/json\">" + escape_for_script(json) + "</script>\n";
  h += "<script>" + std::string(kScript) + "</script>\n</body></html>\n";
  return h;
}

}  // namespace fabricplan
