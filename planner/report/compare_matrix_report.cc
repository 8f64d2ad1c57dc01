#include "planner/report/compare_matrix_report.h"

#include <algorithm>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <sstream>

#include "planner/format_text.h"
#include "planner/report/html_page.h"
#include "planner/report/plan_table.h"

namespace fabricplan {
namespace {

// "59.8 ms comfortable", "max 7.62 ms (n=4) comfortable", "JOB FAILS at 8.59 s".
std::string cell_text(const MatrixCell& c) {
  if (c.verdict == "job fails") return "JOB FAILS at " + format_us(c.time_us);
  if (c.verdict == "incomplete") return "unfinished" + c.note.substr(c.note.rfind(" at "), c.note.find(" simulated") - c.note.rfind(" at "));
  if (!c.has_time) return c.verdict;
  std::string time = format_us(c.time_us);
  const std::size_t max_at = c.time_source.find("max (n=");
  if (max_at != std::string::npos) time = "max " + time + " " + c.time_source.substr(max_at + 4);
  if (c.time_source == "analytic p99") time += " (analytic)";
  // A failure hits one operation: say how much of its budget it took.
  if (c.time_source == "slowest op in the slice" && c.budget_share >= 0) time += ", " + format_percent(c.budget_share) + " of budget:";
  return time + " " + c.verdict;
}

Table table_of(const CompareMatrix& m, bool failure) {
  Table t;
  std::vector<std::string> head = {"group", "class"};
  for (const auto& col : failure ? m.failure_columns : m.steady_columns) head.push_back(matrix_column_title(col));
  t.push_back(head);
  for (const MatrixRow& r : m.rows) {
    std::vector<std::string> line = {r.group, r.cls};
    for (const MatrixCell& c : failure ? r.failure : r.steady) line.push_back(cell_text(c));
    t.push_back(line);
  }
  return t;
}

constexpr const char* kSteadyLegend =
    "p99 per operation: the engine run's where it timed the class (its largest sample below 20), else the analytic "
    "model's; verdict against the class's budget (its SLO, else its step)";

std::string failure_legend(double slice_us) {
  return "the slowest operation of each class in a " + format_us(slice_us) +
         " packet-engine slice with one leaf-to-spine link failing, judged against the same budget; IB columns are the "
         "recovery models";
}

// Why failure columns did not run (p4d: one switch), each reason once with its columns.
std::string not_run_reasons(const CompareMatrix& m) {
  std::vector<std::pair<std::string, std::string>> reasons;  // reason, columns
  for (std::size_t i = 0; i < m.failure_columns.size(); ++i) {
    for (const MatrixRow& r : m.rows) {
      if (r.failure.size() <= i || r.failure[i].verdict != "not run") continue;
      const std::string title = matrix_column_title(m.failure_columns[i]);
      auto it = std::find_if(reasons.begin(), reasons.end(), [&](const auto& x) { return x.first == r.failure[i].note; });
      if (it == reasons.end()) reasons.push_back({r.failure[i].note, title});
      else it->second += ", " + title;
      break;
    }
  }
  std::string out;
  for (const auto& [why, columns] : reasons) out += (out.empty() ? "" : "; ") + columns + " not run: " + why;
  return out;
}

void table_html(std::ostringstream& os, const CompareMatrix& m, bool failure, const char* id) {
  os << "<table id=\"" << id << "\"><tr><th>group</th><th>class</th>";
  for (const auto& col : failure ? m.failure_columns : m.steady_columns) os << "<th>" << html_escape(matrix_column_title(col)) << "</th>";
  os << "</tr>\n";
  for (const MatrixRow& r : m.rows) {
    os << "<tr><td>" << html_escape(r.group) << "</td><td>" << html_escape(r.cls) << "</td>";
    for (const MatrixCell& c : failure ? r.failure : r.steady) {
      const std::string cls = c.verdict == "job fails" ? "insufficient" : c.verdict;
      char time[48] = "";
      if (c.has_time) std::snprintf(time, sizeof time, " data-time-us=\"%.9g\"", c.time_us);
      os << "<td class=\"" << html_escape(cls) << "\" data-verdict=\"" << html_escape(c.verdict) << "\"" << time << " title=\"" << html_escape(c.time_source + (c.note.empty() ? "" : ": " + c.note))
         << "\">" << html_escape(cell_text(c)) << "</td>";
    }
    os << "</tr>\n";
  }
  os << "</table>\n";
}

}  // namespace

std::string matrix_text(const CompareMatrix& m, double slice_us) {
  std::ostringstream os;
  os << "steady state (" << kSteadyLegend << "):\n";
  print_table(os, table_of(m, false));
  if (!m.failure_columns.empty()) {
    os << "one link failure (" << failure_legend(slice_us) << "):\n";
    print_table(os, table_of(m, true));
    if (const std::string why = not_run_reasons(m); !why.empty()) os << "  " << why << "\n";
  }
  return os.str();
}

std::string matrix_markdown(const CompareMatrix& m, double slice_us) {
  std::ostringstream os;
  auto md = [&](const Table& t) {
    for (std::size_t r = 0; r < t.size(); ++r) {
      os << "|";
      for (const auto& c : t[r]) os << " " << c << " |";
      os << "\n";
      if (r == 0) {
        os << "|";
        for (std::size_t i = 0; i < t[r].size(); ++i) os << "---|";
        os << "\n";
      }
    }
  };
  os << "## Per class: steady state\n\n" << kSteadyLegend << ".\n\n";
  md(table_of(m, false));
  if (!m.failure_columns.empty()) {
    os << "\n## Per class: one link failure\n\n" << failure_legend(slice_us) << ".\n\n";
    md(table_of(m, true));
    if (const std::string why = not_run_reasons(m); !why.empty()) os << "\n" << why << ".\n";
  }
  return os.str();
}

nlohmann::ordered_json matrix_json(const CompareMatrix& m) {
  using nlohmann::ordered_json;
  auto cells = [](const std::vector<MatrixCell>& v) {
    ordered_json a = ordered_json::array();
    for (const MatrixCell& c : v) {
      ordered_json o = {{"column", c.column}, {"verdict", c.verdict}};
      o["time_us"] = c.has_time ? ordered_json(c.time_us) : ordered_json(nullptr);
      o["time_source"] = c.time_source;
      o["budget_share"] = c.budget_share >= 0 ? ordered_json(c.budget_share) : ordered_json(nullptr);
      if (!c.note.empty()) o["note"] = c.note;
      a.push_back(o);
    }
    return a;
  };
  ordered_json j = {{"steady_columns", m.steady_columns}, {"failure_columns", m.failure_columns}};
  j["rows"] = ordered_json::array();
  for (const MatrixRow& r : m.rows) {
    j["rows"].push_back({{"group", r.group}, {"class", r.cls}, {"steady", cells(r.steady)}, {"link_failure", cells(r.failure)}});
  }
  return j;
}

std::string matrix_html(const CompareMatrix& m, double slice_us) {
  std::ostringstream os;
  os << "<section id=\"matrix\"><h2>Per class: steady state and one link failure</h2>\n<h3>Steady state</h3><p class=\"why\">"
     << html_escape(kSteadyLegend) << ".</p>\n";
  table_html(os, m, false, "matrix-steady");
  if (!m.failure_columns.empty()) {
    os << "<h3>One link failure</h3><p class=\"why\">" << html_escape(failure_legend(slice_us)) << ".</p>\n";
    table_html(os, m, true, "matrix-failure");
    if (const std::string why = not_run_reasons(m); !why.empty()) os << "<p class=\"why\">" << html_escape(why) << ".</p>\n";
  }
  // The page's script draws a time chart per table from the embedded JSON's `matrix`.
  os << "<div id=\"matrix-charts\"></div></section>\n";
  return os.str();
}

}  // namespace fabricplan
