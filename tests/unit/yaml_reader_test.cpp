// sim/config/yaml_reader: the strict reader over yaml-cpp 0.7 (duplicates, unknown keys, wrong
// types, bare numbers, positions of missing keys, whole-file problems, override splicing).
#include "sim/config/yaml_reader.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "sim/common/error.hpp"
#include "tests/unit/test_files.hpp"

namespace trainsim::config {
namespace {

using trainsim::testing::TempDir;

// what() of the ConfigError thrown by f, or a test failure.
template <class F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const ConfigError& e) {
    return e.what();
  }
  ADD_FAILURE() << "no ConfigError thrown";
  return "";
}

Value parse_text(const TempDir& dir, const std::string& text, const std::string& name = "f.yaml") {
  return load_yaml_file(dir.write(name, text));
}

// ------------------------------------------------------------------------------ yaml-cpp facts

// Why the reader exists: yaml-cpp 0.7 keeps both pairs of a duplicated key, iteration sees both,
// and operator[] silently answers with the first. Only iterating detects the duplicate.
TEST(YamlCpp07, KeepsDuplicateKeysAndLookupReturnsTheFirst) {
  const YAML::Node n = YAML::Load("gpus: 1024\ngpus: 512\n");
  int pairs = 0;
  for (const auto& kv : n) {
    EXPECT_EQ(kv.first.Scalar(), "gpus");
    ++pairs;
  }
  EXPECT_EQ(pairs, 2) << "yaml-cpp no longer keeps duplicate keys: the reader's check can be simplified";
  EXPECT_EQ(n["gpus"].as<int>(), 1024);
}

TEST(YamlCpp07, TagsTellPlainFromQuotedScalars) {
  const YAML::Node n = YAML::Load("a: 400\nb: \"400\"\n");
  EXPECT_EQ(n["a"].Tag(), "?");
  EXPECT_EQ(n["b"].Tag(), "!");
}

// ---------------------------------------------------------------------------------- conversion

TEST(YamlReader, ConvertsWithPositionsAndOrder) {
  TempDir dir;
  const Value v = parse_text(dir, "name: x\nnode:\n  gpu: h100\n  list: [1, \"2\"]\nempty:\n");
  ASSERT_EQ(v.type, Value::Type::kMap);
  ASSERT_EQ(v.entries.size(), 3u);
  EXPECT_EQ(v.entries[0].key, "name");
  EXPECT_EQ(v.entries[0].key_loc.line, 1);
  EXPECT_EQ(v.entries[0].key_loc.col, 1);
  EXPECT_EQ(v.entries[0].value.loc.col, 7);
  const Value* node = v.find("node");
  ASSERT_NE(node, nullptr);
  EXPECT_EQ(node->loc.line, 3);  // a block map starts at its first key
  EXPECT_EQ(node->loc.col, 3);
  const Value* list = node->find("list");
  ASSERT_NE(list, nullptr);
  ASSERT_EQ(list->items.size(), 2u);
  EXPECT_FALSE(list->items[0].quoted);
  EXPECT_TRUE(list->items[1].quoted);
  EXPECT_EQ(v.find("empty")->type, Value::Type::kNull);
  EXPECT_EQ(v.entries[0].value.base_dir, std::filesystem::path(dir.path("f.yaml")).parent_path().string());
}

TEST(YamlReader, DuplicateKeyIsRejectedAtTheSecondOccurrence) {
  TempDir dir;
  const std::string f = dir.write("d.yaml", "name: x\nnode:\n  gpu: a\n  gpus_per_node: 8\n  gpu: b\n");
  EXPECT_EQ(error_of([&] { load_yaml_file(f); }),
            f + ":5:3: error: node.gpu: duplicate key (first at line 3)");
}

TEST(YamlReader, DuplicateKeyInsideAListIsRejected) {
  TempDir dir;
  const std::string f = dir.write("d.yaml", "a:\n  - {x: 1, x: 2}\n");
  EXPECT_EQ(error_of([&] { load_yaml_file(f); }),
            f + ":2:12: error: a[0].x: duplicate key (first at line 2)");
}

TEST(YamlReader, SyntaxErrorHasPosition) {
  TempDir dir;
  const std::string f = dir.write("s.yaml", "a: 1\nb: { c: 2\n");
  const std::string e = error_of([&] { load_yaml_file(f); });
  EXPECT_EQ(e.rfind(f + ":", 0), 0u) << e;
  EXPECT_NE(e.find(": error: invalid YAML: end of map flow not found"), std::string::npos) << e;
}

