#include "ingest/alerts/jsonl.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace cov::ingest::alerts {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::vector<std::string> Diags(const AlertStats& s) {
  std::vector<std::string> out;
  for (const auto& d : s.diagnostics) {
    out.push_back(absl::StrCat(d.code(), "@", d.line()));
  }
  return out;
}

// rule_id@timestamp per alert ("-" without timestamp).
std::vector<std::string> Alerts(const JsonlFile& f) {
  std::vector<std::string> out;
  for (const RuleAlert& a : f.alerts) {
    out.push_back(
        absl::StrCat(a.rule_id, "@",
                     a.has_timestamp ? absl::StrCat(a.timestamp_micros) : "-"));
  }
  return out;
}

TEST(ParseAlertJsonlLineTest, RuleIdKeys) {
  struct Case {
    const char* line;
    const char* rule_id;
  } cases[] = {
      {R"({"rule_id":"5f1abf38-3bd0-4a4c-b7f5-1e0e7b1c4f1f"})",
       "5f1abf38-3bd0-4a4c-b7f5-1e0e7b1c4f1f"},
      {R"({"ruleId":"r-1"})", "r-1"},
      {R"({"sigma_id":"s-2"})", "s-2"},
      {R"({"rule.id":"dotted"})", "dotted"},
      {R"({"rule":{"id":"nested","name":"x"}})", "nested"},
      {R"({"signature_id":9000001})", "9000001"},
      {R"({"signature_id":18446744073709551615})", "18446744073709551615"},
      {R"({"rule_id":-3})", "-3"},
      // Order of preference: rule_id before signature_id, an empty
      // string or a non-ID value falls through to the next key.
      {R"({"signature_id":1,"rule_id":"first"})", "first"},
      {R"({"rule_id":"","ruleId":"second"})", "second"},
      {R"({"rule_id":1.5,"sigma_id":"third"})", "third"},
      {R"({"rule":"flat","signature_id":4})", "4"},
  };
  for (const Case& c : cases) {
    RuleAlert a;
    std::string error;
    ASSERT_EQ(ParseAlertJsonlLine(c.line, &a, &error), LineKind::kAlert)
        << c.line << ": " << error;
    EXPECT_EQ(a.rule_id, c.rule_id) << c.line;
    EXPECT_FALSE(a.has_timestamp);
  }
}

TEST(ParseAlertJsonlLineTest, TimestampVariants) {
  struct Case {
    const char* line;
    int64_t micros;
  } cases[] = {
      {R"({"rule_id":"a","timestamp":"2024-04-21T10:00:00Z"})",
       1713693600000000},
      {R"({"rule_id":"a","@timestamp":"2024-04-21T10:00:00.250+00:00"})",
       1713693600250000},
      {R"({"rule_id":"a","time":"2024-04-21T12:00:00+02:00"})",
       1713693600000000},
      {R"({"rule_id":"a","timestamp":"2024-04-21T10:00:00.123456+0000"})",
       1713693600123456},
      {R"({"rule_id":"a","timestamp":1713693600})", 1713693600000000},
      {R"({"rule_id":"a","timestamp":1713693600.5})", 1713693600500000},
      {R"({"rule_id":"a","time":"1713693600.25"})", 1713693600250000},
      // timestamp wins over @timestamp and time.
      {R"({"rule_id":"a","time":1,"@timestamp":2,"timestamp":3})", 3000000},
  };
  for (const Case& c : cases) {
    RuleAlert a;
    std::string error;
    ASSERT_EQ(ParseAlertJsonlLine(c.line, &a, &error), LineKind::kAlert)
        << c.line;
    EXPECT_TRUE(a.has_timestamp) << c.line << ": " << error;
    EXPECT_EQ(a.timestamp_micros, c.micros) << c.line;
  }
}

