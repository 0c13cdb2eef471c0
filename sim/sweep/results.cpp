#include "sim/sweep/results.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <stdexcept>

namespace trainsim::sweep {

nlohmann::ordered_json record_to_json(const PointRecord& r) {
  nlohmann::ordered_json j;
  j["point"] = r.point;
  j["status"] = r.status;
  nlohmann::ordered_json params = nlohmann::ordered_json::object();
  for (const auto& [k, v] : r.params) params[k] = v;
  j["params"] = params;
  if (!r.message.empty()) j["message"] = r.message;
  if (!r.report.is_null()) j["report"] = r.report;
  return j;
}

PointRecord record_from_json(const nlohmann::ordered_json& j) {
  PointRecord r;
  r.point = j.at("point").get<int64_t>();
  r.status = j.at("status").get<std::string>();
  for (const auto& [k, v] : j.at("params").items()) r.params.emplace_back(k, v.get<std::string>());
  if (j.contains("message")) r.message = j.at("message").get<std::string>();
  if (j.contains("report")) r.report = j.at("report");
  return r;
}

namespace {

void flatten_into(const nlohmann::ordered_json& v, const std::string& prefix,
                  std::vector<std::pair<std::string, nlohmann::ordered_json>>& out) {
  if (v.is_object()) {
    for (const auto& [k, x] : v.items()) flatten_into(x, prefix.empty() ? k : prefix + "." + k, out);
  } else {
    out.emplace_back(prefix, v);
  }
}

std::string cell(const nlohmann::ordered_json& v, bool* numeric) {
  *numeric = v.is_number();
  if (v.is_string()) return v.get<std::string>();
  if (v.is_null()) return "";
  return v.dump();
}

}  // namespace

std::vector<std::pair<std::string, nlohmann::ordered_json>> flatten(const nlohmann::ordered_json& doc) {
  std::vector<std::pair<std::string, nlohmann::ordered_json>> out;
  if (!doc.is_null()) flatten_into(doc, "", out);
  return out;
}

Table make_table(const std::vector<std::string>& swept_keys, std::vector<PointRecord> records) {
  std::sort(records.begin(), records.end(),
            [](const PointRecord& a, const PointRecord& b) { return a.point < b.point; });
  Table t;
  t.columns = {"point", "status"};
  for (const std::string& k : swept_keys) t.columns.push_back(k);
  std::map<std::string, size_t> col;
  std::vector<std::vector<std::pair<std::string, nlohmann::ordered_json>>> flat;
  for (const PointRecord& r : records) {
    flat.push_back(flatten(r.report));
    for (const auto& [k, v] : flat.back()) {
      if (col.count(k) == 0) {
        col[k] = t.columns.size();
        t.columns.push_back(k);
      }
    }
  }
  for (size_t i = 0; i < records.size(); ++i) {
    const PointRecord& r = records[i];
    std::vector<std::string> row(t.columns.size());
    std::vector<bool> num(t.columns.size(), false);
    row[0] = std::to_string(r.point);
    num[0] = true;
    row[1] = r.status;
    for (size_t k = 0; k < swept_keys.size(); ++k) {
      for (const auto& [pk, pv] : r.params) {
        if (pk != swept_keys[k]) continue;
        row[2 + k] = pv;
        char* end = nullptr;
        std::strtod(pv.c_str(), &end);
        num[2 + k] = !pv.empty() && *end == '\0';
      }
    }
    for (const auto& [k, v] : flat[i]) {
      bool n = false;
      const size_t c = col[k];
      row[c] = cell(v, &n);
      num[c] = n;
    }
    t.rows.push_back(std::move(row));
    t.numeric.push_back(std::move(num));
    t.reports.push_back(r.report.is_null() ? "" : r.report.dump());
  }
  return t;
}

namespace {

// s in double quotes, inner quotes doubled: an RFC 4180 CSV field and an SQL identifier alike.
std::string double_quoted(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string csv_field(const std::string& s) {
  return s.find_first_of(",\"\n\r") == std::string::npos ? s : double_quoted(s);
}

}  // namespace

std::string to_csv(const Table& t) {
  std::string out;
  for (size_t c = 0; c < t.columns.size(); ++c) out += (c ? "," : "") + csv_field(t.columns[c]);
  out += "\n";
  for (const auto& row : t.rows) {
    for (size_t c = 0; c < row.size(); ++c) out += (c ? "," : "") + csv_field(row[c]);
    out += "\n";
  }
  return out;
}

namespace {

struct Db {
  sqlite3* db = nullptr;
  ~Db() {
    if (db != nullptr) sqlite3_close(db);
  }
  void exec(const std::string& sql) {
    char* err = nullptr;
    if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
      const std::string msg = err != nullptr ? err : "unknown error";
      sqlite3_free(err);
      throw std::runtime_error("sqlite: " + msg + " (in: " + sql.substr(0, 200) + ")");
    }
  }
};

std::string ident(const std::string& s) { return double_quoted(s); }

}  // namespace

void write_sqlite(const std::string& path, const Table& t,
                  const std::vector<std::pair<std::string, std::string>>& meta) {
  const std::string tmp = path + ".tmp";
  std::remove(tmp.c_str());
  {
    Db d;
    if (sqlite3_open(tmp.c_str(), &d.db) != SQLITE_OK)
      throw std::runtime_error("sqlite: cannot create " + tmp + ": " + sqlite3_errmsg(d.db));
    d.exec("PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;");
    d.exec("BEGIN");
    d.exec("CREATE TABLE sweep (key TEXT PRIMARY KEY, value TEXT)");
    std::string create = "CREATE TABLE results (";
    for (size_t c = 0; c < t.columns.size(); ++c) {
      // A column is REAL when every non-empty cell is a number, else TEXT.
      bool all_num = true;
      for (size_t r = 0; r < t.rows.size(); ++r)
        if (!t.rows[r][c].empty() && !t.numeric[r][c]) all_num = false;
      create += (c ? ", " : "") + ident(t.columns[c]) +
                (c == 0    ? " INTEGER PRIMARY KEY"
                 : all_num ? " REAL"
                           : " TEXT");
    }
    create += ", report TEXT)";
    d.exec(create);
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(d.db, "INSERT INTO sweep VALUES (?, ?)", -1, &st, nullptr) != SQLITE_OK)
      throw std::runtime_error(std::string("sqlite: ") + sqlite3_errmsg(d.db));
    for (const auto& [k, v] : meta) {
      sqlite3_bind_text(st, 1, k.c_str(), -1, SQLITE_TRANSIENT);
      sqlite3_bind_text(st, 2, v.c_str(), -1, SQLITE_TRANSIENT);
      if (sqlite3_step(st) != SQLITE_DONE)
        throw std::runtime_error(std::string("sqlite: ") + sqlite3_errmsg(d.db));
      sqlite3_reset(st);
    }
    sqlite3_finalize(st);
    std::string insert = "INSERT INTO results VALUES (";
    for (size_t c = 0; c <= t.columns.size(); ++c) insert += c ? ", ?" : "?";
    insert += ")";
    if (sqlite3_prepare_v2(d.db, insert.c_str(), -1, &st, nullptr) != SQLITE_OK)
      throw std::runtime_error(std::string("sqlite: ") + sqlite3_errmsg(d.db));
    for (size_t r = 0; r < t.rows.size(); ++r) {
      for (size_t c = 0; c < t.columns.size(); ++c) {
        const std::string& v = t.rows[r][c];
        const int i = static_cast<int>(c + 1);
        if (v.empty()) {
          sqlite3_bind_null(st, i);
        } else if (c == 0) {
          sqlite3_bind_int64(st, i, std::stoll(v));
        } else if (t.numeric[r][c]) {
          sqlite3_bind_double(st, i, std::stod(v));
        } else {
          sqlite3_bind_text(st, i, v.c_str(), -1, SQLITE_TRANSIENT);
        }
      }
      const int rc = static_cast<int>(t.columns.size() + 1);
      if (t.reports[r].empty())
        sqlite3_bind_null(st, rc);
      else
        sqlite3_bind_text(st, rc, t.reports[r].c_str(), -1, SQLITE_TRANSIENT);
      if (sqlite3_step(st) != SQLITE_DONE)
        throw std::runtime_error(std::string("sqlite: ") + sqlite3_errmsg(d.db));
      sqlite3_reset(st);
    }
    sqlite3_finalize(st);
    d.exec("COMMIT");
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0)
    throw std::runtime_error("cannot rename " + tmp + " to " + path);
}

}  // namespace trainsim::sweep
