// A sweep's results: one row per point, the swept keys under their dotted names, then the
// report's keys (design.md §5, §6), as results.csv and as an SQLite database (results.sqlite:
// table `results` with the same columns plus `report`, the point's full report as JSON).
// Both files are rebuilt from the per-point records and replaced atomically (temporary file +
// rename), so a reader never sees a half-written row.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

namespace trainsim::sweep {

// One finished point, as stored in OUT/points/NNNNNN.json.
struct PointRecord {
  int64_t point = 0;
  std::string status;  // ok | infeasible | error
  std::vector<std::pair<std::string, std::string>> params;
  std::string message;            // why, when not ok
  nlohmann::ordered_json report;  // the run's report (status ok)
};

nlohmann::ordered_json record_to_json(const PointRecord& r);
PointRecord record_from_json(const nlohmann::ordered_json& j);

// Nested objects become dotted keys ("job.ettr"); arrays are kept as their JSON text. Key order:
// document order.
std::vector<std::pair<std::string, nlohmann::ordered_json>> flatten(const nlohmann::ordered_json& doc);

// The table: columns point, status, the swept keys, then every report key in first-seen order over
// the records (sorted by point). A cell is the JSON text of a number or boolean, the raw text of a
// string, empty when the point lacks the key.
struct Table {
  std::vector<std::string> columns;
  std::vector<std::vector<std::string>> rows;
  std::vector<std::vector<bool>> numeric;  // per cell: a number (stored as REAL in SQLite)
  std::vector<std::string> reports;        // per row: the full report as JSON ("" if none)
};
Table make_table(const std::vector<std::string>& swept_keys, std::vector<PointRecord> records);

// RFC 4180: fields with a comma, quote or newline are quoted, quotes doubled; "\n" line ends.
std::string to_csv(const Table& t);

// Writes the table to an SQLite database at `path` (replaced atomically). Throws
// std::runtime_error on an SQLite error.
void write_sqlite(const std::string& path, const Table& t,
                  const std::vector<std::pair<std::string, std::string>>& meta);

}  // namespace trainsim::sweep
