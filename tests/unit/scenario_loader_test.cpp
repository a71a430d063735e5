// Loading scenario files: extends across directories, --set overrides, and diagnostics
// that list every problem with its file, line, column and JSON pointer.

#include <doctest/doctest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "capflow/terms/scenario.hpp"

namespace fs = std::filesystem;
using capflow::LoadResult;
using capflow::Override;
using capflow::Rational;

namespace {

// A fresh directory under the system temp directory, removed with everything in it.
class TempDir {
 public:
  TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "capflow-loader-XXXXXX").string();
    std::vector<char> name(tmpl.begin(), tmpl.end());
    name.push_back('\0');
    REQUIRE(mkdtemp(name.data()) != nullptr);
    path_ = name.data();
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  // Writes text to relative path rel (creating directories); returns the full path.
  std::string write(const std::string& rel, const std::string& text) const {
    fs::path p = path_ / rel;
    fs::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << text;
    return p.string();
  }
  std::string path(const std::string& rel) const { return (path_ / rel).string(); }

 private:
  fs::path path_;
};

const char* const kGood = R"({
  "schema": "capflow/scenario/v1",
  "title": "base",
  "holders": {
    "investor": { "invested": "10M", "cap": { "multiple": 10 } },
    "founder": { },
    "nonprofit": { "residual": true }
  },
  "waterfall": {
    "tiers": [
      { "split": { "investor": 1 }, "size": "10M" },
      { "split": { "investor": 0.49, "founder": "49%", "nonprofit": "0.02" } }
    ]
  }
}
)";

// Every diagnostic of r, one per line (a string, so that doctest shows a failure in full).
std::string messages(const LoadResult& r) {
  std::string out;
  for (const auto& d : r.diagnostics) out += to_string(d) + "\n";
  return out;
}
std::string lines(const std::vector<std::string>& expected) {
  std::string out;
  for (const auto& e : expected) out += e + "\n";
  return out;
}

LoadResult load_ok(const std::string& path, const std::vector<Override>& overrides = {}) {
  LoadResult r = capflow::load_scenario(path, overrides);
  INFO(path);
  for (const auto& m : messages(r)) INFO(m);
  REQUIRE_MESSAGE(r.diagnostics.empty(),
                  (r.diagnostics.empty() ? "" : to_string(r.diagnostics.front())));
  REQUIRE(r.scenario.has_value());
  return r;
}

const capflow::Holder& holder(const LoadResult& r, const std::string& id) {
  auto h = r.scenario->waterfall.find(id);
  REQUIRE_MESSAGE(h.has_value(), "no holder " << id);
  return r.scenario->waterfall.holders[*h];
}

}  // namespace

TEST_CASE("scenario: a valid file loads, shares exactly as written") {
  TempDir dir;
  LoadResult r = load_ok(dir.write("s.json", kGood));
  const auto& w = r.scenario->waterfall;
  CHECK(r.scenario->title == "base");
  REQUIRE(w.holders.size() == 3);
  REQUIRE(w.tiers.size() == 2);
  CHECK(w.tiers[1].split[0] == Rational(49, 100));  // 0.49 read from its digits
  CHECK(w.tiers[1].split[1] == Rational(49, 100));
  CHECK(w.tiers[1].split[2] == Rational(1, 50));
  CHECK(holder(r, "investor").cap == Rational(100000000));
  CHECK(w.residual == 2);
}

TEST_CASE("scenario extends: paths are relative to the extending file, across directories") {
  TempDir dir;
  dir.write("presets/base/root.json", kGood);
  dir.write("presets/mid.json", R"({
    "extends": "base/root.json",
    "title": "mid",
    "holders": { "founder": { "invested": "1M", "cap": "5M" } }
  })");
  std::string leaf = dir.write("work/what-if/leaf.json", R"({
    "extends": "../../presets/mid.json",
    "holders": { "investor": { "cap": "20M" }, "founder": { "cap": null } },
    "waterfall": { "tiers": [ { "split": { "founder": "50%", "nonprofit": "50%" } } ] }
  })");
  LoadResult r = load_ok(leaf);
  CHECK(r.scenario->title == "mid");
  CHECK(r.scenario->file == leaf);
  // Merge patch: objects merge key by key, null removes, arrays are replaced whole.
  CHECK(holder(r, "investor").cap == Rational(20000000));
  CHECK_FALSE(holder(r, "investor").cap_multiple.has_value());
  CHECK(holder(r, "founder").invested == Rational(1000000));
  CHECK_FALSE(holder(r, "founder").cap.has_value());
  REQUIRE(r.scenario->waterfall.tiers.size() == 1);
  CHECK(r.scenario->waterfall.tiers[0].split[1] == Rational(1, 2));
  CHECK(r.scenario->document.find("extends") == nullptr);
}