TEST(YamlReader, BadIndentationIsASyntaxError) {
  TempDir dir;
  const std::string f = dir.write("s.yaml", "a:\n  b: 1\n c: 2\n");
  EXPECT_NE(error_of([&] { load_yaml_file(f); }).find(": error: invalid YAML: "), std::string::npos);
}

struct WholeFileRow {
  const char* name;
  const char* text;
  const char* message;  // after "FILE: error: " or "FILE:L:C: error: "
};

void PrintTo(const WholeFileRow& row, std::ostream* os) { *os << row.name; }

class YamlReaderWholeFile : public ::testing::TestWithParam<WholeFileRow> {};

TEST_P(YamlReaderWholeFile, Rejects) {
  TempDir dir;
  const WholeFileRow& row = GetParam();
  const std::string f = dir.write("w.yaml", row.text);
  const std::string e = error_of([&] { load_yaml_file(f); });
  EXPECT_EQ(e.rfind(f, 0), 0u) << e;
  EXPECT_NE(e.find(row.message), std::string::npos) << e;
}

INSTANTIATE_TEST_SUITE_P(
    Table, YamlReaderWholeFile,
    ::testing::Values(
        WholeFileRow{"empty", "", ": error: file is empty"},
        WholeFileRow{"comments", "# nothing\n\n# here\n", ": error: file is empty"},
        WholeFileRow{"null", "~\n", ": error: file is empty"},
        WholeFileRow{"list", "- a\n- b\n",
                     ":1:1: error: expected a map of keys at the top level, got a list"},
        WholeFileRow{"scalar", "hello\n",
                     ":1:1: error: expected a map of keys at the top level, got 'hello'"},
        WholeFileRow{"two_docs", "a: 1\n---\nb: 2\n", ":3:1: error: more than one YAML document"},
        WholeFileRow{"complex_key", "? [a, b]\n: 1\n", ":1:3: error: map keys must be plain names"}),
    [](const ::testing::TestParamInfo<WholeFileRow>& i) { return std::string(i.param.name); });

TEST(YamlReader, MissingFile) {
  TempDir dir;
  const std::string f = dir.path("nope.yaml");
  EXPECT_EQ(error_of([&] { load_yaml_file(f); }), f + ": error: cannot open file: No such file or directory");
}

TEST(YamlReader, Directory) {
  TempDir dir;
  EXPECT_EQ(error_of([&] { load_yaml_file(dir.path()); }),
            dir.path() + ": error: is a directory, expected a YAML file");
}

TEST(YamlReader, TooLarge) {
  TempDir dir;
  std::string text = "a: 1\n";
  text += "# " + std::string(kMaxInputBytes, 'x') + "\n";
  const std::string f = dir.write("big.yaml", text);
  const std::string e = error_of([&] { load_yaml_file(f); });
  EXPECT_EQ(
      e.rfind(f + ": error: file is " + std::to_string(text.size()) + " bytes, more than the 1048576-byte",
              0),
      0u)
      << e;
}

TEST(YamlReader, Unreadable) {
  if (::geteuid() == 0) GTEST_SKIP() << "root can read a mode-000 file";
  TempDir dir;
  const std::string f = dir.write("secret.yaml", "a: 1\n");
  std::filesystem::permissions(f, std::filesystem::perms::none);
  EXPECT_EQ(error_of([&] { load_yaml_file(f); }).rfind(f + ": error: cannot read file: ", 0), 0u);
}

// Limits of docs/limits.md, each rejected with a located ConfigError before a large allocation.
TEST(YamlReader, AbsurdDocumentsAreRejectedWithTheirPosition) {
  TempDir dir;
  struct Row {
    std::string name, text, expected;
  };
  std::string flat_list = "a: [";
  for (int i = 0; i < 20000; ++i) flat_list += i ? ",1" : "1";
  flat_list += "]\n";
  std::string long_alias = "a0: &a0 \"" + std::string(100000, 'x') + "\"\na1: [";
  for (int i = 0; i < 50; ++i) long_alias += i ? ", *a0" : "*a0";
  long_alias += "]\n";
  const std::vector<Row> rows = {
      {"nul.yaml", std::string("a: 1\nb: x\0y\n", 12), "nul.yaml:2:5: error: binary data (a NUL byte)"},
      {"comma.yaml", "# comment\n,\n", "comma.yaml:2:1: error: invalid YAML: unexpected ','"},
      {"list.yaml", flat_list, "list.yaml:1:19999: error: YAML document has more than 10000 values"},
      {"long.yaml", long_alias, "error: YAML document expands to more than 4194304 bytes of text"},
      {"deep.yaml", "a: " + std::string(3000, '[') + std::string(3000, ']') + "\n",
       "error: invalid YAML: nested deeper than 64 levels"},
  };
  for (const Row& r : rows) {
    SCOPED_TRACE(r.name);
    const std::string msg = error_of([&] { parse_text(dir, r.text, r.name); });
    EXPECT_NE(msg.find(r.expected), std::string::npos) << msg;
  }
}

