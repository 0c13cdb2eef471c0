#include "sim/config/yaml_reader.hpp"

#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/eventhandler.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <system_error>
#include <utility>

#include "sim/common/error.hpp"

namespace trainsim::config {
namespace fs = std::filesystem;

// ------------------------------------------------------------------------------------------ Value

const Value* Value::find(std::string_view key) const {
  for (const Entry& e : entries) {
    if (e.key == key) return &e.value;
  }
  return nullptr;
}

Value* Value::find(std::string_view key) {
  for (Entry& e : entries) {
    if (e.key == key) return &e.value;
  }
  return nullptr;
}

std::string join(const std::vector<std::string>& items, const std::string& sep) {
  std::string out;
  for (const std::string& s : items) {
    if (!out.empty()) out += sep;
    out += s;
  }
  return out;
}

std::string describe_value(const Value& v) {
  switch (v.type) {
    case Value::Type::kNull:
      return "no value (null)";
    case Value::Type::kSequence:
      return "a list";
    case Value::Type::kMap:
      return "a map";
    case Value::Type::kScalar:
      break;
  }
  std::string text = v.scalar;
  if (text.size() > 60) text = text.substr(0, 57) + "...";
  return "'" + text + "'";
}

namespace {

[[noreturn]] void throw_at(const SourceLoc& where, const std::string& key, const std::string& message,
                           const std::vector<std::string>& notes = {}) {
  std::string text = format_error(where.str(), key, message);
  for (const std::string& n : notes) text += "\nnote: " + n;
  throw ConfigError(text);
}

SourceLoc loc_from_mark(const YAML::Mark& mark, const std::string& file, bool has_positions) {
  SourceLoc loc;
  loc.file = file;
  if (has_positions && !mark.is_null()) {
    loc.line = mark.line + 1;
    loc.col = mark.column + 1;
  }
  return loc;
}

struct Converter {
  const Origin& origin;
  int64_t nodes = 0;
  int64_t bytes = 0;

  void count_bytes(size_t n, const SourceLoc& where) {
    bytes += static_cast<int64_t>(n);
    if (bytes > kMaxYamlExpandedBytes) {
      throw_at(where, "",
               "YAML document expands to more than " + std::to_string(kMaxYamlExpandedBytes) +
                   " bytes of text (repeated aliases of long values?)");
    }
  }

  Value convert(const YAML::Node& node, int depth) {
    Value v;
    v.loc = loc_from_mark(node.Mark(), origin.file, origin.has_positions);
    v.base_dir = origin.base_dir;
    if (depth > kMaxYamlDepth) {
      throw_at(v.loc, "", "YAML nested deeper than " + std::to_string(kMaxYamlDepth) + " levels");
    }
    if (++nodes > kMaxYamlNodes) {
      throw_at(v.loc, "",
               "YAML document expands to more than " + std::to_string(kMaxYamlNodes) +
                   " values (recursive or repeated aliases?)");
    }
    switch (node.Type()) {
      case YAML::NodeType::Undefined:
      case YAML::NodeType::Null:
        v.type = Value::Type::kNull;
        break;
      case YAML::NodeType::Scalar:
        v.type = Value::Type::kScalar;
        count_bytes(node.Scalar().size(), v.loc);
        v.scalar = node.Scalar();
        // yaml-cpp tags plain scalars "?", quoted and block scalars "!", explicit tags by name.
        v.quoted = node.Tag() != "?";
        break;
      case YAML::NodeType::Sequence:
        v.type = Value::Type::kSequence;
        for (const YAML::Node& item : node) v.items.push_back(convert(item, depth + 1));
        break;
      case YAML::NodeType::Map:
        v.type = Value::Type::kMap;
        // Iteration visits every pair, duplicates included (unlike operator[]).
        for (const auto& kv : node) {
          const SourceLoc key_loc = loc_from_mark(kv.first.Mark(), origin.key_file, origin.has_positions);
          if (!kv.first.IsScalar())
            throw_at(key_loc, "",
                     "map keys must be plain names, got a " + std::string(kv.first.IsMap() ? "map" : "list"));
          count_bytes(kv.first.Scalar().size(), key_loc);
          v.entries.push_back(Entry{kv.first.Scalar(), key_loc, convert(kv.second, depth + 1)});
        }
        break;
    }
    return v;
  }
};

// Parser events that note where each document and its root node start, and stop the parse at
// the kMaxYamlNodes+1-th node: yaml-cpp builds a 1 MiB flow list of 500,000 items in seconds and
// hundreds of MB, so the node limit must act while parsing, not only on the built tree.
struct DocumentStarts : YAML::EventHandler {
  struct Document {
    YAML::Mark start;
    YAML::Mark node = YAML::Mark::null_mark();  // the root node
  };
  explicit DocumentStarts(const std::string& path) : path(path) {}
  const std::string& path;
  std::vector<Document> documents;
  int64_t nodes = 0;