TEST(ParseAlertJsonlLineTest, BadTimestampsKeepAlert) {
  for (const char* line : {
           R"({"rule_id":"a","timestamp":"yesterday"})",
           R"({"rule_id":"a","timestamp":"2024-02-30T00:00:00Z"})",
           R"({"rule_id":"a","timestamp":true})",
           R"({"rule_id":"a","timestamp":1e20})",
           R"({"rule_id":"a"})",
       }) {
    RuleAlert a;
    std::string error;
    EXPECT_EQ(ParseAlertJsonlLine(line, &a, &error), LineKind::kAlert) << line;
    EXPECT_FALSE(a.has_timestamp) << line;
    EXPECT_FALSE(error.empty()) << line;
  }
}

TEST(ParseAlertJsonlLineTest, NotAlerts) {
  RuleAlert a;
  std::string error;
  EXPECT_EQ(ParseAlertJsonlLine(R"({"msg":"hello"})", &a, &error),
            LineKind::kSkipped);
  EXPECT_THAT(error, HasSubstr("no rule ID"));
  EXPECT_EQ(ParseAlertJsonlLine(R"({"rule_id":null})", &a, &error),
            LineKind::kSkipped);
  EXPECT_EQ(ParseAlertJsonlLine(R"({"rule_id":"x",})", &a, &error),
            LineKind::kMalformed);
  EXPECT_EQ(ParseAlertJsonlLine(R"("rule_id")", &a, &error),
            LineKind::kMalformed);
  EXPECT_EQ(ParseAlertJsonlLine(" ", &a, &error), LineKind::kBlank);
  EXPECT_EQ(ParseAlertJsonlLine("\xff\xfe{}", &a, &error),
            LineKind::kMalformed);
}

TEST(ParseAlertJsonlTest, File) {
  const std::string content = absl::StrCat(
      R"({"rule_id":"r1","timestamp":"2024-04-21T10:00:00Z"})", "\n",  // 1
      R"({"note":"no id"})", "\n",                                     // 2
      "{broken\n",                                                     // 3
      "\r\n",                                                          // 4
      R"({"rule":{"id":"r2"},"@timestamp":1713693601})", "\r\n",       // 5
      R"({"ruleId":"r3","time":"bad"})");                              // 6
  JsonlFile f = ParseAlertJsonl(content, "alerts.jsonl");
  EXPECT_EQ(f.stats.lines, 6);
  EXPECT_EQ(f.stats.alerts, 3);
  EXPECT_EQ(f.stats.skipped, 1);
  EXPECT_EQ(f.stats.malformed, 1);
  EXPECT_EQ(f.stats.blank, 1);
  EXPECT_EQ(f.stats.without_timestamp, 1);
  EXPECT_THAT(Alerts(f), ElementsAre("r1@1713693600000000",
                                     "r2@1713693601000000", "r3@-"));
  EXPECT_EQ(f.alerts[2].line, 6);
  EXPECT_THAT(Diags(f.stats),
              ElementsAre("alerts-missing-rule-id@2", "alerts-invalid-json@3",
                          "alerts-bad-timestamp@6"));
  EXPECT_EQ(f.stats.diagnostics[0].file(), "alerts.jsonl");
  EXPECT_EQ(f.stats.diagnostics[0].severity(), cov::v1::SEVERITY_WARNING);
  EXPECT_EQ(f.stats.diagnostics[1].severity(), cov::v1::SEVERITY_ERROR);
}

TEST(JsonlReaderTest, StreamsAcrossChunks) {
  const std::string content =
      "{\"rule_id\":\"a\",\"time\":1}\n{\"rule_id\":\"b\",\"time\":2}\n";
  std::vector<std::string> ids;
  JsonlReader reader("x", [&](RuleAlert&& a) { ids.push_back(a.rule_id); });
  for (char c : content) reader.Feed(absl::string_view(&c, 1));
  reader.Finish();
  EXPECT_THAT(ids, ElementsAre("a", "b"));
  EXPECT_EQ(reader.stats().lines, 2);
  EXPECT_EQ(reader.stats().alerts, 2);
}

}  // namespace
}  // namespace cov::ingest::alerts
