#include "ingest/alerts/eve.h"

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "ingest/base/diagnostics.h"

namespace cov::ingest::alerts {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Pair;

// "code@line" per diagnostic.
std::vector<std::string> Diags(const AlertStats& s) {
  std::vector<std::string> out;
  for (const auto& d : s.diagnostics) {
    out.push_back(absl::StrCat(d.code(), "@", d.line()));
  }
  return out;
}

constexpr char kAlert[] =
    R"({"timestamp":"2024-04-21T10:00:00.123456+0000","flow_id":1,)"
    R"("event_type":"alert","src_ip":"10.0.0.5","src_port":49812,)"
    R"("dest_ip":"192.0.2.80","dest_port":80,"proto":"TCP",)"
    R"("alert":{"action":"allowed","gid":1,"signature_id":2027390,"rev":3,)"
    R"("signature":"ET POLICY Example","category":"x","severity":2},)"
    R"("http":{"hostname":"h.example.test","url":"/a?b=1",)"
    R"("http_user_agent":"curl/8.0","http_method":"GET"}})";

TEST(ParseEveLineTest, AlertFields) {
  EveAlert a;
  std::string error;
  ASSERT_EQ(ParseEveLine(kAlert, &a, &error), LineKind::kAlert) << error;
  EXPECT_EQ(error, "");
  EXPECT_TRUE(a.has_timestamp);
  EXPECT_EQ(a.timestamp_micros, 1713693600123456);
  EXPECT_EQ(a.signature_id, 2027390);
  EXPECT_EQ(a.gid, 1);
  EXPECT_EQ(a.rev, 3);
  EXPECT_EQ(a.signature, "ET POLICY Example");
  EXPECT_EQ(a.src_ip, "10.0.0.5");
  EXPECT_EQ(a.src_port, 49812);
  EXPECT_EQ(a.dest_ip, "192.0.2.80");
  EXPECT_EQ(a.dest_port, 80);
  EXPECT_EQ(a.proto, "TCP");
  EXPECT_EQ(a.http_user_agent, "curl/8.0");
  EXPECT_EQ(a.http_hostname, "h.example.test");
  EXPECT_EQ(a.http_url, "/a?b=1");
  EXPECT_EQ(a.line, 0);
}

TEST(ParseEveLineTest, MinimalAlertDefaults) {
  EveAlert a;
  std::string error;
  ASSERT_EQ(ParseEveLine(R"({"event_type":"alert","alert":{"signature_id":7},)"
                         R"("timestamp":"2024-04-21T10:00:00Z"})",
                         &a, &error),
            LineKind::kAlert);
  EXPECT_EQ(a.signature_id, 7);
  EXPECT_EQ(a.gid, 1);
  EXPECT_EQ(a.rev, 0);
  EXPECT_EQ(a.signature, "");
  EXPECT_EQ(a.dest_port, 0);
  EXPECT_EQ(a.http_url, "");
  EXPECT_EQ(a.timestamp_micros, 1713693600000000);
}

TEST(ParseEveLineTest, OtherKinds) {
  EveAlert a;
  a.signature_id = 99;  // untouched unless kAlert
  std::string error;
  EXPECT_EQ(ParseEveLine(R"({"event_type":"flow","flow":{}})", &a, &error),
            LineKind::kSkipped);
  EXPECT_EQ(ParseEveLine("   \t", &a, &error), LineKind::kBlank);
  EXPECT_EQ(ParseEveLine("", &a, &error), LineKind::kBlank);
  EXPECT_EQ(ParseEveLine(R"({"event_type":"alert",)", &a, &error),
            LineKind::kMalformed);
  EXPECT_THAT(error, HasSubstr("invalid JSON"));
  EXPECT_EQ(ParseEveLine("[1,2]", &a, &error), LineKind::kMalformed);
  EXPECT_EQ(error, "JSON value is not an object");
  EXPECT_EQ(ParseEveLine(R"({"timestamp":"x"})", &a, &error),
            LineKind::kMalformed);
  EXPECT_THAT(error, HasSubstr("event_type"));
  EXPECT_EQ(
      ParseEveLine(R"({"event_type":"alert","alert":{"gid":1}})", &a, &error),
      LineKind::kMalformed);
  EXPECT_THAT(error, HasSubstr("signature_id"));
  EXPECT_EQ(
      ParseEveLine(R"({"event_type":"alert","alert":{"signature_id":"123"}})",
                   &a, &error),
      LineKind::kMalformed);
  EXPECT_EQ(a.signature_id, 99);
}

TEST(ParseEveLineTest, BadTimestampKeepsAlert) {
  EveAlert a;
  std::string error;
  EXPECT_EQ(ParseEveLine(R"({"event_type":"alert","alert":{"signature_id":1},)"
                         R"("timestamp":"2024-13-01T00:00:00Z"})",
                         &a, &error),
            LineKind::kAlert);
  EXPECT_FALSE(a.has_timestamp);
  EXPECT_THAT(error, HasSubstr("month out of range"));
  EXPECT_EQ(ParseEveLine(R"({"event_type":"alert","alert":{"signature_id":1}})",
                         &a, &error),
            LineKind::kAlert);
  EXPECT_FALSE(a.has_timestamp);
  EXPECT_THAT(error, HasSubstr("timestamp"));
}

TEST(ParseEveTest, CountsAndDiagnostics) {
  const std::string content = absl::StrCat(
      "\xEF\xBB\xBF", kAlert, "\r\n",            // 1: BOM, CRLF
      R"({"event_type":"dns","dns":{}})", "\n",  // 2
      "\n",                                      // 3: blank
      "not json\n",                              // 4
      R"({"event_type":"flow"})", "\n",          // 5
      R"({"event_type":"alert","alert":{"signature_id":5}})", "\n",  // 6
      "42\n",                                                        // 7
      R"({"event_type":"alert","alert":{}})", "\n",                  // 8
      R"({"event_type":"alert","timestamp":"2024-04-21T10:00:05Z",)"
      R"("alert":{"signature_id":6,"gid":3}})");  // 9: no '\n'
  EveFile f = ParseEve(content, "eve.json");
  EXPECT_EQ(f.stats.lines, 9);
  EXPECT_EQ(f.stats.blank, 1);
  EXPECT_EQ(f.stats.alerts, 3);
  EXPECT_EQ(f.stats.skipped, 2);
  EXPECT_EQ(f.stats.malformed, 3);
  EXPECT_EQ(f.stats.without_timestamp, 1);
  EXPECT_THAT(f.stats.skipped_event_types,
              ElementsAre(Pair("dns", 1), Pair("flow", 1)));
  EXPECT_THAT(
      Diags(f.stats),
      ElementsAre("alerts-invalid-json@4", "alerts-bad-timestamp@6",
                  "alerts-not-an-object@7", "alerts-missing-signature-id@8"));
  EXPECT_EQ(f.stats.diagnostics[0].file(), "eve.json");
  EXPECT_EQ(f.stats.diagnostics[0].severity(), cov::v1::SEVERITY_ERROR);
  EXPECT_EQ(f.stats.diagnostics[1].severity(), cov::v1::SEVERITY_WARNING);
  ASSERT_EQ(f.alerts.size(), 3u);
  EXPECT_EQ(f.alerts[0].line, 1);
  EXPECT_EQ(f.alerts[0].signature_id, 2027390);
  EXPECT_EQ(f.alerts[1].line, 6);
  EXPECT_FALSE(f.alerts[1].has_timestamp);
  EXPECT_EQ(f.alerts[2].line, 9);
  EXPECT_EQ(f.alerts[2].gid, 3);
  EXPECT_EQ(f.alerts[2].timestamp_micros, 1713693605000000);
}

TEST(ParseEveTest, DiagnosticsCappedCountsExact) {
  std::string content;
  for (int i = 0; i < 250; ++i) content += "{bad\n";
  content += std::string(kAlert) + "\n";
  AlertReaderOptions options;
  options.max_diagnostics = 10;
  EveFile f = ParseEve(content, "x", options);
  EXPECT_EQ(f.stats.malformed, 250);
  EXPECT_EQ(f.stats.diagnostics.size(), 10u);
  EXPECT_EQ(f.stats.diagnostics_dropped, 240);
  EXPECT_EQ(f.stats.diagnostics[9].line(), 10);
  ASSERT_EQ(f.alerts.size(), 1u);
  EXPECT_EQ(f.alerts[0].line, 251);
}

TEST(ParseEveTest, OverlongLinesAreMalformedAndNotBuffered) {
  AlertReaderOptions options;
  options.max_line_bytes = 64;
  const std::string longline =
      R"({"event_type":"flow","pad":")" + std::string(200, 'a') + "\"}";
  // Whole in one chunk, and cut across chunks.
  EveReader reader(
      "x", [](EveAlert&&) {}, options);
  reader.Feed(longline + "\n" + R"({"event_type":"dns"})" + "\n" +
              longline.substr(0, 50));
  reader.Feed(longline.substr(50, 100));
  reader.Feed(longline.substr(150) + "\n");
  reader.Feed(longline);  // last line, no newline
  reader.Finish();
  const AlertStats& s = reader.stats();
  EXPECT_EQ(s.lines, 4);
  EXPECT_EQ(s.skipped, 1);
  EXPECT_EQ(s.malformed, 3);
  EXPECT_THAT(Diags(s),
              ElementsAre("alerts-line-too-long@1", "alerts-line-too-long@3",
                          "alerts-line-too-long@4"));
}