  void node(const YAML::Mark& mark) {
    if (!documents.empty() && documents.back().node.is_null()) documents.back().node = mark;
    if (++nodes > kMaxYamlNodes) {
      throw_at(loc_from_mark(mark, path, true), "",
               "YAML document has more than " + std::to_string(kMaxYamlNodes) + " values");
    }
  }
  void OnDocumentStart(const YAML::Mark& mark) override { documents.push_back(Document{mark}); }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark& mark, YAML::anchor_t) override { node(mark); }
  void OnAlias(const YAML::Mark& mark, YAML::anchor_t) override { node(mark); }
  void OnScalar(const YAML::Mark& mark, const std::string&, YAML::anchor_t, const std::string&) override {
    node(mark);
  }
  void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t,
                       YAML::EmitterStyle::value) override {
    node(mark);
  }
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t,
                  YAML::EmitterStyle::value) override {
    node(mark);
  }
  void OnMapEnd() override {}
};

std::string dotted_join(const std::string& path, const std::string& key) {
  return path.empty() ? key : path + "." + key;
}

// Edit distance, for "did you mean" notes on unknown keys.
size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
    }
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

std::string closest(const std::string& word, const std::vector<std::string>& candidates) {
  std::string best;
  size_t best_d = std::max<size_t>(2, word.size() / 3) + 1;
  for (const std::string& c : candidates) {
    const size_t d = edit_distance(word, c);
    if (d < best_d) best_d = d, best = c;
  }
  return best;
}

std::string trimmed(const std::string& s) {
  const size_t b = s.find_first_not_of(" \t");
  if (b == std::string::npos) return "";
  const size_t e = s.find_last_not_of(" \t");
  return s.substr(b, e - b + 1);
}

std::string format_number(double v) {
  std::ostringstream os;
  os << v;
  return os.str();
}

}  // namespace

Value from_yaml(const YAML::Node& node, const Origin& origin) {
  Converter c{origin};
  return c.convert(node, 0);
}

// ------------------------------------------------------------------------------------------ files

Value load_yaml_file(const std::string& path) {
  const SourceLoc whole{path, 0, 0};
  std::error_code ec;
  const fs::file_status st = fs::status(path, ec);
  if (ec || !fs::exists(st)) {
    throw_at(whole, "",
             "cannot open file: " + (ec ? ec.message() : std::string("No such file or directory")));
  }
  if (fs::is_directory(st)) throw_at(whole, "", "is a directory, expected a YAML file");
  if (!fs::is_regular_file(st)) throw_at(whole, "", "is not a regular file, expected a YAML file");
  const std::uintmax_t size = fs::file_size(path, ec);
  if (!ec && size > kMaxInputBytes) {
    throw_at(whole, "",
             "file is " + std::to_string(size) + " bytes, more than the " + std::to_string(kMaxInputBytes) +
                 "-byte (1 MiB) limit for input files");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) throw_at(whole, "", std::string("cannot read file: ") + std::strerror(errno));
  std::string text;
  text.resize(static_cast<size_t>(kMaxInputBytes) + 1);
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  if (in.bad()) throw_at(whole, "", std::string("cannot read file: ") + std::strerror(errno));
  text.resize(static_cast<size_t>(in.gcount()));
  if (text.size() > kMaxInputBytes)
    throw_at(whole, "", "file is larger than the 1 MiB limit for input files");

  return load_yaml_text(text, path);
}

