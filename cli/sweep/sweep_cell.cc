#include "cli/sweep/sweep_cell.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "cli/command.h"
#include "cli/output.h"
#include "cli/sweep/sweep_temp.h"
#include "models/json_input/input_file.h"

namespace fabricplan::cli {
namespace {

// Writes `text` into the temporary `path` this process created, not following a link.
void write_temp(const std::string& path, const std::string& text) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_TRUNC | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) throw std::runtime_error("cannot write " + path + ": " + std::strerror(errno));
  try {
    write_all(fd, text, path);
  } catch (...) {
    ::close(fd);
    throw;
  }
  ::close(fd);
}

// Runs `run(argv)` with stderr going to `capture` (the command's own error message).
int run_capturing_stderr(int (*run)(const std::vector<std::string>&), const std::vector<std::string>& argv,
                         const std::string& capture) {
  std::fflush(stderr);
  const int saved = dup(STDERR_FILENO);
  const int fd = open(capture.c_str(), O_WRONLY | O_TRUNC | O_CREAT, 0600);
  if (saved < 0 || fd < 0) throw std::runtime_error("cannot redirect stderr to " + capture);
  dup2(fd, STDERR_FILENO);
  close(fd);
  int rc;
  try {
    rc = run(argv);
  } catch (...) {
    std::fflush(stderr);
    dup2(saved, STDERR_FILENO);
    close(saved);
    throw;
  }
  std::fflush(stderr);
  dup2(saved, STDERR_FILENO);
  close(saved);
  return rc;
}

std::string option_text(const nlohmann::json& v) { return v.is_string() ? v.get<std::string>() : v.dump(); }

}  // namespace

nlohmann::json axis_label(const SweepAxis& a, std::size_t step) {
  const nlohmann::json& v = a.values[step];
  if (a.pointers.size() <= 1) return v;
  std::string label;  // a step of several pointers: "p5.48xlarge/efa"
  for (const auto& x : v) label += (label.empty() ? "" : "/") + (x.is_string() ? x.get<std::string>() : x.dump());
  return label;
}

SweepRow run_cell(const SweepFile& f, std::size_t index) {
  SweepRow row;
  row.index = index;
  const std::vector<std::size_t> steps = f.steps(index);
  for (std::size_t k = 0; k < f.axes.size(); ++k) row.axis_values.push_back(axis_label(f.axes[k], steps[k]));
  row.figures.assign(f.figures.size(), nullptr);

  const nlohmann::json doc = f.cell_document(index);
  const std::string tmp_dir = std::filesystem::temp_directory_path().string();
  SweepTemp report(tmp_dir, "fabricplan-sweep-report-"), errors(tmp_dir, "fabricplan-sweep-err-");
  std::unique_ptr<SweepTemp> cell;
  std::vector<std::string> argv;
  if (f.command == "expect") {
    for (const auto& [key, value] : doc.items()) {
      std::string name = "--" + key;
      for (char& c : name) c = c == '_' ? '-' : c;
      argv.push_back(name);
      argv.push_back(option_text(value));
    }
  } else {
    // Beside the base, so that relative paths (permutation files) resolve as in the base.
    const std::string dir = std::filesystem::path(f.base_path).parent_path().string();
    cell = std::make_unique<SweepTemp>(dir.empty() ? "." : dir, ".fabricplan-sweep-cell-");
    write_temp(cell->path(), doc.dump(2) + "\n");
    argv.push_back(cell->path());
  }
  argv.insert(argv.end(), f.args.begin(), f.args.end());
  for (const char* a : {"--format", "json", "-o"}) argv.push_back(a);
  argv.push_back(report.path());

  int (*run)(const std::vector<std::string>&) = f.command == "plan"       ? run_plan
                                                : f.command == "simulate" ? run_simulate
                                                : f.command == "compare"  ? run_compare
                                                                          : run_expect;
  const int rc = run_capturing_stderr(run, argv, errors.path());
  if (rc != kExitOk) {
    std::string message = read_input_file(errors.path(), 16 << 20, "cell's error message");
    // The first line, with this cell's temporary file name replaced by the base's.
    message = message.substr(0, message.find('\n'));
    if (cell) {
      const std::string& name = cell->path();
      for (std::size_t at; (at = message.find(name)) != std::string::npos;) message.replace(at, name.size(), "cell " + std::to_string(index));
    }
    row.status = "error";
    row.error = message.empty() ? "exit code " + std::to_string(rc) : message;
    return row;
  }
  nlohmann::json out;
  try {
    out = nlohmann::json::parse(read_input_file(report.path(), kMaxJsonInputBytes, "cell's report"));
  } catch (const std::exception& e) {  // a JSON error, or a report past the size limit
    row.status = "error";
    row.error = std::string("unreadable report: ") + e.what();
    return row;
  }
  for (std::size_t i = 0; i < f.figures.size(); ++i) {
    const nlohmann::json::json_pointer p(f.figures[i].pointer);
    if (out.contains(p)) row.figures[i] = out.at(p);
  }
  return row;
}

nlohmann::json row_to_json(const SweepRow& r) {
  return {{"cell", r.index}, {"axes", r.axis_values}, {"figures", r.figures}, {"status", r.status}, {"error", r.error}};
}

SweepRow row_from_json(const nlohmann::json& j) {
  SweepRow r;
  r.index = j.at("cell").get<std::size_t>();
  r.axis_values = j.at("axes").get<std::vector<nlohmann::json>>();
  r.figures = j.at("figures").get<std::vector<nlohmann::json>>();
  r.status = j.at("status").get<std::string>();
  r.error = j.at("error").get<std::string>();
  return r;
}

}  // namespace fabricplan::cli
