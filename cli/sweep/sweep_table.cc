#include "cli/sweep/sweep_table.h"

#include "planner/report/html_page.h"

#include <fstream>
#include <sstream>
#include <stdexcept>
#include "models/json_input/report_fields.h"

namespace fabricplan::cli {
namespace {

std::string csv_field(const nlohmann::json& v) {
  std::string s = v.is_string() ? v.get<std::string>() : v.is_null() ? "" : v.dump();
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  std::string q = "\"";
  for (char c : s) q += c == '"' ? std::string("\"\"") : std::string(1, c == '\n' ? ' ' : c);
  return q + "\"";
}

constexpr const char* kPageScript = R"JS(
(function () {
  var d = JSON.parse(document.getElementById('sweep-data').textContent);
  var axes = d.axes, rows = d.rows, charts = 0;
  var last = axes.length - 1;
  var root = document.getElementById('charts');
  d.figures.forEach(function (fig, fi) {
    var numeric = rows.some(function (r) { return typeof r.figures[fi] === 'number'; });
    if (!numeric) return;
    var series = {};
    rows.forEach(function (r) {
      var label = axes.slice(0, last).map(function (a, k) { return a.name + '=' + JSON.stringify(r.axes[k]); }).join(', ') || fig.name;
      (series[label] = series[label] || []).push({x: String(JSON.stringify(r.axes[last])), y: r.figures[fi]});
    });
    var canvas = document.createElement('canvas');
    canvas.id = 'chart-' + fi;
    var box = document.createElement('div');
    box.className = 'chart';
    box.appendChild(canvas);
    root.appendChild(box);
    new Chart(canvas, {
      type: 'line',
      data: {
        labels: axes[last].values.map(function (v) { return String(JSON.stringify(v)); }),
        datasets: Object.keys(series).map(function (k) { return {label: k, data: series[k].map(function (p) { return p.y; })}; })
      },
      options: {animation: false, responsive: false, plugins: {title: {display: true, text: fig.name + ' vs ' + axes[last].name}}}
    });
    charts++;
  });
  document.body.dataset.charts = String(charts);
  document.body.dataset.render = 'ok';
})();
)JS";

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
       "padding:2px 6px;font-size:12px}.chart{display:inline-block;margin:.5em}.error{color:#b00}</style>\n"
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
    for (const auto& v : r.figures) h << "<td>" << esc(v.is_string() ? v.get<std::string>() : v.is_null() ? "" : v.dump()) << "</td>";
    h << "<td" << (r.status == "ok" ? ">" : " class=\"error\">") << esc(r.status == "ok" ? "ok" : r.error) << "</td></tr>\n";
  }
  h << "</table>\n<script id=\"sweep-data\" type=\"application/json\">" << script_safe(sweep_json(f, rows))
    << "</script>\n<script>" << kPageScript << "</script>\n</body></html>\n";
  return h.str();
}

}  // namespace fabricplan::cli