YAML::Node parse_yaml_document(const std::string& text, const std::string& path) {
  const SourceLoc whole{path, 0, 0};
  // A NUL byte never occurs in YAML text (YAML 1.2 §5.1 excludes it): a binary file or another
  // encoding (UTF-16). yaml-cpp would read such bytes as part of a scalar.
  if (const size_t nul = text.find('\0'); nul != std::string::npos) {
    const size_t line_start = text.rfind('\n', nul);
    SourceLoc at = whole;
    at.line =
        1 + static_cast<int>(std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(nul), '\n'));
    at.col = 1 + static_cast<int>(line_start == std::string::npos ? nul : nul - line_start - 1);
    throw_at(at, "", "binary data (a NUL byte): expected a UTF-8 YAML text file");
  }
  try {
    // Count the documents first, at most two. yaml-cpp 0.7's LoadAll loops forever, allocating,
    // on a stray flow indicator (a file holding just ","): its parser reports an endless series of
    // empty documents without consuming the token. A second document that starts where the first
    // one did is that case.
    std::istringstream in(text);
    YAML::Parser parser(in);
    DocumentStarts starts(path);
    while (starts.documents.size() < 2 && parser.HandleNextDocument(starts)) {
    }
    if (starts.documents.size() > 1) {
      const DocumentStarts::Document& first = starts.documents[0];
      const DocumentStarts::Document& second = starts.documents[1];
      if (second.start.pos == first.start.pos) {
        const size_t pos = static_cast<size_t>(std::max(0, second.start.pos));
        const std::string what = pos < text.size() ? "'" + std::string(1, text[pos]) + "'" : "text";
        throw_at(loc_from_mark(second.start, path, true), "", "invalid YAML: unexpected " + what);
      }
      throw_at(loc_from_mark(second.node, path, true), "",
               "more than one YAML document ('---'): an input file holds exactly one");
    }
    return YAML::Load(text);
  } catch (const YAML::DeepRecursion& e) {
    // yaml-cpp's own recursion guard (its message is a bare "bad file").
    throw_at(loc_from_mark(e.mark, path, true), "",
             "invalid YAML: nested deeper than " + std::to_string(kMaxYamlDepth) + " levels");
  } catch (const YAML::ParserException& e) {
    throw_at(loc_from_mark(e.mark, path, true), "", "invalid YAML: " + e.msg);
  } catch (const YAML::Exception& e) {
    throw_at(loc_from_mark(e.mark, path, true), "", "invalid YAML: " + e.msg);
  }
}

Value load_yaml_text(const std::string& text, const std::string& path) {
  const SourceLoc whole{path, 0, 0};
  if (text.size() > kMaxInputBytes) {
    throw_at(whole, "",
             "file is " + std::to_string(text.size()) + " bytes, more than the " +
                 std::to_string(kMaxInputBytes) + "-byte (1 MiB) limit for input files");
  }
  const YAML::Node doc = parse_yaml_document(text, path);
  if (!doc || doc.IsNull()) {
    throw_at(whole, "", "file is empty, expected a YAML map of keys");
  }
  std::string base_dir = fs::path(path).parent_path().string();
  Value root = from_yaml(doc, Origin{path, path, base_dir, true});
  if (root.type != Value::Type::kMap) {
    throw_at(root.loc, "", "expected a map of keys at the top level, got " + describe_value(root));
  }
  check_no_duplicate_keys(root, "");
  return root;
}

Value parse_override_value(const std::string& key, const std::string& text) {
  const std::string where = "--set " + key + "=" + text;
  YAML::Node node;
  try {
    node = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    throw_at(SourceLoc{where, 0, 0}, key, "invalid YAML value: " + e.msg);
  }
  Value v = from_yaml(node, Origin{where, "--set", "", false});
  check_no_duplicate_keys(v, key);
  return v;
}

