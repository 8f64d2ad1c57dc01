#include "planner/report/html_page.h"

#include <fstream>
#include <sstream>
#include <stdexcept>

namespace fabricplan {
namespace {

// Where Debian's libjs-chart.js puts the UMD build.
constexpr const char* kChartJs = "/usr/share/javascript/chart.js/chart.min.js";

constexpr const char* kStyle = R"CSS(
body{font-family:system-ui,sans-serif;margin:2em;color:#222;max-width:1200px}
h1{font-size:1.4em}h2{font-size:1.2em;margin-top:2em}h3{font-size:1em}
table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ccc;padding:.25em .5em;text-align:right;font-size:.9em}
th{background:#f4f4f4}td:first-child,th:first-child{text-align:left}
.comfortable{color:#1a7f37}.tight{color:#b35900}.insufficient{color:#c62828;font-weight:bold}
.why{color:#555;font-size:.85em}.chart{display:inline-block;margin:.5em;vertical-align:top}
.split{display:inline-block;margin:.5em 1em;vertical-align:top}.gpu{display:inline-block;border:1px solid #999;margin:2px;padding:2px 4px;font-size:.75em}
.nic{display:inline-block;width:12px;height:12px;margin:1px;border-radius:2px}.kv{background:#1f77b4}.coll{background:#d62728}.both{background:#9467bd}
)CSS";

constexpr const char* kScript = R"JS(
window.onerror = function (msg) { document.body.dataset.render = 'error: ' + msg; };
(function () {
  var report = JSON.parse(document.getElementById('report-data').textContent);
  var fabrics = report.fabrics ? report.fabrics : [{fabric: report.groups[0].fabric, instance_type: report.groups[0].instance_type,
                                                      verdict: report.verdict, groups: report.groups, engine: report.engine}];
  var root = document.getElementById('root');
  var charts = 0, empty = 0, minShare = 1;
  var palette = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b', '#17becf', '#bcbd22'];
  function add(tag, parent, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined) e.textContent = text;
    if (cls) e.className = cls;
    parent.appendChild(e);
    return e;
  }
  function us(x) { return x >= 1e6 ? (x / 1e6).toFixed(2) + ' s' : x >= 1e3 ? (x / 1e3).toFixed(2) + ' ms' : x.toFixed(1) + ' us'; }
  function pct(x) { return (100 * x).toFixed(0) + '%'; }
  function chart(parent, id, config, points) {
    var box = add('div', parent, undefined, 'chart');
    var canvas = add('canvas', box);
    canvas.id = id; canvas.width = 580; canvas.height = 360;
    config.options = Object.assign({animation: false, responsive: false}, config.options || {});
    // Compact legends: a legend that wraps onto three lines eats the plot.
    config.options.plugins = config.options.plugins || {};
    config.options.plugins.legend = Object.assign({labels: {boxWidth: 12, font: {size: 11}}}, config.options.plugins.legend || {});
    var made = new Chart(canvas, config);
    var a = made.chartArea;
    var share = (a.right - a.left) * (a.bottom - a.top) / (canvas.width * canvas.height);
    canvas.dataset.plotShare = share.toFixed(3);
    minShare = Math.min(minShare, share);
    charts++;
    if (!points) empty++;
    canvas.dataset.points = String(points);
  }
  var names = fabrics[0].groups.map(function (g) { return g.name; });
  names.forEach(function (name, gi) {
    var sec = add('section', root);
    add('h2', sec, 'Group ' + name + ' (' + fabrics[0].groups[gi].count + ' nodes, ' + fabrics[0].groups[gi].role + ')');
    // A table per class: one row per fabric.
    var classes = {};
    fabrics.forEach(function (f) { f.groups[gi].classes.forEach(function (c) { classes[c['class']] = true; }); });
    Object.keys(classes).forEach(function (cls) {
      add('h3', sec, cls);
      var t = add('table', sec);
      var head = add('tr', t);
      ['fabric', 'op', 'op p50', 'op p99', 'engine p50', 'engine p99', 'utilization', 'time share', 'verdict'].forEach(function (h) { add('th', head, h); });
      fabrics.forEach(function (f) {
        var c = f.groups[gi].classes.filter(function (x) { return x['class'] === cls; })[0];
        if (!c) return;
        var tr = add('tr', t);
        add('td', tr, f.fabric + ' (' + f.instance_type + ')');
        add('td', tr, c.op || '-', 'why');
        add('td', tr, c.op_time_us ? us(c.op_time_us.p50) : '-');
        add('td', tr, !c.op_time_us ? '-' : c.op_time_us.p99 === null ? 'unbounded' : us(c.op_time_us.p99));
        add('td', tr, c.engine_op_time_us ? us(c.engine_op_time_us.p50) : '-');
        add('td', tr, !c.engine_op_time_us ? '-' : c.engine_op_time_us.p99 === null
                      ? 'max ' + us(c.engine_op_time_us.max) + ' (n=' + c.engine_op_time_us.count + ')' : us(c.engine_op_time_us.p99));
        add('td', tr, pct(c.utilization));
        add('td', tr, c.time_share !== undefined ? pct(c.time_share) + ' of ' + c.time_budget : c.step_share !== undefined ? pct(c.step_share) + ' of step' : '-');
        add('td', tr, c.verdict, c.verdict);
      });
    });
    // CDFs of operation times: every fabric and class on one plot.
    var datasets = [], k = 0, points = 0;
    fabrics.forEach(function (f) {
      f.groups[gi].classes.forEach(function (c) {
        var cdf = c.engine_op_time_us && c.engine_op_time_us.cdf;
        if (!cdf || !cdf.length) return;
        points += cdf.length;
        // Fewer than 20 samples are no distribution: each sample is drawn as a point.
        var few = c.engine_op_time_us.count < 20, colour = palette[k++ % palette.length];
        datasets.push({label: f.fabric + ' ' + c['class'] + (few ? ' (n=' + c.engine_op_time_us.count + ')' : ''),
                       showLine: !few, pointRadius: few ? 4 : 0, borderColor: colour, backgroundColor: colour,
                       data: cdf.map(function (p) { return {x: p[0] / 1000, y: p[1]}; })});
      });
    });
    if (datasets.length) {
      chart(sec, 'cdf-' + gi, {type: 'scatter', data: {datasets: datasets},
        options: {plugins: {title: {display: true, text: name + ': operation time CDF (engine run)'}},
                  scales: {x: {type: 'logarithmic', ticks: {maxRotation: 0, autoSkip: true}, title: {display: true, text: 'operation time (ms, log scale)'}},
                           y: {min: 0, max: 1, title: {display: true, text: 'fraction of operations'}}}}}, points);
    }
    // Busiest links, every fabric.
    var labels = [], values = [], colors = [];
    fabrics.forEach(function (f, fi) {
      (f.groups[gi].busiest_links || []).forEach(function (l) {
        // The link alone on the axis (the classes on it are in the table above and the tooltip).
        labels.push((fabrics.length > 1 ? f.fabric + ' ' : '') + l.link);
        values.push(100 * l.utilization);
        colors.push(palette[fi]);
      });
    });
    if (labels.length) {
      chart(sec, 'links-' + gi, {type: 'bar', data: {labels: labels, datasets: [{label: 'utilization %', data: values, backgroundColor: colors}]},
        options: {indexAxis: 'y', plugins: {title: {display: true, text: name + ': busiest links (engine run)'}, legend: {display: false}},
                  scales: {x: {min: 0, max: 100, title: {display: true, text: 'utilization over the run (%)'}}}}}, values.length);
    }
    // The NIC split per GPU: each GPU with its PCIe-local NICs, colored by pool.
    fabrics.forEach(function (f) {
      var g = f.groups[gi], s = g.nic_split, box = add('div', sec, undefined, 'split');
      add('div', box, f.fabric + ' ' + g.instance_type + ': ' + (s.shared ? 'all ' + s.kv_interfaces + ' NICs shared' : s.kv_interfaces + ' KV / ' + s.collective_interfaces + ' collectives'));
      (g.accelerator_nics || []).forEach(function (local, a) {
        // Trainium nodes have Neuron devices, not GPUs.
        var device = /Trainium/.test(g.accelerator || '') ? 'Neuron ' : 'GPU ';
        var gpu = add('span', box, device + a + ' ', 'gpu');
        local.forEach(function (n) {
          var kv = s.kv_nics.indexOf(n) >= 0, co = s.collective_nics.indexOf(n) >= 0;
          var nic = add('span', gpu, undefined, 'nic ' + (kv && co ? 'both' : kv ? 'kv' : co ? 'coll' : ''));
          nic.title = 'NIC ' + n + (kv ? ' KV' : '') + (co ? ' collectives' : '');
        });
      });
    });
  });
  // compare pages: the per-class matrix's times as bars, one chart per table, one bar
  // colour per column (EFA, IB static, IB adaptive; IB's recovery models), log time axis.
  var holder = document.getElementById('matrix-charts');
  if (report.matrix && holder) {
    [['steady', 'steady_columns', 'steady state: p99 per operation'],
     ['link_failure', 'failure_columns', 'one link failure: slowest operation in the slice']].forEach(function (spec, ti) {
      var cols = report.matrix[spec[1]];
      if (!cols.length) return;
      var labels = report.matrix.rows.map(function (r) { return r.group + ' ' + r['class']; });
      var points = 0;
      var ds = cols.map(function (col, ci) {
        return {label: col.replace('efa_srd', 'EFA SRD').replace('self_healing', 'self-healing').replace(/^ib_/, 'IB '), backgroundColor: palette[ci % palette.length],
                data: report.matrix.rows.map(function (r) {
                  var cell = r[spec[0]][ci];
                  if (cell && cell.time_us !== null) { points++; return cell.time_us / 1000; }
                  return null;
                })};
      });
      chart(holder, 'matrix-' + spec[0], {type: 'bar', data: {labels: labels, datasets: ds},
        options: {plugins: {title: {display: true, text: spec[2]}},
                  scales: {y: {type: 'logarithmic', title: {display: true, text: 'time (ms, log scale)'}},
                           x: {title: {display: true, text: 'group and traffic class'}}}}}, points);
    });
  }
  // Utilization as rates grow (plan pages).
  if (report.sweep && report.sweep.length) {
    var series = {};
    report.sweep.forEach(function (p) {
      Object.keys(p.utilization).forEach(function (g) {
        Object.keys(p.utilization[g]).forEach(function (c) { (series[g + ' ' + c] = series[g + ' ' + c] || []).push(100 * p.utilization[g][c]); });
      });
    });
    var ds = Object.keys(series).map(function (key, i) {
      return {label: key, data: series[key], borderColor: palette[i % palette.length], backgroundColor: palette[i % palette.length]};
    });
    chart(root, 'sweep', {type: 'line', data: {labels: report.sweep.map(function (p) { return 'x' + p.rate_scale; }), datasets: ds},
      options: {plugins: {title: {display: true, text: 'utilization as every workload rate grows'},
                          legend: {position: 'top', labels: {boxWidth: 12, font: {size: 11}}}},
                scales: {x: {title: {display: true, text: 'every workload rate, times the spec\'s'}},
                         y: {beginAtZero: true, title: {display: true, text: '% of its interfaces'}}}}}, ds.length);
  }
  document.body.dataset.charts = String(charts);
  document.body.dataset.emptyCharts = String(empty);
  document.body.dataset.minPlotShare = minShare.toFixed(3);
  document.body.dataset.render = 'ok';
})();
)JS";

}  // namespace

std::string chart_js_source() {
  std::ifstream in(kChartJs);
  if (!in) throw std::runtime_error(std::string("HTML reports need Chart.js at ") + kChartJs + " (apt-get install libjs-chart.js)");
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string script_safe(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s.compare(i, 2, "</") == 0) {
      out += "<\\/";
      ++i;
    } else {
      out += s[i];
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

std::string render_fabrics_html(const std::string& title, const std::string& report_json,
                                const std::string& preamble_html, const std::string& appendix_html) {
  std::ostringstream h;
  h << "<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>" << html_escape(title) << "</title>\n<style>" << kStyle
    << "</style>\n<script>" << script_safe(chart_js_source()) << "</script></head>\n<body>\n<h1>" << html_escape(title)
    << "</h1>\n<p class=\"why\">NIC colours: <span class=\"nic kv\"></span> KV transfer, <span class=\"nic coll\"></span> "
       "collectives, <span class=\"nic both\"></span> shared.</p>\n"
    << preamble_html << "<div id=\"root\"></div>\n" << appendix_html
    << "<script type=\"application/json\" id=\"report-data\">" << script_safe(report_json) << "</script>\n<script>"
    << kScript << "</script>\n</body></html>\n";
  return h.str();
}

}  // namespace fabricplan
