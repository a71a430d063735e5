// The located JSON document: where every value, key and error is, the exact text of
// every number, and RFC 7396 merge patches.

#include <doctest/doctest.h>

#include <string>

#include "capflow/io/json_document.hpp"

using capflow::Diagnostics;
using capflow::JsonNode;
using capflow::SourcePos;

namespace {

JsonNode parse_ok(std::string_view text) {
  Diagnostics diags;
  JsonNode n = capflow::parse_json(text, "t.json", diags);
  REQUIRE_MESSAGE(diags.empty(), (diags.empty() ? "" : to_string(diags.front())));
  return n;
}

// The single diagnostic of text that fails to parse, as "line:col: message".
std::string parse_error(std::string_view text) {
  Diagnostics diags;
  JsonNode n = capflow::parse_json(text, "t.json", diags);
  REQUIRE(diags.size() == 1);
  CHECK(n.kind == JsonNode::Kind::null);
  const auto& d = diags.front();
  return std::to_string(d.pos.line) + ":" + std::to_string(d.pos.column) + ": " + d.message;
}

std::string at(const SourcePos& p) {
  return std::to_string(p.line) + ":" + std::to_string(p.column);
}

const JsonNode& member(const JsonNode& obj, std::string_view key) {
  const JsonNode* n = obj.find(key);
  REQUIRE_MESSAGE(n != nullptr, "no member " << std::string(key));
  return *n;
}

std::string merged(std::string_view target, std::string_view patch) {
  JsonNode t = parse_ok(target);
  capflow::merge_patch(t, parse_ok(patch));
  return capflow::dump(t);
}

}  // namespace

TEST_CASE("json positions: values and keys, 1-based line and column") {
  const JsonNode doc = parse_ok(
      "{\n"
      "  \"a\": 1,\n"
      "  \"bb\": [true, null, \"x\"],\n"
      "  \"c\": { \"d\": false }\n"
      "}\n");
  CHECK(at(doc.pos) == "1:1");
  CHECK(at(member(doc, "a").pos) == "2:8");
  CHECK(at(member(doc, "a").key_pos) == "2:3");
  const JsonNode& bb = member(doc, "bb");
  CHECK(at(bb.pos) == "3:9");
  CHECK(at(bb.key_pos) == "3:3");
  REQUIRE(bb.items.size() == 3);
  CHECK(at(bb.items[0].pos) == "3:10");
  CHECK(at(bb.items[1].pos) == "3:16");
  CHECK(at(bb.items[2].pos) == "3:22");
  const JsonNode& c = member(doc, "c");
  CHECK(at(c.pos) == "4:8");
  CHECK(at(member(c, "d").pos) == "4:15");
  CHECK(at(member(c, "d").key_pos) == "4:10");
  CHECK(member(c, "d").file == "t.json");
}

TEST_CASE("json positions: strings with escapes do not confuse the key and value starts") {
  const JsonNode doc = parse_ok(R"({"q\"k": "a\"b\\", "n": "\\\"", "e": "\u00e9\n"})");
  CHECK(member(doc, "q\"k").text == "a\"b\\");
  CHECK(at(member(doc, "q\"k").key_pos) == "1:2");
  CHECK(at(member(doc, "q\"k").pos) == "1:10");
  CHECK(member(doc, "n").text == "\\\"");
  CHECK(at(member(doc, "n").key_pos) == "1:20");
  CHECK(at(member(doc, "n").pos) == "1:25");
  CHECK(member(doc, "e").text == "\xC3\xA9\n");
  CHECK(at(member(doc, "e").key_pos) == "1:33");
  CHECK(at(member(doc, "e").pos) == "1:38");
}

TEST_CASE("json positions: numbers at the end of a line, of an object, and of the text") {
  const JsonNode doc = parse_ok("{\"a\": 12,\n\"b\": -3.5\n,\"c\": 7}");
  CHECK(at(member(doc, "a").pos) == "1:7");
  CHECK(at(member(doc, "b").pos) == "2:6");
  CHECK(member(doc, "b").text == "-3.5");
  CHECK(at(member(doc, "c").pos) == "3:7");
  const JsonNode whole = parse_ok("  42");
  CHECK(whole.text == "42");
  CHECK(at(whole.pos) == "1:3");
  const JsonNode arr = parse_ok("[1,22,\r\n333]");
  REQUIRE(arr.items.size() == 3);
  CHECK(at(arr.items[1].pos) == "1:4");
  CHECK(at(arr.items[2].pos) == "2:1");
  CHECK(arr.items[2].text == "333");
}