void check_no_duplicate_keys(const Value& value, const std::string& path) {
  if (value.type == Value::Type::kSequence) {
    for (size_t i = 0; i < value.items.size(); ++i) {
      check_no_duplicate_keys(value.items[i], path + "[" + std::to_string(i) + "]");
    }
    return;
  }
  if (value.type != Value::Type::kMap) return;
  for (size_t i = 0; i < value.entries.size(); ++i) {
    const Entry& e = value.entries[i];
    for (size_t j = 0; j < i; ++j) {
      const Entry& first = value.entries[j];
      if (first.key != e.key) continue;
      std::string where =
          first.key_loc.line > 0 ? " (first at line " + std::to_string(first.key_loc.line) + ")" : "";
      throw_at(e.key_loc, dotted_join(path, e.key), "duplicate key" + where);
    }
    check_no_duplicate_keys(e.value, dotted_join(path, e.key));
  }
}

void set_path(Value& root, const std::vector<std::string>& path, Value value, const SourceLoc& key_loc) {
  Value* cur = &root;
  std::string dotted;
  for (size_t i = 0; i < path.size(); ++i) {
    if (cur->type == Value::Type::kNull) {
      cur->type = Value::Type::kMap;
      cur->loc = value.loc;
    }
    if (cur->type != Value::Type::kMap) {
      throw_at(value.loc, dotted_join(dotted, path[i]),
               "cannot set it: '" + dotted + "' is " + describe_value(*cur) + ", not a map");
    }
    dotted = dotted_join(dotted, path[i]);
    Value* next = cur->find(path[i]);
    if (next == nullptr) {
      Value empty;
      empty.type = i + 1 == path.size() ? Value::Type::kNull : Value::Type::kMap;
      empty.loc = value.loc;
      empty.base_dir = value.base_dir;
      cur->entries.push_back(Entry{path[i], key_loc, std::move(empty)});
      next = &cur->entries.back().value;
    }
    cur = next;
  }
  *cur = std::move(value);
}

void merge_maps(Value& base, const Value& overlay) {
  for (const Entry& e : overlay.entries) {
    Value* existing = base.find(e.key);
    if (existing == nullptr) {
      base.entries.push_back(e);
    } else if (existing->type == Value::Type::kMap && e.value.type == Value::Type::kMap) {
      merge_maps(*existing, e.value);
    } else {
      // Replace the value and take over the key's position, so errors point to the override.
      for (Entry& b : base.entries) {
        if (b.key == e.key) {
          b.value = e.value;
          b.key_loc = e.key_loc;
          break;
        }
      }
    }
  }
}

std::string resolve_path(const std::string& base_dir, const std::string& rel) {
  const fs::path p(rel);
  if (base_dir.empty() || p.is_absolute()) return rel;
  return (fs::path(base_dir) / p).lexically_normal().string();
}

// ------------------------------------------------------------------------------------ ReadContext

ReadContext::ReadContext(std::string main_file, std::string foreign_prefix)
    : main_file_(std::move(main_file)), foreign_prefix_(std::move(foreign_prefix)) {}

std::string ReadContext::display_key(const std::string& dotted, const SourceLoc& where) const {
  if (where.file != main_file_ && !foreign_prefix_.empty()) return foreign_prefix_ + dotted;
  return dotted;
}

void ReadContext::record(const std::string& dotted, const SourceLoc& where, bool present) {
  Record& r = records_[dotted];
  r.loc = where;
  r.present = present;
}

SourceLoc ReadContext::loc(const std::string& dotted) const {
  std::string k = dotted;
  while (true) {
    auto it = records_.find(k);
    if (it != records_.end() && it->second.present) return it->second.loc;
    const size_t dot = k.rfind('.');
    if (k.empty()) break;
    k = dot == std::string::npos ? "" : k.substr(0, dot);
  }
  return SourceLoc{main_file_, 0, 0};
}