TEST(YamlReader, TextAndFileLoadsAgree) {
  TempDir dir;
  const std::string text = "a: 1\nb: {c: [x, y]}\n";
  const std::string f = dir.write("same.yaml", text);
  const Value from_file = load_yaml_file(f);
  const Value from_text = load_yaml_text(text, f);
  ASSERT_EQ(from_text.entries.size(), 2u);
  EXPECT_EQ(from_text.entries[1].value.loc.str(), from_file.entries[1].value.loc.str());
  EXPECT_EQ(from_text.entries[1].value.base_dir, from_file.entries[1].value.base_dir);
  EXPECT_NE(error_of([] {
              load_yaml_text(std::string(kMaxInputBytes + 1, ' '), "big.yaml");
            }).find("big.yaml: error: file is 1048577 bytes"),
            std::string::npos);
}

TEST(YamlReader, AliasExpansionIsBounded) {
  TempDir dir;
  // "Billion laughs": 10 levels of 10 aliases each would expand to 10^10 values.
  std::string text = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n";
  for (int i = 1; i < 10; ++i) {
    text += "a" + std::to_string(i) + ": &a" + std::to_string(i) + " [";
    for (int j = 0; j < 10; ++j) text += std::string(j ? ", " : "") + "*a" + std::to_string(i - 1);
    text += "]\n";
  }
  const std::string f = dir.write("bomb.yaml", text);
  EXPECT_NE(error_of([&] { load_yaml_file(f); }).find("expands to more than 10000 values"),
            std::string::npos);
}

TEST(YamlReader, DeepNestingIsBounded) {
  TempDir dir;
  const std::string f = dir.write("deep.yaml", "a: " + std::string(100, '[') + std::string(100, ']') + "\n");
  const std::string e = error_of([&] { load_yaml_file(f); });
  EXPECT_NE(e.find("nested deeper than"), std::string::npos) << e;
}

// ----------------------------------------------------------------------------------- MapReader

class MapReaderTest : public ::testing::Test {
 protected:
  // Loads `text` as f.yaml and reads its root with `keys`.
  const Value& load(const std::string& text) {
    file_ = dir_.write("f.yaml", text);
    root_ = load_yaml_file(file_);
    ctx_ = std::make_unique<ReadContext>(file_);
    return root_;
  }
  MapReader root_reader(std::vector<std::string> keys) {
    return MapReader(*ctx_, root_, "", std::move(keys));
  }

  TempDir dir_;
  std::string file_;
  Value root_;
  std::unique_ptr<ReadContext> ctx_;
};

TEST_F(MapReaderTest, UnknownKeyListsValidKeysAndSuggests) {
  load("name: x\nnode:\n  gpu: h100\n  gpus_per_nod: 8\n");
  const MapReader r = root_reader({"name", "node"});
  EXPECT_EQ(error_of([&] {
              r.required_map("node", {"gpu", "gpus_per_node", "nics_per_node"});
            }),
            file_ +
                ":4:3: error: node.gpus_per_nod: unknown key\n"
                "note: did you mean 'gpus_per_node'?\n"
                "note: valid keys in 'node': gpu, gpus_per_node, nics_per_node");
}

TEST_F(MapReaderTest, UnknownTopLevelKey) {
  load("name: x\ncolour: blue\n");
  EXPECT_EQ(error_of([&] {
              root_reader({"name", "nodes"});
            }),
            file_ + ":2:1: error: colour: unknown key\nnote: valid keys: name, nodes");
}

TEST_F(MapReaderTest, DuplicateKeysInAConstructedValueAreRejected) {
  load("a: 1\n");
  Value v = root_;
  v.entries.push_back(v.entries[0]);  // as if spliced twice
  v.entries[1].key_loc.line = 7;
  EXPECT_EQ(error_of([&] { MapReader(*ctx_, v, "", {"a"}); }), file_ + ":7:1: error: a: duplicate key");
}