TEST_CASE("json positions: columns count UTF-8 characters, not bytes; a BOM is not a column") {
  // "é" is two bytes, "€" three, "😀" four: each is one column.
  const JsonNode doc = parse_ok("{\"\xC3\xA9\xE2\x82\xAC\": \"\xF0\x9F\x98\x80\", \"k\": 1}");
  CHECK(at(member(doc, "\xC3\xA9\xE2\x82\xAC").pos) == "1:8");
  CHECK(at(member(doc, "k").key_pos) == "1:13");
  CHECK(at(member(doc, "k").pos) == "1:18");
  const JsonNode bom = parse_ok("\xEF\xBB\xBF{\"k\": 1}");
  CHECK(at(bom.pos) == "1:1");
  CHECK(at(member(bom, "k").pos) == "1:7");
}

TEST_CASE("json numbers keep their exact text") {
  const JsonNode doc =
      parse_ok(R"([0.49, 1E9, 17.3e+9, -0, 0, 100000000000000000000000000001, 1e-400, 5.000])");
  std::vector<std::string> texts;
  for (const auto& n : doc.items) {
    CHECK(n.is_number());
    texts.push_back(n.text);
  }
  CHECK(texts == std::vector<std::string>{"0.49", "1E9", "17.3e+9", "-0", "0",
                                          "100000000000000000000000000001", "1e-400", "5.000"});
  CHECK(at(doc.items[3].pos) == "1:22");  // "-0" starts at its sign
  CHECK(capflow::dump(doc) ==
        "[0.49,1E9,17.3e+9,-0,0,100000000000000000000000000001,1e-400,5.000]");
}

TEST_CASE("json numbers beyond a double are out of range, located at the number") {
  CHECK(parse_error("{\"a\": [1,\n  1e400]}") == "2:3: number 1e400 is out of range");
  CHECK(parse_error("-1E+999") == "1:1: number -1E+999 is out of range");
}

TEST_CASE("json errors: each located and explained") {
  CHECK(parse_error("") == "1:1: the file is empty; expected a JSON object");
  CHECK(parse_error(" \n\t ") == "1:1: the file is empty; expected a JSON object");
  CHECK(parse_error("{\"a\": 1,\n}") ==
        "1:8: malformed JSON: trailing comma before '}' (JSON allows no comma after the last "
        "element)");
  CHECK(parse_error("[1, 2 , ]") ==
        "1:7: malformed JSON: trailing comma before ']' (JSON allows no comma after the last "
        "element)");
  CHECK(parse_error("{\"a\": 1 \"b\": 2}") ==
        "1:9: malformed JSON: unexpected string literal; expected '}' (a missing comma?)");
  CHECK(parse_error("[1 22]") ==
        "1:4: malformed JSON: unexpected number literal; expected ']' (a missing comma?)");
  CHECK(parse_error("{\"a\": 1]") == "1:8: malformed JSON: unexpected ']'; expected '}'");
  CHECK(parse_error("{\"a\": 0123}") == "1:7: malformed JSON: a JSON number has no leading zeros");
  CHECK(
      parse_error("{\"a\": True}") ==
      "1:7: malformed JSON: invalid literal; expected true, false, null, a number or a \"string\" "
      "(JSON is case-sensitive and strings take double quotes)");
  CHECK(parse_error("{\"a\": [nul]}").starts_with("1:8: malformed JSON: invalid literal"));
  CHECK(parse_error("{'a': 1}").starts_with("1:2: malformed JSON: invalid literal"));
  CHECK(parse_error("{\n  // note\n  \"a\": 1\n}") ==
        "2:3: malformed JSON: comments are not allowed in JSON (use a \"notes\" key)");
  CHECK(parse_error("{\"a\": {\"b\": 1}") ==
        "1:15: malformed JSON: unexpected end of input; expected '}'");
  CHECK(parse_error("{\"a\": 1} x").starts_with("1:10: malformed JSON:"));
  CHECK(parse_error("{\"a\": \"x\ny\"}")
            .starts_with("1:9: malformed JSON: invalid string: control character"));
}

TEST_CASE("json nesting deeper than the limit is an error, not a stack overflow") {
  std::string deep = std::string(100000, '[') + std::string(100000, ']');
  CHECK(parse_error(deep) ==
        "1:101: nesting deeper than 100 levels of arrays and objects; a scenario needs far fewer");
  std::string ok = std::string(100, '[') + std::string(100, ']');
  CHECK(parse_ok(ok).is_array());
}

