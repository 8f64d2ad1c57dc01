// Self-contained HTML pages with Chart.js (Debian's libjs-chart.js) inlined, so they
// render offline: the plan and compare pages (one renderer for one fabric or two) and
// the helpers the sweep table shares.
#pragma once

#include <string>

namespace fabricplan {

// Chart.js's UMD build (a global `Chart`); throws std::runtime_error naming the package
// when it is not installed.
std::string chart_js_source();
// Text safe inside a <script> element ("</" cannot close it).
std::string script_safe(const std::string& s);
std::string html_escape(const std::string& s);

// A page from a plan report's JSON (one fabric) or a compare report's (`fabrics`: two):
// per group a table per class, the CDFs of operation times (every fabric on one plot),
// the busiest links, and the NIC split drawn per GPU and NIC. The script sets
// <body data-render="ok" data-charts=N data-empty-charts=M> when done, or
// data-render="error: ..." on any script error; the browser test reads those.
// `preamble_html` (already escaped) goes between the title and the charts, `appendix_html` after them.
std::string render_fabrics_html(const std::string& title, const std::string& report_json,
                                const std::string& preamble_html = "", const std::string& appendix_html = "");

}  // namespace fabricplan