TEST_F(MapReaderTest, MissingRequiredKeyIsReportedAtTheParentMap) {
  load("name: x\nnode:\n  gpus_per_node: 8\n  nics_per_node: 8\n");
  const MapReader r = root_reader({"name", "node"});
  const MapReader n = r.required_map("node", {"gpu", "gpus_per_node", "nics_per_node"});
  EXPECT_EQ(error_of([&] { n.required_string("gpu"); }),
            file_ + ":3:3: error: node.gpu: missing required key: expected a string");
  EXPECT_EQ(error_of([&] { r.required_integer("nodes", 1, 10); }),
            file_ + ":1:1: error: nodes: missing required key: expected an integer in [1, 10]");
  EXPECT_EQ(error_of([&] { r.required_map("fabric", {"topology"}); }),
            file_ + ":1:1: error: fabric: missing required key: expected a map of topology");
}

TEST_F(MapReaderTest, BareNumberForABandwidth) {
  load("nic_bandwidth: 400\n");
  const MapReader r = root_reader({"nic_bandwidth"});
  EXPECT_EQ(error_of([&] { r.quantity("nic_bandwidth", units::Kind::kBandwidth); }),
            file_ +
                ":1:16: error: nic_bandwidth: expected a bandwidth with a unit (e.g. 400Gb/s, 50GB/s), "
                "got bare number 400");
}

TEST_F(MapReaderTest, QuotedBareNumberIsStillBare) {
  load("nic_bandwidth: \"400\"\n");
  EXPECT_NE(error_of([&] {
              root_reader({"nic_bandwidth"}).quantity("nic_bandwidth", units::Kind::kBandwidth);
            }).find("got bare number 400"),
            std::string::npos);
}

TEST_F(MapReaderTest, QuantitySigns) {
  load("a: -1GB/s\nb: 0s\nc: 2TB/s\n");
  const MapReader r = root_reader({"a", "b", "c"});
  EXPECT_EQ(*r.quantity("a", units::Kind::kBandwidth), -1e9);
  EXPECT_EQ(error_of([&] { r.quantity("a", units::Kind::kBandwidth, Sign::kPositive); }),
            file_ + ":1:4: error: a: expected a value > 0, got -1GB/s");
  EXPECT_EQ(error_of([&] { r.quantity("b", units::Kind::kTime, Sign::kPositive); }),
            file_ + ":2:4: error: b: expected a value > 0, got 0s");
  EXPECT_EQ(*r.quantity("b", units::Kind::kTime, Sign::kNonNegative), 0.0);
  EXPECT_EQ(error_of([&] { r.quantity("a", units::Kind::kBandwidth, Sign::kNonNegative); }),
            file_ + ":1:4: error: a: expected a value >= 0, got -1GB/s");
  EXPECT_EQ(*r.quantity("c", units::Kind::kBandwidth, Sign::kPositive), 2e12);
  EXPECT_FALSE(r.quantity("d", units::Kind::kBandwidth).has_value());
}

struct TypeRow {
  const char* name;
  const char* yaml_value;
  const char* getter;   // integer | number | boolean | string | choice | quantity | map
  const char* message;  // after "FILE:1:COL: error: k: "
};

void PrintTo(const TypeRow& row, std::ostream* os) { *os << row.name; }

class MapReaderTypes : public ::testing::TestWithParam<TypeRow> {};

TEST_P(MapReaderTypes, RejectsWrongTypes) {
  const TypeRow& row = GetParam();
  TempDir dir;
  const std::string f = dir.write("t.yaml", std::string("k: ") + row.yaml_value + "\n");
  const Value root = load_yaml_file(f);
  ReadContext ctx(f);
  const MapReader r(ctx, root, "", {"k"});
  const std::string getter = row.getter;
  const std::string e = error_of([&] {
    if (getter == "integer") r.integer("k", 1, 64);
    if (getter == "number") r.number("k", 1, 3);
    if (getter == "boolean") r.boolean("k");
    if (getter == "string") r.string("k");
    if (getter == "choice") r.choice("k", {"bf16", "fp8"});
    if (getter == "quantity") r.quantity("k", units::Kind::kTime);
    if (getter == "map") r.map("k", {"a"});
  });
  EXPECT_EQ(e, f + ":1:4: error: k: " + row.message);
}

