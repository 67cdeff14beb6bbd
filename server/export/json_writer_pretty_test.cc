// JsonWriter's indent option and the corners of its rewriting of RapidJSON's
// escapes; the base contract is pinned by json_writer_test.cc.
#include <string>

#include "gtest/gtest.h"
#include "server/export/json_writer.h"

namespace cov::server::exporter {
namespace {

TEST(JsonWriterPrettyTest, IndentsMembersAndKeepsEmptyContainersShort) {
  std::string out;
  JsonWriter w(&out, /*indent=*/2);
  w.BeginObject();
  w.KeyString("a", "<b>");
  w.Key("list");
  w.BeginArray();
  w.Int(1);
  w.BeginObject();
  w.EndObject();
  w.BeginArray();
  w.EndArray();
  w.EndArray();
  w.KeyDouble("d", 3);
  w.EndObject();
  EXPECT_EQ(out,
            "{\n"
            "  \"a\": \"\\u003cb\\u003e\",\n"
            "  \"list\": [\n"
            "    1,\n"
            "    {},\n"
            "    []\n"
            "  ],\n"
            "  \"d\": 3\n"
            "}");
}

TEST(JsonWriterPrettyTest, ZeroIndentIsCompact) {
  std::string out;
  JsonWriter w(&out, 0);
  w.BeginArray();
  w.Bool(true);
  w.Null();
  w.EndArray();
  EXPECT_EQ(out, "[true,null]");
}

TEST(JsonWriterEscapeTest, EscapesInKeysAndAroundMultibyteSequences) {
  std::string out;
  JsonWriter w(&out);
  w.BeginObject();
  // A lone lead byte right before U+2028; a U+FFFD already in the input; a
  // three-byte character sharing U+2028's first two bytes (U+2020).
  w.KeyString("k&\x01", "\xE2\xE2\x80\xA8|\xEF\xBF\xBD|\xE2\x80\xA0");
  w.EndObject();
  EXPECT_EQ(out,
            "{\"k\\u0026\\u0001\":\"\\ufffd\\u2028|\\ufffd|\xE2\x80\xA0\"}");
}

TEST(JsonWriterEscapeTest, BackslashBeforeUStaysAsWritten) {
  // RapidJSON writes `\\` for a backslash: the `u` after it is text, and
  // the digits after that keep their case.
  std::string out;
  AppendJsonString("\\uABCD", &out);
  EXPECT_EQ(out, R"("\\uABCD")");
}

}  // namespace
}  // namespace cov::server::exporter