std::string ReadContext::key(const std::string& dotted) const { return display_key(dotted, loc(dotted)); }

bool ReadContext::present(const std::string& dotted) const {
  auto it = records_.find(dotted);
  return it != records_.end() && it->second.present;
}

void ReadContext::fail(const SourceLoc& where, const std::string& dotted, const std::string& message,
                       const std::vector<std::string>& notes) const {
  throw_at(where, display_key(dotted, where), message, notes);
}

void ReadContext::fail_at_key(const std::string& dotted, const std::string& message,
                              const std::vector<std::string>& notes) const {
  fail(loc(dotted), dotted, message, notes);
}

// -------------------------------------------------------------------------------------- MapReader

MapReader::MapReader(ReadContext& ctx, const Value& value, std::string path,
                     std::vector<std::string> valid_keys)
    : ctx_(ctx), value_(value), path_(std::move(path)), valid_keys_(std::move(valid_keys)) {
  if (value_.type != Value::Type::kMap) {
    ctx_.fail(value_.loc, path_,
              "expected a map of keys (" + join(valid_keys_) + "), got " + describe_value(value_));
  }
  ctx_.record(path_, value_.loc, true);
  for (size_t i = 0; i < value_.entries.size(); ++i) {
    const Entry& e = value_.entries[i];
    if (std::find(valid_keys_.begin(), valid_keys_.end(), e.key) == valid_keys_.end()) {
      std::vector<std::string> notes;
      const std::string guess = closest(e.key, valid_keys_);
      if (!guess.empty()) notes.push_back("did you mean '" + guess + "'?");
      notes.push_back("valid keys" +
                      std::string(path_.empty() ? "" : " in '" + ctx_.display_key(path_, e.key_loc) + "'") +
                      ": " + join(valid_keys_));
      ctx_.fail(e.key_loc, dotted(e.key), "unknown key", notes);
    }
    for (size_t j = 0; j < i; ++j) {
      if (value_.entries[j].key == e.key) ctx_.fail(e.key_loc, dotted(e.key), "duplicate key");
    }
  }
}

std::string MapReader::dotted(const std::string& key) const { return dotted_join(path_, key); }

SourceLoc MapReader::loc(const std::string& key) const {
  const Value* v = find(key);
  return v != nullptr ? v->loc : value_.loc;
}

void MapReader::fail(const std::string& key, const std::string& message,
                     const std::vector<std::string>& notes) const {
  ctx_.fail(loc(key), dotted(key), message, notes);
}

void MapReader::record(const std::string& key, const Value* v) const {
  ctx_.record(dotted(key), v != nullptr ? v->loc : value_.loc, v != nullptr);
}

const Value& MapReader::require(const std::string& key, const std::string& expected) const {
  const Value* v = find(key);
  if (v == nullptr) {
    ctx_.fail(value_.loc, dotted(key), "missing required key: expected " + expected);
  }
  return *v;
}

const Value* MapReader::scalar_or_fail(const std::string& key, const std::string& expected) const {
  const Value* v = find(key);
  record(key, v);
  if (v == nullptr) return nullptr;
  if (v->type != Value::Type::kScalar) fail(key, "expected " + expected + ", got " + describe_value(*v));
  return v;
}

std::optional<MapReader> MapReader::map(const std::string& key, std::vector<std::string> valid_keys) const {
  const Value* v = find(key);
  record(key, v);
  if (v == nullptr) return std::nullopt;
  return MapReader(ctx_, *v, dotted(key), std::move(valid_keys));
}

MapReader MapReader::required_map(const std::string& key, std::vector<std::string> valid_keys) const {
  const Value& v = require(key, "a map of " + join(valid_keys));
  record(key, &v);
  return MapReader(ctx_, v, dotted(key), std::move(valid_keys));
}