TEST_CASE("json duplicate keys: reported at the repeated key, the last value kept") {
  Diagnostics diags;
  JsonNode doc = capflow::parse_json(
      "{\"h\": {\"cap\": 1,\n \"cap\": 2}, \"x\": [{\"a/b\": 1, \"a/b\": 2}]}", "t.json", diags);
  REQUIRE(diags.size() == 2);
  CHECK(to_string(diags[0]) ==
        "t.json:2:2: /h/cap: duplicate key \"cap\" (each key may appear once)");
  CHECK(to_string(diags[1]) ==
        "t.json:2:30: /x/0/a~1b: duplicate key \"a/b\" (each key may appear once)");
  REQUIRE(doc.is_object());
  const JsonNode& h = member(doc, "h");
  CHECK(h.members.size() == 1);
  CHECK(member(h, "cap").text == "2");
  CHECK(at(member(h, "cap").pos) == "2:9");
}

TEST_CASE("json positions stay linear on one long line (minified files)") {
  // Quadratic column counting would take minutes here.
  std::string text = "[";
  for (int i = 0; i < 200000; ++i) text += (i ? ",\"v\"" : "\"v\"");
  text += "]";
  const JsonNode doc = parse_ok(text);
  REQUIRE(doc.items.size() == 200000);
  CHECK(at(doc.items.back().pos) == "1:" + std::to_string(text.size() - 3));
}

TEST_CASE("merge patch: the examples of RFC 7396 appendix A") {
  CHECK(merged(R"({"a":"b"})", R"({"a":"c"})") == R"({"a":"c"})");
  CHECK(merged(R"({"a":"b"})", R"({"b":"c"})") == R"({"a":"b","b":"c"})");
  CHECK(merged(R"({"a":"b"})", R"({"a":null})") == R"({})");
  CHECK(merged(R"({"a":"b","b":"c"})", R"({"a":null})") == R"({"b":"c"})");
  CHECK(merged(R"({"a":["b"]})", R"({"a":"c"})") == R"({"a":"c"})");
  CHECK(merged(R"({"a":"c"})", R"({"a":["b"]})") == R"({"a":["b"]})");
  CHECK(merged(R"({"a":{"b":"c"}})", R"({"a":{"b":"d","c":null}})") == R"({"a":{"b":"d"}})");
  CHECK(merged(R"({"a":[{"b":"c"}]})", R"({"a":[1]})") == R"({"a":[1]})");
  CHECK(merged(R"(["a","b"])", R"(["c","d"])") == R"(["c","d"])");
  CHECK(merged(R"({"a":"b"})", R"(["c"])") == R"(["c"])");
  CHECK(merged(R"({"a":"foo"})", R"(null)") == R"(null)");
  CHECK(merged(R"({"a":"foo"})", R"("bar")") == R"("bar")");
  CHECK(merged(R"({"e":null})", R"({"a":1})") == R"({"e":null,"a":1})");
  CHECK(merged(R"([1,2])", R"({"a":"b","c":null})") == R"({"a":"b"})");
  CHECK(merged(R"({})", R"({"a":{"bb":{"ccc":null}}})") == R"({"a":{"bb":{}}})");
}

TEST_CASE("merge patch: arrays are replaced whole, nulls inside them kept; order is stable") {
  CHECK(merged(R"({"t":[1,2,3],"k":{"x":1}})", R"({"t":[null,4]})") ==
        R"({"t":[null,4],"k":{"x":1}})");
  CHECK(merged(R"({"a":1,"b":2,"c":3,"d":4})", R"({"b":null,"d":null,"e":5,"a":0})") ==
        R"({"a":0,"c":3,"e":5})");
  // Removing a key and adding it back in a later patch puts it at the end.
  CHECK(merged(merged(R"({"a":1,"b":2})", R"({"a":null})"), R"({"a":3})") == R"({"b":2,"a":3})");
}

TEST_CASE("merge patch: patched values keep the file, line and key position of the patch") {
  Diagnostics diags;
  JsonNode base = capflow::parse_json("{\n  \"h\": {\n    \"cap\": 1,\n    \"name\": \"x\"\n  }\n}",
                                      "base.json", diags);
  JsonNode patch =
      capflow::parse_json("{\"h\": {\"cap\": \"2B\", \"new\": [1]}}", "child.json", diags);
  REQUIRE(diags.empty());
  capflow::merge_patch(base, patch);
  const JsonNode& h = member(base, "h");
  const JsonNode& cap = member(h, "cap");
  CHECK(cap.file == "child.json");
  CHECK(at(cap.pos) == "1:15");
  CHECK(at(cap.key_pos) == "1:8");
  const JsonNode& name = member(h, "name");
  CHECK(name.file == "base.json");
  CHECK(at(name.key_pos) == "4:5");
  const JsonNode& added = member(h, "new");
  CHECK(added.file == "child.json");
  CHECK(at(added.key_pos) == "1:21");
}

TEST_CASE("json pointer tokens escape ~ and /") {
  CHECK(capflow::pointer_token("a/b~c") == "a~1b~0c");
  CHECK(capflow::pointer_token("plain") == "plain");
}
