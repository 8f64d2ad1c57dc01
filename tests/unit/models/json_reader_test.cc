#include <gtest/gtest.h>

#include "models/json_input/json_reader.h"
#include "models/json_input/suggest.h"

namespace fabricplan {
namespace {

InputError capture(const std::function<void()>& f) {
  try {
    f();
  } catch (const InputError& e) {
    return e;
  }
  ADD_FAILURE() << "no InputError thrown";
  return InputError("", "", "", "");
}

TEST(JsonReader, UnknownKeyNamesPointerAndSuggests) {
  auto doc = JsonDocument::parse(R"({"a": {"requests_per_sec": 3}})", "spec.json");
  InputError e = capture([&] { doc.root().at("a").expect_object({"requests_per_s", "name"}); });
  EXPECT_EQ(e.file(), "spec.json");
  EXPECT_EQ(e.pointer(), "/a/requests_per_sec");
  EXPECT_NE(e.expected().find("did you mean \"requests_per_s\""), std::string::npos);
}

TEST(JsonReader, WrongTypeSaysExpectedAndFound) {
  auto doc = JsonDocument::parse(R"({"xs": [1, "two"]})", "f.json");
  InputError e = capture([&] { doc.root().at("xs").at(1).positive(); });
  EXPECT_EQ(e.pointer(), "/xs/1");
  EXPECT_EQ(e.expected(), "a number > 0");
  EXPECT_EQ(e.found(), "\"two\"");
}

TEST(JsonReader, RangeChecks) {
  auto doc = JsonDocument::parse(R"({"r": -1, "z": 0, "i": 2.5})", "f.json");
  EXPECT_EQ(capture([&] { doc.root().at("r").positive(); }).found(), "-1");
  EXPECT_EQ(capture([&] { doc.root().at("z").positive(); }).found(), "0");
  EXPECT_NO_THROW(doc.root().at("z").non_negative());
  EXPECT_EQ(capture([&] { doc.root().at("i").integer(0, 10); }).pointer(), "/i");
}

TEST(JsonReader, MissingRequiredKey) {
  auto doc = JsonDocument::parse(R"({})", "f.json");
  InputError e = capture([&] { doc.root().at("name"); });
  EXPECT_EQ(e.pointer(), "/name");
  EXPECT_EQ(e.found(), "nothing");
}

TEST(JsonReader, SyntaxErrorGivesLineAndColumn) {
  InputError e = capture([] { JsonDocument::parse("{\n  \"a\": ,\n}", "bad.json"); });
  EXPECT_NE(e.found().find("line 2"), std::string::npos) << e.what();
}

TEST(JsonReader, PointerEscapesSlashAndTilde) {
  EXPECT_EQ(json_pointer_escape("a/b~c"), "a~1b~0c");
}

TEST(Suggest, EditDistanceAndClosest) {
  EXPECT_EQ(edit_distance("kitten", "sitting"), 3u);
  EXPECT_EQ(closest_match("p5.48xlarg", {"p4d.24xlarge", "p5.48xlarge"}), "p5.48xlarge");
  EXPECT_EQ(closest_match("zzzzzz", {"plan", "catalog"}), "");
}

}  // namespace
}  // namespace fabricplan
