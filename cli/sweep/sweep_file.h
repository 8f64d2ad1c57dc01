// A sweep file (configs/sweeps/*.json, schema configs/schema/sweep.schema.json): a base
// document (a cluster spec or a scenario file, or the options of `expect`), axes that
// set values in it at JSON pointers, the command every cell runs, and the figures to
// collect from each cell's JSON report (JSON pointers into it).
//
// Cells are the cartesian product of the axes, the first axis varying slowest; a cell
// is identified by its index in that order, so every process and rank agrees on it.
// Everything that can be checked without running a cell is checked when the file is
// read (pointers that do not resolve in the base, empty axes, values of the wrong type),
// naming the axis; a cell whose document its command refuses fails alone.
#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace fabricplan::cli {

struct SweepAxis {
  std::string name;
  std::string pointer;                 // may hold "*" segments: every element of an array
  // "pointers": several places set together (e.g. an instance type and the fabric kind
  // that must match it); each value is then an array with one entry per pointer.
  std::vector<std::string> pointers;
  std::vector<nlohmann::json> values;  // what the table shows for each step
  bool scale = false;                  // values multiply the base's number at the pointer
};

struct SweepFigure {
  std::string name;
  std::string pointer;                 // into the cell's JSON report
};

struct SweepFile {
  std::string path;
  std::string name;
  std::string command;                 // plan | simulate | compare | expect
  std::vector<std::string> args;       // extra arguments for the command
  std::string base_path;               // the base file (plan, simulate, compare)
  nlohmann::json base;                 // the base document (or expect's options)
  std::vector<SweepAxis> axes;
  std::vector<SweepFigure> figures;

  std::size_t cell_count() const;
  // The axis step of every axis for cell `index`.
  std::vector<std::size_t> steps(std::size_t index) const;
  // The base with cell `index`'s axis values set.
  nlohmann::json cell_document(std::size_t index) const;
};

// Throws InputError naming the file, the JSON pointer, what was expected and found.
SweepFile read_sweep_file(const std::string& path);

// The values at `pointer` ("*" segments expand over arrays), as pointers without "*";
// empty when any part does not resolve.
std::vector<nlohmann::json::json_pointer> expand_pointer(const nlohmann::json& doc, const std::string& pointer);

}  // namespace fabricplan::cli