INSTANTIATE_TEST_SUITE_P(
    Table, MapReaderTypes,
    ::testing::Values(
        TypeRow{"int_from_float", "8.5", "integer", "expected an integer in [1, 64], got '8.5'"},
        TypeRow{"int_from_text", "eight", "integer", "expected an integer in [1, 64], got 'eight'"},
        TypeRow{"int_from_unit", "8GB", "integer", "expected an integer in [1, 64], got '8GB'"},
        TypeRow{"int_out_of_range", "65", "integer", "expected an integer in [1, 64], got 65"},
        TypeRow{"int_negative", "-1", "integer", "expected an integer in [1, 64], got -1"},
        TypeRow{"int_overflow", "99999999999999999999", "integer",
                "expected an integer in [1, 64], got 99999999999999999999"},
        TypeRow{"int_from_list", "[8]", "integer", "expected an integer in [1, 64], got a list"},
        TypeRow{"int_from_map", "{a: 8}", "integer", "expected an integer in [1, 64], got a map"},
        TypeRow{"int_from_null", "~", "integer", "expected an integer in [1, 64], got no value (null)"},
        TypeRow{"number_range", "0.9", "number", "expected a number in [1, 3], got 0.9"},
        TypeRow{"number_nan", ".nan", "number", "expected a number in [1, 3], got '.nan'"},
        TypeRow{"number_unit", "1.1x", "number", "expected a number in [1, 3], got '1.1x'"},
        TypeRow{"bool_yes", "yes", "boolean", "expected true or false, got 'yes'"},
        TypeRow{"bool_one", "1", "boolean", "expected true or false, got '1'"},
        TypeRow{"string_from_map", "{a: 1}", "string", "expected a string, got a map"},
        TypeRow{"string_empty", "\"\"", "string", "expected a non-empty string, got ''"},
        TypeRow{"choice", "fp16", "choice", "expected one of bf16 | fp8, got 'fp16'"},
        TypeRow{"quantity_from_list", "[1s]", "quantity",
                "expected a time with a unit (e.g. 30min, 2h, 1us), got a list"},
        TypeRow{"map_from_scalar", "8", "map", "expected a map of keys (a), got '8'"}),
    [](const ::testing::TestParamInfo<TypeRow>& i) { return std::string(i.param.name); });

TEST_F(MapReaderTest, AcceptedValues) {
  load("i: +8\nn: 1.5\nb: True\ns: hello\nc: fp8\nq: 2 h\n");
  const MapReader r = root_reader({"i", "n", "b", "s", "c", "q"});
  EXPECT_EQ(*r.integer("i", 1, 64), 8);
  EXPECT_EQ(*r.number("n", 1, 3), 1.5);
  EXPECT_TRUE(*r.boolean("b"));
  EXPECT_EQ(*r.string("s"), "hello");
  EXPECT_EQ(*r.choice("c", {"bf16", "fp8"}), "fp8");
  EXPECT_EQ(*r.quantity("q", units::Kind::kTime), 7200.0);
}

TEST_F(MapReaderTest, ContextRecordsPositionsForLaterChecks) {
  load("training:\n  parallelism:\n    tp: 16\n");
  const MapReader r = root_reader({"training"});
  const MapReader t = r.required_map("training", {"parallelism", "tokens"});
  const MapReader p = t.required_map("parallelism", {"tp", "pp"});
  p.integer("tp", 1, 64);
  p.integer("pp", 1, 64);
  EXPECT_EQ(ctx_->loc("training.parallelism.tp").str(), file_ + ":3:9");
  EXPECT_TRUE(ctx_->present("training.parallelism.tp"));
  // An absent key points to the map that lacks it.
  EXPECT_FALSE(ctx_->present("training.parallelism.pp"));
  EXPECT_EQ(ctx_->loc("training.parallelism.pp").str(), file_ + ":3:5");
  EXPECT_EQ(ctx_->loc("training.tokens").str(), file_ + ":2:3");
  EXPECT_EQ(error_of([&] { ctx_->fail_at_key("training.parallelism.tp", "too big", {"because"}); }),
            file_ + ":3:9: error: training.parallelism.tp: too big\nnote: because");
}

// ----------------------------------------------------------------------------- override splicing

