#include "server/export/json_writer.h"

#include <cmath>
#include <limits>
#include <string>

#include "gmock/gmock.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"

namespace cov::server::exporter {
namespace {

std::string Quoted(absl::string_view s) {
  std::string out;
  AppendJsonString(s, &out);
  return out;
}

std::string Number(double v) {
  std::string out;
  AppendJsonNumber(v, &out);
  return out;
}

TEST(AppendJsonStringTest, EscapesQuotesBackslashesAndControls) {
  EXPECT_EQ(Quoted("plain"), "\"plain\"");
  EXPECT_EQ(Quoted("a\"b\\c"), R"("a\"b\\c")");
  EXPECT_EQ(Quoted("l1\nl2\r\t\b\f"), R"("l1\nl2\r\t\b\f")");
  EXPECT_EQ(Quoted(absl::string_view("\x01\x1f\x7f\0", 4)),
            R"("\u0001\u001f\u007f\u0000")");
}

TEST(AppendJsonStringTest, EscapesHtmlSpecialsForScriptEmbedding) {
  EXPECT_EQ(Quoted("</script><!-- & >"),
            R"("\u003c/script\u003e\u003c!-- \u0026 \u003e")");
}

TEST(AppendJsonStringTest, KeepsValidUtf8AndReplacesInvalidBytes) {
  EXPECT_EQ(Quoted("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80"),
            "\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\"");
  EXPECT_EQ(Quoted("a\xff"
                   "b"),
            R"("a\ufffdb")");
  EXPECT_EQ(Quoted("\xc3"), R"("\ufffd")");                      // truncated
  EXPECT_EQ(Quoted("\xc0\xaf"), R"("\ufffd\ufffd")");            // overlong '/'
  EXPECT_EQ(Quoted("\xed\xa0\x80"), R"("\ufffd\ufffd\ufffd")");  // surrogate
  EXPECT_EQ(Quoted("x\xe2\x80\xa8y\xe2\x80\xa9"), R"("x\u2028y\u2029")");
}

TEST(AppendJsonNumberTest, ShortestRoundTripAndNullForNonFinite) {
  EXPECT_EQ(Number(3), "3");
  EXPECT_EQ(Number(30.5), "30.5");
  EXPECT_EQ(Number(0.1), "0.1");
  EXPECT_EQ(Number(-2), "-2");
  EXPECT_EQ(Number(1e22), "1e+22");
  EXPECT_EQ(Number(std::numeric_limits<double>::quiet_NaN()), "null");
  EXPECT_EQ(Number(std::numeric_limits<double>::infinity()), "null");
}

TEST(JsonWriterTest, NestsWithCommasAndParsesBack) {
  std::string out;
  JsonWriter w(&out);
  w.BeginObject();
  w.KeyString("name", "x<y \"q\"");
  w.Key("list");
  w.BeginArray();
  w.Int(1);
  w.Double(2.5);
  w.Bool(false);
  w.Null();
  w.BeginObject();
  w.EndObject();
  w.BeginArray();
  w.EndArray();
  w.EndArray();
  w.KeyInt("n", -7);
  w.KeyBool("ok", true);
  w.KeyDouble("d", 0.25);
  w.EndObject();
  EXPECT_EQ(out, R"({"name":"x\u003cy \"q\"","list":[1,2.5,false,null,{},[]],)"
                 R"("n":-7,"ok":true,"d":0.25})");

  google::protobuf::Struct parsed;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(out, &parsed).ok());
  EXPECT_EQ(parsed.fields().at("name").string_value(), "x<y \"q\"");
  EXPECT_EQ(parsed.fields().at("list").list_value().values_size(), 6);
  EXPECT_EQ(parsed.fields().at("n").number_value(), -7);
}

TEST(JsonWriterTest, AppendsToExistingContent) {
  std::string out = "prefix=";
  JsonWriter w(&out);
  w.BeginArray();
  w.String("a");
  w.String("b");
  w.EndArray();
  EXPECT_EQ(out, R"(prefix=["a","b"])");
}

}  // namespace
}  // namespace cov::server::exporter
