#include "core/util/bounded_parse.hpp"
#include "core/util/str_cat.hpp"
#include "core/util/untrusted_text.hpp"
#include "test_support.hpp"

#include <string>

namespace zbundle::util {
namespace {

std::string nested_arrays(int depth) {
  return std::string(static_cast<std::size_t>(depth), '[')
         + std::string(static_cast<std::size_t>(depth), ']');
}

// Nine levels of ten-way anchors: 10^9 nodes once the aliases are expanded. (Built with
// str_cat: GCC 12's -O3 warns falsely on "literal" + std::string&&, -Wrestrict.)
std::string alias_bomb() {
  std::string text = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n";
  for (int level = 1; level < 10; ++level) {
    text += str_cat("a", level, ": &a", level, " [");
    for (int i = 0; i < 10; ++i) {
      text += str_cat(i == 0 ? "*a" : ", *a", level - 1);
    }
    text += "]\n";
  }
  return text;
}

TEST(BoundedJson, ParsesWhatIsWithinBounds) {
  const nlohmann::json document = parse_bounded_json(R"({"a": [[1, 2], {"b": null}]})", "t.json");
  EXPECT_EQ(document["a"][0][1], 2);
  EXPECT_NO_THROW((void)parse_bounded_json(nested_arrays(64), "t.json"));
}

TEST(BoundedJson, RefusesDeepNestingMalformedTextAndSize) {
  EXPECT_ZB_ERROR((void)parse_bounded_json(nested_arrays(65), "t.json"),
                  ErrorKind::input,
                  "t.json: JSON nested deeper than 64 levels");
  EXPECT_ZB_ERROR((void)parse_bounded_json(nested_arrays(100000), "t.json"),
                  ErrorKind::input,
                  "t.json: JSON nested deeper than 64 levels");
  EXPECT_ZB_ERROR(
      (void)parse_bounded_json("{\"a\": ", "t.json"), ErrorKind::input, "t.json: malformed JSON");
  ParseBounds small;
  small.max_bytes = 4;
  EXPECT_ZB_ERROR((void)parse_bounded_json("[1, 2]", "t.json", small),
                  ErrorKind::input,
                  "t.json: larger than 4 bytes");
}

TEST(BoundedYaml, ReadsEveryDocument) {
  const auto documents = load_bounded_yaml("kind: A\n---\nkind: B\n", "t.yaml");
  ASSERT_EQ(documents.size(), 2U);
  EXPECT_EQ(documents[1]["kind"].as<std::string>(), "B");
}

TEST(BoundedYaml, RefusesAnAliasBombDeepNestingAndBadSyntax) {
  EXPECT_ZB_ERROR((void)load_bounded_yaml(alias_bomb(), "t.yaml"),
                  ErrorKind::input,
                  "t.yaml: more than 200000 YAML nodes once aliases are expanded");
  EXPECT_ZB_ERROR((void)load_bounded_yaml(nested_arrays(100), "t.yaml"),
                  ErrorKind::input,
                  "t.yaml: YAML nested deeper than 64 levels");
  EXPECT_ZB_ERROR((void)load_bounded_yaml(nested_arrays(100000), "t.yaml"),
                  ErrorKind::input,
                  "t.yaml:1: malformed YAML");
  EXPECT_ZB_ERROR(
      (void)load_bounded_yaml("a: [b\n", "t.yaml"), ErrorKind::input, "t.yaml:2: malformed YAML");
}

// yaml-cpp 0.7's LoadAll never ends on these: each yields an empty document that leaves the
// offending token in place (found by fuzz_mirror_sets). Refused, with the line, at once.
TEST(BoundedYaml, RefusesATokenNoDocumentCanBeginWith) {
  for (const char* text : {",", "[a],", "{a: b},\n", "- a\n,", "k: v\n---\n\"x\",", "--- ,"}) {
    EXPECT_ZB_ERROR((void)load_bounded_yaml(text, "t.yaml"),
                    ErrorKind::input,
                    ": malformed YAML: a token no node can begin with");
  }
  EXPECT_EQ(load_bounded_yaml("---\n---\nk: v\n...\n", "t.yaml").size(), 2U);
  EXPECT_EQ(load_bounded_yaml("x ,\n", "t.yaml").front().as<std::string>(), "x ,");
}

TEST(JsonText, ReadsTextAndRefusesEveryOtherType) {
  const nlohmann::json object = nlohmann::json::parse(R"({"s":"x","n":null,"i":1,"a":[],"o":{}})");
  EXPECT_EQ(json_text(object, "s", "f"), "x");
  EXPECT_EQ(json_text(object, "n", "f"), "");
  EXPECT_EQ(json_text(object, "absent", "f"), "");
  EXPECT_EQ(json_text(nlohmann::json::array({"s"}), "s", "f"), "");
  for (const char* key : {"i", "a", "o"}) {
    EXPECT_ZB_ERROR((void)json_text(object, key, "f.json"),
                    ErrorKind::input,
                    str_cat("f.json: ", key, " is not a string"));
  }
}

TEST(UntrustedText, FindsControlCharactersAndQuotesThem) {
  EXPECT_FALSE(has_control_character("quay.io/a b"));
  EXPECT_TRUE(has_control_character("a\r\nb"));
  EXPECT_TRUE(has_control_character(std::string("a\0b", 3)));
  EXPECT_TRUE(has_control_character("a\x7f"));
  EXPECT_FALSE(has_control_character("line\n\tline", "\n\t"));
  EXPECT_EQ(printable("evil\r\nX: y"), "evil\\x0d\\x0aX: y");
  EXPECT_EQ(printable(std::string(300, 'a')), std::string(200, 'a') + "...");
}

} // namespace
} // namespace zbundle::util
