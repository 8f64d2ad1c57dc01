#include "cli/sweep/sweep_table.h"

#include "planner/report/html_page.h"

#include <cstdio>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include "models/json_input/report_fields.h"
#include "planner/format_text.h"

namespace fabricplan::cli {
namespace {

std::string csv_field(const nlohmann::json& v) {
  std::string s = v.is_string() ? v.get<std::string>() : v.is_null() ? "" : v.dump();
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  std::string q = "\"";
  for (char c : s) q += c == '"' ? std::string("\"\"") : std::string(1, c == '\n' ? ' ' : c);
  return q + "\"";
}

// The page's charts: per numeric figure, one small chart per value of the first axis
// (when there are three or more axes), x the last axis, one coloured series per value of
// the axes between; the y axis in the figure's unit (ms for *_us, % for utilizations and
// shares). The body records the smallest share of a chart's box its plot area takes
// (data-min-plot-share), which the browser test holds at >= 0.5.
constexpr const char* kPageScript = R"JS(
window.onerror = function (msg) { document.body.dataset.render = 'error: ' + msg; };
(function () {
  var d = JSON.parse(document.getElementById('sweep-data').textContent);
  var axes = d.axes, rows = d.rows, charts = 0, minShare = 1;
  var last = axes.length - 1, paneled = axes.length >= 3;
  var palette = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b', '#17becf', '#bcbd22', '#e377c2', '#7f7f7f'];
  var root = document.getElementById('charts');
  function label(v) { return typeof v === 'string' ? v : JSON.stringify(v); }
  function unit(name) {
    if (/_us$/.test(name)) return {text: 'ms', f: function (x) { return x / 1000; }};
    if (/utilization|share/.test(name)) return {text: '%', f: function (x) { return 100 * x; }};
    return {text: '', f: function (x) { return x; }};
  }
  d.figures.forEach(function (fig, fi) {
    if (!rows.some(function (r) { return typeof r.figures[fi] === 'number'; })) return;
    var u = unit(fig.name);
    var section = document.createElement('section');
    var h = document.createElement('h2');
    h.textContent = fig.name + (u.text ? ' (' + u.text + ')' : '') + ' vs ' + axes[last].name;
    section.appendChild(h);
    root.appendChild(section);
    var panels = paneled ? axes[0].values.map(label) : [''];
    var legendTitle = axes.slice(paneled ? 1 : 0, last).map(function (a) { return a.name; }).join(', ');
    panels.forEach(function (panel, pi) {
      var series = {}, order = [];
      rows.forEach(function (r) {
        if (paneled && label(r.axes[0]) !== panel) return;
        var from = paneled ? 1 : 0;
        var key = axes.slice(from, last).map(function (a, k) { return label(r.axes[from + k]); }).join(', ') || fig.name;
        if (!series[key]) { series[key] = {}; order.push(key); }
        series[key][label(r.axes[last])] = typeof r.figures[fi] === 'number' ? u.f(r.figures[fi]) : null;
      });
      var xs = axes[last].values.map(label);
      var box = document.createElement('div');
      box.className = 'chart';
      var canvas = document.createElement('canvas');
      canvas.id = 'chart-' + fi + '-' + pi;
      canvas.width = 560; canvas.height = 330;
      box.appendChild(canvas);
      section.appendChild(box);
      var chart = new Chart(canvas, {
        type: 'line',
        data: {labels: xs, datasets: order.map(function (k, i) {
          return {label: k, data: xs.map(function (x) { return series[k][x]; }), borderColor: palette[i % palette.length],
                  backgroundColor: palette[i % palette.length], pointRadius: 3, borderWidth: 2};
        })},
        options: {animation: false, responsive: false,
          plugins: {title: {display: true, text: paneled ? axes[0].name + ' = ' + panel : fig.name},
                    legend: {position: 'top', title: {display: true, text: legendTitle, padding: 0},
                             labels: {boxWidth: 12, font: {size: 11}}}},
          scales: {x: {title: {display: true, text: axes[last].name}},
                   y: {beginAtZero: true, title: {display: true, text: u.text || fig.name}}}}
      });
      var a = chart.chartArea;
      minShare = Math.min(minShare, (a.right - a.left) * (a.bottom - a.top) / (canvas.width * canvas.height));
      charts++;
    });
  });
  document.body.dataset.charts = String(charts);
  document.body.dataset.minPlotShare = minShare.toFixed(3);
  document.body.dataset.render = 'ok';
})();
)JS";

// A figure's value for people: times with their unit, utilizations and shares as
// percentages, other numbers to four significant digits (the JSON keeps every digit).
std::string cell_text(const std::string& figure, const nlohmann::json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_null()) return "";
  if (!v.is_number()) return v.dump();
  const double x = v.get<double>();
  char buf[64];
  if (figure.size() > 3 && figure.compare(figure.size() - 3, 3, "_us") == 0) return format_us(x);
  if (figure.find("utilization") != std::string::npos || figure.find("share") != std::string::npos) {
    std::snprintf(buf, sizeof buf, "%.1f%%", 100 * x);
    return buf;
  }
  std::snprintf(buf, sizeof buf, "%.4g", x);
  return buf;
}

}  // namespace