TEST(YamlReader, OverrideValuesAreLocatedAtTheirFlag) {
  const Value v = parse_override_value("training.parallelism.tp", "16");
  EXPECT_EQ(v.type, Value::Type::kScalar);
  EXPECT_EQ(v.loc.str(), "--set training.parallelism.tp=16");
  const Value m = parse_override_value("node", "{gpu: b200, gpus_per_node: 8}");
  ASSERT_EQ(m.entries.size(), 2u);
  EXPECT_EQ(m.entries[0].key_loc.str(), "--set");
  EXPECT_NE(error_of([] {
              parse_override_value("a", "{b: 1");
            }).find("--set a={b: 1: error: a: invalid YAML value"),
            std::string::npos);
  EXPECT_EQ(error_of([] { parse_override_value("a", "{b: 1, b: 2}"); }), "--set: error: a.b: duplicate key");
}

TEST(YamlReader, SetPathCreatesMapsAndKeepsOrigins) {
  TempDir dir;
  Value root = parse_text(dir, "training:\n  tokens: 1T\n");
  set_path(root, {"training", "parallelism", "tp"}, parse_override_value("training.parallelism.tp", "4"),
           SourceLoc{"--set", 0, 0});
  ReadContext ctx(dir.path("f.yaml"));
  const MapReader r(ctx, root, "", {"training"});
  const MapReader t = r.required_map("training", {"tokens", "parallelism"});
  const MapReader p = t.required_map("parallelism", {"tp"});
  EXPECT_EQ(*p.integer("tp", 1, 8), 4);
  EXPECT_EQ(*t.quantity("tokens", units::Kind::kCount), 1e12);
  // A bad override value is reported at its flag.
  set_path(root, {"training", "tokens"}, parse_override_value("training.tokens", "lots"),
           SourceLoc{"--set", 0, 0});
  EXPECT_EQ(error_of([&] {
              MapReader(ctx, root, "", {"training"})
                  .required_map("training", {"tokens", "parallelism"})
                  .quantity("tokens", units::Kind::kCount);
            }),
            "--set training.tokens=lots: error: training.tokens: expected a number (e.g. 2048, 15.6e12, "
            "15.6T), got "
            "'lots' (not a number)");
  // Setting below a scalar is an error at the override.
  EXPECT_EQ(error_of([&] {
              set_path(root, {"training", "tokens", "x"}, parse_override_value("training.tokens.x", "1"),
                       SourceLoc{"--set", 0, 0});
            }),
            "--set training.tokens.x=1: error: training.tokens.x: cannot set it: 'training.tokens' is "
            "'lots', not a map");
}

TEST(YamlReader, MergeMapsIsKeyByKey) {
  TempDir dir;
  Value base = parse_text(dir, "nodes: 128\nnode:\n  gpu: h100\n  gpus_per_node: 8\n", "p.yaml");
  const Value overlay = parse_text(dir, "node:\n  gpu: b200\nfacility: {pue: 1.3}\n", "s.yaml");
  merge_maps(base, overlay);
  EXPECT_EQ(base.find("nodes")->scalar, "128");
  EXPECT_EQ(base.find("node")->find("gpu")->scalar, "b200");
  EXPECT_EQ(base.find("node")->find("gpu")->loc.file, dir.path("s.yaml"));
  EXPECT_EQ(base.find("node")->find("gpus_per_node")->scalar, "8");
  EXPECT_EQ(base.find("facility")->find("pue")->scalar, "1.3");
}

TEST(YamlReader, ForeignValuesGetThePrefix) {
  TempDir dir;
  Value base = parse_text(dir, "node:\n  gpu: h100\n", "p.yaml");
  merge_maps(base, parse_text(dir, "node:\n  colour: red\n", "s.yaml"));
  ReadContext ctx(dir.path("p.yaml"), "platform.");
  EXPECT_EQ(error_of([&] { MapReader(ctx, base, "", {"node"}).required_map("node", {"gpu"}); }),
            dir.path("s.yaml") +
                ":2:3: error: platform.node.colour: unknown key\nnote: valid keys in 'platform.node': gpu");
}

TEST(YamlReader, ResolvePath) {
  EXPECT_EQ(resolve_path("scenarios", "../platforms/x.yaml"), "platforms/x.yaml");
  EXPECT_EQ(resolve_path("", "platforms/x.yaml"), "platforms/x.yaml");
  EXPECT_EQ(resolve_path("a/b", "/abs/x.yaml"), "/abs/x.yaml");
  EXPECT_EQ(resolve_path("tests/inputs", "../../platforms/x.yaml"), "platforms/x.yaml");
}

}  // namespace
}  // namespace trainsim::config
