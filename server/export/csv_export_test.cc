#include "server/export/csv_export.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/export/sample_coverage.h"

namespace cov::server::exporter {
namespace {

using ::testing::ElementsAre;

using Record = std::vector<std::string>;

// A strict RFC 4180 reader: CRLF record ends, quoted fields with "" escapes.
// Fails the test on anything else (bare CR/LF outside quotes, stray quotes).
std::vector<Record> ReadCsv(absl::string_view text) {
  std::vector<Record> records;
  Record record;
  std::string field;
  size_t i = 0;
  while (i < text.size()) {
    if (text[i] == '"') {
      ++i;
      for (;;) {
        if (i >= text.size()) {
          ADD_FAILURE() << "unterminated quoted field";
          return records;
        }
        if (text[i] == '"') {
          if (i + 1 < text.size() && text[i + 1] == '"') {
            field.push_back('"');
            i += 2;
            continue;
          }
          ++i;
          break;
        }
        field.push_back(text[i++]);
      }
    } else {
      while (i < text.size() && text[i] != ',' && text[i] != '\r') {
        EXPECT_NE(text[i], '"') << "quote in unquoted field at " << i;
        EXPECT_NE(text[i], '\n') << "bare LF at " << i;
        field.push_back(text[i++]);
      }
    }
    record.push_back(field);
    field.clear();
    if (i < text.size() && text[i] == ',') {
      ++i;
      continue;
    }
    if (text.substr(i, 2) != "\r\n") {
      ADD_FAILURE() << "expected CRLF at " << i;
      return records;
    }
    i += 2;
    records.push_back(record);
    record.clear();
  }
  return records;
}

TEST(AppendCsvFieldTest, QuotesOnlyWhenNeeded) {
  const auto field = [](absl::string_view s) {
    std::string out;
    AppendCsvField(s, &out);
    return out;
  };
  EXPECT_EQ(field("plain text;x"), "plain text;x");
  EXPECT_EQ(field(""), "");
  EXPECT_EQ(field("a,b"), "\"a,b\"");
  EXPECT_EQ(field("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(field("l1\nl2"), "\"l1\nl2\"");
  EXPECT_EQ(field("cr\r"), "\"cr\r\"");
}

TEST(CoverageCsvTest, OneRecordPerTechniqueAndTactic) {
  const std::string csv = CoverageCsv(SampleCoverage());
  const std::vector<Record> records = ReadCsv(csv);
  ASSERT_EQ(records.size(), 1 + 15);
  EXPECT_EQ(absl::StrJoin(records[0], ","), kCoverageCsvHeader);
  EXPECT_THAT(
      records[1],
      ElementsAre("T1078", "Valid Accounts", "initial-access", "true", "false",
                  "true", "0", "",
                  "Logon Session Creation;User Account Authentication", ""));
  // T1078 x3, T1078.001 x3, T1078.002 x3, T1195 x1, then T1197.
  EXPECT_THAT(records[11],
              ElementsAre("T1197", "BITS Jobs", "persistence", "true", "true",
                          "false", "2",
                          "5b1f3e2a-0000-4000-8000-000000000002;"
                          "emerging:2027000",
                          "Command Execution;Process Creation", "validated"));
  EXPECT_EQ(records[12][2], "defense-evasion");
  EXPECT_THAT(records[10], ElementsAre("T1195", "Supply Chain Compromise",
                                       "initial-access", "false", "false",
                                       "false", "0", "", "File Metadata", ""));
  EXPECT_EQ(records[13][0], "T1542");
  EXPECT_EQ(records[13][3], "false");  // outside the reach, 5 rules
  EXPECT_EQ(records[13][4], "true");
  EXPECT_EQ(records[15][0], "T1566");
  // Every record has the header's width.
  for (const Record& r : records) EXPECT_EQ(r.size(), 10);
  // Exact bytes of one simple record, CRLF-terminated.
  EXPECT_NE(csv.find("\r\nT1566,Phishing,initial-access,true,false,false,0,,"
                     "Network Traffic Content,\r\n"),
            std::string::npos);
}

TEST(CoverageCsvTest, QuotedFieldsRoundTrip) {
  cov::v1::CoverageResponse c = SampleCoverage();
  const std::string tricky = "Phishing, \"spear\"\r\nsecond line";
  c.mutable_techniques(6)->set_name(tricky);
  c.mutable_techniques(6)->add_data_components("A,B");
  c.mutable_techniques(6)->clear_tactics();  // one record, empty tactic
  const std::vector<Record> records = ReadCsv(CoverageCsv(c));
  ASSERT_EQ(records.size(), 1 + 15);
  EXPECT_THAT(records.back(),
              ElementsAre("T1566", tricky, "", "true", "false", "false", "0",
                          "", "Network Traffic Content;A,B", ""));
}

TEST(GapsCsvTest, RankedRecords) {
  cov::v1::GapsResponse gaps = SampleGaps();
  gaps.mutable_gaps(1)->set_name("Phishing \"x\", y");
  const std::string csv = GapsCsv(gaps);
  EXPECT_EQ(csv,
            absl::StrCat(kGapsCsvHeader, "\r\n",
                         "1,T1078.002,Domain Accounts,30.5,"
                         "initial-access;persistence;defense-evasion,"
                         "Logon Session Creation\r\n",
                         "2,T1566,\"Phishing \"\"x\"\", y\",12,initial-access,"
                         "Network Traffic Content;Application Log Content"
                         "\r\n"));
  EXPECT_THAT(
      ReadCsv(csv)[2],
      ElementsAre("2", "T1566", "Phishing \"x\", y", "12", "initial-access",
                  "Network Traffic Content;Application Log Content"));
}

TEST(GapsCsvTest, EmptyIsHeaderOnly) {
  EXPECT_EQ(GapsCsv({}), absl::StrCat(kGapsCsvHeader, "\r\n"));
}

}  // namespace
}  // namespace cov::server::exporter