std::string sweep_csv(const SweepFile& f, const std::vector<SweepRow>& rows) {
  std::ostringstream os;
  os << "cell";
  for (const auto& a : f.axes) os << "," << csv_field(a.name);
  for (const auto& g : f.figures) os << "," << csv_field(g.name);
  os << ",status,error\n";
  for (const auto& r : rows) {
    os << r.index;
    for (const auto& v : r.axis_values) os << "," << csv_field(v);
    for (const auto& v : r.figures) os << "," << csv_field(v);
    os << "," << r.status << "," << csv_field(r.error) << "\n";
  }
  return os.str();
}

std::string sweep_json(const SweepFile& f, const std::vector<SweepRow>& rows) {
  nlohmann::ordered_json j;
  stamp_report_fields(j, "fabricplan.sweep", 1);
  j["sweep"] = f.name;
  j["command"] = f.command;
  j["axes"] = nlohmann::ordered_json::array();
  for (const auto& a : f.axes) {
    nlohmann::ordered_json labels = nlohmann::ordered_json::array();
    for (std::size_t i = 0; i < a.values.size(); ++i) labels.push_back(nlohmann::ordered_json::parse(axis_label(a, i).dump()));
    j["axes"].push_back({{"name", a.name}, {"pointers", a.pointers}, {"kind", a.scale ? "scale" : "values"}, {"values", labels}});
  }
  j["figures"] = nlohmann::ordered_json::array();
  for (const auto& g : f.figures) j["figures"].push_back({{"name", g.name}, {"pointer", g.pointer}});
  j["rows"] = nlohmann::ordered_json::array();
  for (const auto& r : rows) j["rows"].push_back(nlohmann::ordered_json::parse(row_to_json(r).dump()));
  return j.dump(2) + "\n";
}

std::string sweep_html(const SweepFile& f, const std::vector<SweepRow>& rows) {
  std::ostringstream h;
  h << "<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>fabricplan sweep " << f.name << "</title>\n"
    << "<style>body{font-family:sans-serif;margin:1em}table{border-collapse:collapse}td,th{border:1px solid #ccc;"
       "padding:2px 6px;font-size:12px;text-align:right}td:nth-child(-n+4){text-align:left}.chart{display:inline-block;margin:.5em}"
       ".error{color:#b00}h2{font-size:1.1em;margin:1em 0 0}</style>\n"
    << "<script>" << script_safe(chart_js_source()) << "</script></head>\n<body>\n<h1>sweep " << f.name << " (" << f.command
    << ", " << rows.size() << " cells)</h1>\n<div id=\"charts\"></div>\n<table><tr><th>cell</th>";
  auto esc = [](std::string s) {
    std::string o;
    for (char c : s) o += c == '<' ? "&lt;" : c == '>' ? "&gt;" : c == '&' ? "&amp;" : std::string(1, c);
    return o;
  };
  for (const auto& a : f.axes) h << "<th>" << esc(a.name) << "</th>";
  for (const auto& g : f.figures) h << "<th>" << esc(g.name) << "</th>";
  h << "<th>status</th></tr>\n";
  for (const auto& r : rows) {
    h << "<tr><td>" << r.index << "</td>";
    for (const auto& v : r.axis_values) h << "<td>" << esc(v.is_string() ? v.get<std::string>() : v.dump()) << "</td>";
    for (std::size_t i = 0; i < r.figures.size(); ++i) h << "<td>" << esc(cell_text(f.figures[i].name, r.figures[i])) << "</td>";
    h << "<td" << (r.status == "ok" ? ">" : " class=\"error\">") << esc(r.status == "ok" ? "ok" : r.error) << "</td></tr>\n";
  }
  h << "</table>\n<script id=\"sweep-data\" type=\"application/json\">" << script_safe(sweep_json(f, rows))
    << "</script>\n<script>" << kPageScript << "</script>\n</body></html>\n";
  return h.str();
}

}  // namespace fabricplan::cli