TEST_CASE("scenario extends: problems point into the file each value came from") {
  TempDir dir;
  dir.write("base/base.json", R"({
  "schema": "capflow/scenario/v1",
  "holders": { "a": { "nmae": "A" }, "nonprofit": { "residual": true } },
  "waterfall": { "tiers": [ { "split": { "a": 0.5, "nonprofit": 0.5 } } ] }
})");
  std::string child = dir.write("child/child.json", R"({
  "extends": "../base/base.json",
  "holders": {
    "a": { "invested": "-5" }
  }
})");
  LoadResult r = capflow::load_scenario(child);
  CHECK_FALSE(r.scenario.has_value());
  std::string base =
      (fs::path(child).parent_path() / "../base/base.json").lexically_normal().string();
  CHECK(messages(r) ==
        lines({
            child + ":4:24: /holders/a/invested: expected a non-negative amount, found -5",
            base + ":3:23: /holders/a/nmae: unknown key \"nmae\"; did you mean \"name\"?",
        }));
}

TEST_CASE("scenario extends: cycles, self-reference and missing files are errors at the extends") {
  TempDir dir;
  std::string a = dir.write("a.json", "{\n  \"extends\": \"sub/b.json\"\n}");
  dir.write("sub/b.json", "{ \"extends\": \"../a.json\" }");
  LoadResult r = capflow::load_scenario(a);
  std::string b_display = dir.path("sub/b.json");
  CHECK(messages(r) == lines({b_display + ":1:14: /extends: \"extends\" cycle: " + a + " -> " +
                              b_display + " -> " + a}));

  std::string self = dir.write("self.json", R"({"extends": "./self.json"})");
  r = capflow::load_scenario(self);
  CHECK(messages(r) ==
        lines({self + ":1:13: /extends: \"extends\" cycle: " + self + " -> " + self}));

  std::string missing = dir.write("m.json", R"({"extends": "nowhere/x.json"})");
  r = capflow::load_scenario(missing);
  CHECK(messages(r) == lines({missing + ":1:13: /extends: cannot read \"" +
                              dir.path("nowhere/x.json") + "\": No such file or directory"}));

  std::string not_string = dir.write("n.json", R"({"extends": 5})");
  r = capflow::load_scenario(not_string);
  CHECK(messages(r) ==
        lines({not_string +
               ":1:13: /extends: expected the path of the scenario to extend, as a string"}));
}

TEST_CASE("scenario files that cannot be read say why") {
  TempDir dir;
  LoadResult r = capflow::load_scenario(dir.path("absent.json"));
  CHECK(messages(r) == lines({dir.path("absent.json") +
                              ": cannot read the scenario file: No such file or directory"}));
  fs::create_directories(dir.path("d.json"));
  r = capflow::load_scenario(dir.path("d.json"));
  CHECK(messages(r) ==
        lines({dir.path("d.json") + ": cannot read the scenario file: it is a directory"}));
  r = capflow::load_scenario(dir.write("e.json", "\n"));
  CHECK(messages(r) ==
        lines({dir.path("e.json") + ":1:1: the file is empty; expected a JSON object"}));
}

TEST_CASE("scenario overrides: JSON pointer and dotted path") {
  TempDir dir;
  std::string s = dir.write("s.json", kGood);
  LoadResult r = load_ok(s, {{"/holders/investor/cap", "\"25M\""},
                             {"holders.founder.cap", "7M"},  // not JSON: taken as a string
                             {"waterfall.tiers.0.size", "5000000"},
                             {"/title", "what if"}});
  CHECK(holder(r, "investor").cap == Rational(25000000));
  CHECK(holder(r, "founder").cap == Rational(7000000));
  CHECK(r.scenario->waterfall.tiers[0].size == Rational(5000000));
  CHECK(r.scenario->title == "what if");
  CHECK_FALSE(capflow::load_scenario(s, {{"holders.investor.name", "{\"x\":1}"}}).scenario);

  // null removes, as in a merge patch; "-" appends to an array.
  r = load_ok(s, {{"holders.investor.cap", "null"}});
  CHECK_FALSE(holder(r, "investor").cap.has_value());
  r = load_ok(s, {{"/waterfall/tiers/1/size", "1B"},
                  {"/waterfall/tiers/-", R"({"split": {"nonprofit": 1}})"}});
  CHECK(r.scenario->waterfall.tiers.size() == 3);
}