std::optional<double> MapReader::quantity(const std::string& key, units::Kind kind, Sign sign) const {
  const Value* v = scalar_or_fail(key, units::describe(kind));
  if (v == nullptr) return std::nullopt;
  double x = 0;
  try {
    x = units::parse(v->scalar, kind);
  } catch (const std::invalid_argument& e) {
    fail(key, e.what());
  }
  if (sign == Sign::kPositive && !(x > 0)) {
    fail(key, "expected a value > 0, got " + trimmed(v->scalar));
  }
  if (sign == Sign::kNonNegative && x < 0) {
    fail(key, "expected a value >= 0, got " + trimmed(v->scalar));
  }
  return x;
}

double MapReader::required_quantity(const std::string& key, units::Kind kind, Sign sign) const {
  require(key, units::describe(kind));
  return *quantity(key, kind, sign);
}

std::optional<int64_t> MapReader::integer(const std::string& key, int64_t min, int64_t max) const {
  const std::string range = "[" + std::to_string(min) + ", " + std::to_string(max) + "]";
  const std::string expected = "an integer in " + range;
  const Value* v = scalar_or_fail(key, expected);
  if (v == nullptr) return std::nullopt;
  std::string s = trimmed(v->scalar);
  const char* first = s.data();
  const char* last = s.data() + s.size();
  if (first != last && *first == '+') ++first;
  int64_t x = 0;
  const auto [ptr, ec] = std::from_chars(first, last, x);
  if (ec == std::errc::result_out_of_range) fail(key, "expected " + expected + ", got " + s);
  if (s.empty() || ec != std::errc() || ptr != last)
    fail(key, "expected " + expected + ", got " + describe_value(*v));
  if (x < min || x > max) fail(key, "expected " + expected + ", got " + s);
  return x;
}

int64_t MapReader::required_integer(const std::string& key, int64_t min, int64_t max) const {
  require(key, "an integer in [" + std::to_string(min) + ", " + std::to_string(max) + "]");
  return *integer(key, min, max);
}

std::optional<double> MapReader::number(const std::string& key, double min, double max) const {
  const std::string expected = "a number in [" + format_number(min) + ", " + format_number(max) + "]";
  const Value* v = scalar_or_fail(key, expected);
  if (v == nullptr) return std::nullopt;
  const std::string s = trimmed(v->scalar);
  const char* first = s.data();
  const char* last = s.data() + s.size();
  if (first != last && *first == '+') ++first;
  double x = 0;
  const auto [ptr, ec] = std::from_chars(first, last, x);
  if (s.empty() || ec != std::errc() || ptr != last || !std::isfinite(x)) {
    fail(key, "expected " + expected + ", got " + describe_value(*v));
  }
  if (x < min || x > max) fail(key, "expected " + expected + ", got " + s);
  return x;
}

std::optional<bool> MapReader::boolean(const std::string& key) const {
  const Value* v = scalar_or_fail(key, "true or false");
  if (v == nullptr) return std::nullopt;
  const std::string& s = v->scalar;
  if (s == "true" || s == "True" || s == "TRUE") return true;
  if (s == "false" || s == "False" || s == "FALSE") return false;
  fail(key, "expected true or false, got " + describe_value(*v));
}

std::optional<std::string> MapReader::string(const std::string& key) const {
  const Value* v = scalar_or_fail(key, "a string");
  if (v == nullptr) return std::nullopt;
  if (trimmed(v->scalar).empty()) fail(key, "expected a non-empty string, got ''");
  return v->scalar;
}

std::string MapReader::required_string(const std::string& key) const {
  require(key, "a string");
  return *string(key);
}

std::optional<std::string> MapReader::choice(const std::string& key,
                                             const std::vector<std::string>& allowed) const {
  const std::string expected = "one of " + join(allowed, " | ");
  const Value* v = scalar_or_fail(key, expected);
  if (v == nullptr) return std::nullopt;
  if (std::find(allowed.begin(), allowed.end(), v->scalar) == allowed.end()) {
    fail(key, "expected " + expected + ", got " + describe_value(*v));
  }
  return v->scalar;
}

}  // namespace trainsim::config