TEST(EveReaderTest, AnyChunkingGivesTheSameResult) {
  const std::string content =
      absl::StrCat(kAlert, "\n", R"({"event_type":"flow"})", "\r\n", "oops\n",
                   "\n", R"({"event_type":"alert","alert":{"signature_id":9},)",
                   R"("timestamp":"2024-04-21T10:00:00.5+0000"})");
  const EveFile whole = ParseEve(content, "x");
  ASSERT_EQ(whole.alerts.size(), 2u);
  for (size_t chunk = 1; chunk <= content.size(); ++chunk) {
    std::vector<EveAlert> alerts;
    EveReader reader("x", [&](EveAlert&& a) { alerts.push_back(a); });
    for (size_t i = 0; i < content.size(); i += chunk) {
      reader.Feed(absl::string_view(content).substr(i, chunk));
    }
    reader.Finish();
    ASSERT_EQ(alerts.size(), 2u) << chunk;
    EXPECT_EQ(alerts[0].signature_id, 2027390) << chunk;
    EXPECT_EQ(alerts[1].line, 5) << chunk;
    EXPECT_EQ(alerts[1].timestamp_micros, 1713693600500000) << chunk;
    EXPECT_EQ(reader.stats().lines, 5) << chunk;
    EXPECT_EQ(reader.stats().malformed, 1) << chunk;
    EXPECT_EQ(reader.stats().blank, 1) << chunk;
    EXPECT_EQ(reader.stats().skipped, 1) << chunk;
  }
}