TEST_CASE("scenario overrides: a path that leads nowhere is an error naming the --set") {
  TempDir dir;
  std::string s = dir.write("s.json", kGood);
  auto problems = [&](std::vector<Override> o) { return messages(capflow::load_scenario(s, o)); };
  CHECK(problems({{"holders.investr.cap", "5"}}) ==
        lines({"--set: /holders/investr: no such value in the scenario (from --set "
               "holders.investr.cap); did you mean \"investor\"?"}));
  CHECK(problems({{"/zzz/cap", "5"}}) ==
        lines({"--set: /zzz: no such value in the scenario (from --set /zzz/cap); the "
               "scenario has schema, title, holders, waterfall"}));
  CHECK(problems({{"/holders/a~1b/cap", "5"}}) ==
        lines({"--set: /holders/a~1b: no such value in the scenario (from --set "
               "/holders/a~1b/cap); /holders has investor, founder, nonprofit"}));
  CHECK(problems({{"waterfall.tiers.7.size", "5"}}) ==
        lines({"--set: /waterfall/tiers/7: no element 7; the array has 2 elements, 0 "
               "to 1 (from --set waterfall.tiers.7.size)"}));
  CHECK(problems({{"waterfall.tiers.first.size", "5"}}) ==
        lines({"--set: /waterfall/tiers/first: expected an array index, found "
               "\"first\"; the array has 2 elements, 0 to 1 (from --set "
               "waterfall.tiers.first.size)"}));
  CHECK(problems({{"title.x", "5"}}) ==
        lines({"--set: /title: is a string, so it has no \"x\" (from --set title.x)"}));
  CHECK(problems({{"holders/investor/cap", "5"}}) ==
        lines({"--set: \"holders/investor/cap\" is neither a JSON pointer (those start "
               "with '/') nor a dotted path; did you mean /holders/investor/cap?"}));
  // A new key is allowed by the path and then checked like any other.
  CHECK(problems({{"holders.investor.cpa", "5"}}) ==
        lines({"--set: /holders/investor/cpa: unknown key \"cpa\"; did you mean \"cap\"?"}));
  // Every --set is checked, and the file is still validated.
  CHECK(
      problems({{"holders.x.cap", "1"}, {"holders.investor.cap", "-1"}}) ==
      lines(
          {"--set: /holders/x: no such value in the scenario (from --set holders.x.cap); /holders "
           "has investor, founder, nonprofit",
           "--set: /holders/investor/cap: expected a non-negative amount, found -1"}));
}

TEST_CASE("scenario overrides: PATH=VALUE parsing") {
  auto o = capflow::parse_override("holders.microsoft.cap=92B");
  REQUIRE(o);
  CHECK(o->path == "holders.microsoft.cap");
  CHECK(o->value == "92B");
  o = capflow::parse_override("/title=a=b");
  REQUIRE(o);
  CHECK(o->path == "/title");
  CHECK(o->value == "a=b");
  CHECK_FALSE(capflow::parse_override("no-equals"));
  CHECK_FALSE(capflow::parse_override("=5"));
}