TEST(EveReaderTest, EventTypeMapIsBounded) {
  std::string content;
  for (int i = 0; i < 100; ++i) {
    absl::StrAppend(&content, R"({"event_type":"t)", i, "\"}\n");
  }
  EveFile f = ParseEve(content, "x");
  EXPECT_EQ(f.stats.skipped, 100);
  EXPECT_EQ(f.stats.skipped_event_types.size(), 65u);
  EXPECT_EQ(f.stats.skipped_event_types.at("(other)"), 36);
}

TEST(EveReaderTest, EmptyInput) {
  EveFile f = ParseEve("", "x");
  EXPECT_EQ(f.stats.lines, 0);
  EXPECT_THAT(f.alerts, IsEmpty());
  EXPECT_THAT(f.stats.diagnostics, IsEmpty());
}

// The hand-written BITS example (testdata/bits_eve.json): Suricata EVE of a
// BITS download from files.example.test, with DNS, HTTP, fileinfo and flow
// records and one line cut short.
TEST(BitsEveFileTest, OneAlertForSid9000001) {
  std::ifstream in("ingest/alerts/testdata/bits_eve.json", std::ios::binary);
  ASSERT_TRUE(in) << "missing testdata/bits_eve.json";
  std::stringstream ss;
  ss << in.rdbuf();
  const EveFile f = ParseEve(ss.str(), "bits_eve.json");
  EXPECT_EQ(f.stats.lines, 9);
  EXPECT_EQ(f.stats.alerts, 1);
  EXPECT_EQ(f.stats.skipped, 7);
  EXPECT_EQ(f.stats.malformed, 1);
  EXPECT_EQ(f.stats.blank, 0);
  EXPECT_THAT(f.stats.skipped_event_types,
              ElementsAre(Pair("dns", 2), Pair("fileinfo", 1), Pair("flow", 2),
                          Pair("http", 2)));
  EXPECT_THAT(Diags(f.stats), ElementsAre("alerts-invalid-json@7"));
  ASSERT_EQ(f.alerts.size(), 1u);
  const EveAlert& a = f.alerts[0];
  EXPECT_EQ(a.line, 4);
  EXPECT_EQ(a.signature_id, 9000001);
  EXPECT_EQ(a.gid, 1);
  EXPECT_EQ(a.rev, 1);
  EXPECT_EQ(a.signature,
            "COV BITS file transfer: Microsoft BITS User-Agent to "
            "non-Windows-Update host");
  EXPECT_EQ(a.http_user_agent, "Microsoft BITS/7.8");
  EXPECT_EQ(a.http_hostname, "files.example.test");
  EXPECT_EQ(a.http_url, "/payload.exe");
  EXPECT_EQ(a.src_ip, "10.20.30.40");
  EXPECT_EQ(a.dest_ip, "192.0.2.80");
  EXPECT_EQ(a.dest_port, 80);
  EXPECT_TRUE(a.has_timestamp);
  EXPECT_EQ(a.timestamp_micros, 1713693601523456);  // 10:00:01.523456Z
}

}  // namespace
}  // namespace cov::ingest::alerts