TEST_CASE("scenario diagnostics: every problem, in file order, each located") {
  TempDir dir;
  std::string s = dir.write("many.json", R"({
  "schema": "capflow/scenario/v0",
  "holders": {
    "microsoft": { "invested": "13B", "cap": "92 billion" },
    "first_close": { "cap": { "multiple": 100 } },
    "employees": { "residul": true, "invested": "inf" },
    "nonprofit": { "residual": true, "cap": "1T" }
  },
  "waterfall": {
    "cap_overflow": "spill",
    "tiers": [
      { "split": { "first_close": 1 } },
      { "split": { "microsoft": "75%", "employee": "25%" }, "until": { "holder": "employees", "received": "13B" } },
      { "split": { "microsoft": 0.49, "employees": 0.49, "nonprofit": 0.01 } },
      { "split": { "microsoft": 1.5, "nonprofit": "-50%" } }
    ]
  },
  "titel": "x"
})");
  LoadResult r = capflow::load_scenario(s);
  CHECK_FALSE(r.scenario.has_value());
  std::vector<std::string> want = {
      ":2:13: /schema: unsupported schema \"capflow/scenario/v0\"; expected "
      "\"capflow/scenario/v1\"",
      ":4:46: /holders/microsoft/cap: \"92 billion\": unexpected ' '; money is digits with "
      "optional sign, fraction, exponent and suffix K/M/B/T (e.g. \"1.5B\", \"194M\", \"17.3e9\", "
      "\"1,500,000\")",
      ":5:43: /holders/first_close/cap/multiple: a cap given as a multiple needs \"invested\" > 0 "
      "on "
      "holder \"first_close\" (or a funding round that joins it); give \"invested\" or an absolute "
      "cap",
      ":6:20: /holders/employees/residul: unknown key \"residul\"; did you mean \"residual\"?",
      ":6:49: /holders/employees/invested: \"inf\" is not a finite amount; expected money such as "
      "\"1.5B\"",
      ":7:45: /holders/nonprofit/cap: the residual holder \"nonprofit\" must be uncapped",
      ":10:21: /waterfall/cap_overflow: unknown cap_overflow \"spill\"; expected \"residual\" or "
      "\"pro_rata\"",
      ":12:7: /waterfall/tiers/0: tier \"tier 1\" has no end: only the last tier may run forever; "
      "give "
      "\"size\" or \"until\"",
      ":13:40: /waterfall/tiers/1/split/employee: unknown holder \"employee\"; did you mean "
      "\"employees\"?",
      ":13:82: /waterfall/tiers/1/until/holder: holder \"employees\" has no share in this tier, so "
      "its "
      "receipts would never end it",
      ":14:7: /waterfall/tiers/2: tier \"tier 3\" has no end: only the last tier may run forever; "
      "give "
      "\"size\" or \"until\"",
      ":14:18: /waterfall/tiers/2/split: shares sum to 0.99, expected exactly 1",
      ":15:33: /waterfall/tiers/3/split/microsoft: share 1.5 is outside [0, 1]",
      ":15:51: /waterfall/tiers/3/split/nonprofit: share -0.5 is outside [0, 1]",
      ":18:3: /titel: unknown key \"titel\"; did you mean \"title\"?",
  };
  for (auto& w : want) w = s + w;
  CHECK(messages(r) == lines(want));
  for (const auto& d : r.diagnostics) {
    CHECK(d.file == s);
    CHECK(d.pos.line > 0);
    CHECK(d.pointer.starts_with("/"));
  }
}

TEST_CASE("scenario diagnostics: a duplicate key does not hide the other problems") {
  TempDir dir;
  std::string s = dir.write("dup.json", R"({
  "schema": "capflow/scenario/v1",
  "holders": { "a": { "cap": "1B", "cap": "2B" }, "nonprofit": { "residual": true } },
  "waterfall": { "tiers": [ { "split": { "a": 0.5, "nonprofit": 0.4 } } ] }
})");
  CHECK(messages(capflow::load_scenario(s)) ==
        lines({s + ":3:36: /holders/a/cap: duplicate key \"cap\" (each key may appear once)",
               s + ":4:40: /waterfall/tiers/0/split: shares sum to 0.9, expected exactly 1"}));
}

TEST_CASE("scenario limits: absurd numbers of holders or tiers are refused, not computed") {
  TempDir dir;
  std::string holders;
  for (int i = 0; i < 1001; ++i) holders += "\"h" + std::to_string(i) + "\": {},";
  std::string s =
      dir.write("wide.json", "{\"schema\": \"capflow/scenario/v1\", \"holders\": {" + holders +
                                 "\"n\": {\"residual\": true}}, \"waterfall\": {\"tiers\": []}}");
  CHECK(messages(capflow::load_scenario(s)) ==
        lines({s + ":1:46: /holders: 1002 holders is more than capflow accepts (at most 1000)"}));
}
