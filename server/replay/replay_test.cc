#include "server/replay/replay.h"

#include <archive.h>
#include <archive_entry.h>

#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "ingest/sigma/sigma_parser.h"
#include "server/engine/sigma_eval/rule_set.h"
#include "tests/corpus.h"

namespace cov::server::replay {
namespace {

using ::testing::HasSubstr;

constexpr char kZip[] =
    "logs/security-datasets/datasets/atomic/windows/defense_evasion/host/"
    "cmd_bitsadmin_download_psh_script.zip";

// Two rules: bitsadmin started (Sysmon 1 or Security 4688 through the
// logsource table's renames) and one that never matches.
constexpr char kRules[] = R"(title: Bitsadmin Started
id: 2a6a5a4b-1d7c-4a34-8f35-1a2b3c4d5e6f
status: test
logsource:
  product: windows
  category: process_creation
detection:
  selection:
    Image|endswith: '\bitsadmin.exe'
  condition: selection
tags:
  - attack.t1197
level: medium
---
title: Never
id: 3b7b6b5c-2e8d-4b45-9f46-2b3c4d5e6f70
status: test
logsource:
  product: windows
  category: process_creation
detection:
  selection:
    Image|endswith: '\no-such-binary-cov.exe'
  condition: selection
tags:
  - attack.t1059.001
level: low
)";

std::vector<cov::v1::Rule> ParseRules() {
  ingest::sigma::SigmaParser parser;
  ingest::ParsedFile parsed = parser.Parse({"rules.yml", kRules, "test"});
  return parsed.rules;
}

// Independent count: lines of the zip's JSON member holding a Sysmon 1 with
// an Image, or a Security 4688 with a NewProcessName, ending in
// \bitsadmin.exe — a plain text filter, no JSON parser, no cov reader.
int64_t CountBitsadminLines(const std::string& zip) {
  archive* a = archive_read_new();
  archive_read_support_format_zip(a);
  archive_read_support_filter_all(a);
  EXPECT_EQ(archive_read_open_filename(a, zip.c_str(), 1 << 16), ARCHIVE_OK);
  int64_t count = 0;
  archive_entry* entry;
  while (archive_read_next_header(a, &entry) == ARCHIVE_OK) {
    std::string data;
    char buf[1 << 16];
    la_ssize_t n;
    while ((n = archive_read_data(a, buf, sizeof buf)) > 0) data.append(buf, n);
    size_t start = 0;
    while (start < data.size()) {
      size_t end = data.find('\n', start);
      if (end == std::string::npos) end = data.size();
      std::string line = absl::AsciiStrToLower(data.substr(start, end - start));
      start = end + 1;
      const bool sysmon1 =
          absl::StrContains(line, "\"eventid\":1,") &&
          absl::StrContains(line, "microsoft-windows-sysmon/operational") &&
          absl::StrContains(line, "\\\\bitsadmin.exe\",\"") &&
          absl::StrContains(line, "\"image\":\"");
      const bool sec4688 = absl::StrContains(line, "\"eventid\":4688,") &&
                           absl::StrContains(line, "\"newprocessname\":\"") &&
                           absl::StrContains(line, "\\\\bitsadmin.exe\"");
      if (sysmon1 || sec4688) ++count;
    }
  }
  archive_read_free(a);
  return count;
}

TEST(ReplayTest, CountsMatchesOnRecordedBitsadminDownload) {
  std::vector<cov::v1::Rule> rules = ParseRules();
  ASSERT_EQ(rules.size(), 2u);
  auto set = engine::sigma_eval::RuleSet::Compile(rules);
  ASSERT_EQ(set->size(), 2);
  absl::StatusOr<std::string> zip = cov::testing::CorpusPath(kZip);
  ASSERT_TRUE(zip.ok()) << zip.status();

  const int64_t expected = CountBitsadminLines(*zip);
  ASSERT_GT(expected, 0);

  ReplayConfig config;
  config.max_examples = 1;
  ReplayResult r = RunReplay(*set, {*zip}, {}, config);
  EXPECT_EQ(r.files, 1);
  EXPECT_GT(r.events, 400);
  const int bits = set->Find("2a6a5a4b-1d7c-4a34-8f35-1a2b3c4d5e6f");
  const int never = set->Find("3b7b6b5c-2e8d-4b45-9f46-2b3c4d5e6f70");
  ASSERT_GE(bits, 0);
  ASSERT_GE(never, 0);
  EXPECT_EQ(r.hits[bits].matches, expected);
  ASSERT_EQ(r.hits[bits].examples.size(), 1u);
  EXPECT_THAT(r.hits[bits].examples[0].where(),
              HasSubstr("cmd_bitsadmin_download_psh_script.zip!"));
  EXPECT_GT(r.hits[bits].examples[0].time_us(), 1600000000000000);
  EXPECT_EQ(r.hits[never].matches, 0);
}

TEST(ReplayTest, BlobsAndMissingPathsAreReadOrReported) {
  std::vector<cov::v1::Rule> rules = ParseRules();
  auto set = engine::sigma_eval::RuleSet::Compile(rules);
  const std::string lines =
      "{\"Channel\":\"Microsoft-Windows-Sysmon/Operational\",\"EventID\":1,"
      "\"Image\":\"C:\\\\Windows\\\\System32\\\\BITSADMIN.EXE\","
      "\"Hostname\":\"ws1\",\"@timestamp\":\"2020-10-23T02:36:51.000Z\"}\n"
      "not json\n"
      "{\"Channel\":\"Security\",\"EventID\":4688,"
      "\"NewProcessName\":\"C:\\\\Windows\\\\System32\\\\cmd.exe\"}\n";
  ReplayConfig config;
  ReplayResult r = RunReplay(*set, {"/nonexistent/cov-logs"},
                             {{"up/sysmon.json", lines}}, config);
  EXPECT_EQ(r.events, 2);
  const int bits = set->Find("2a6a5a4b-1d7c-4a34-8f35-1a2b3c4d5e6f");
  ASSERT_EQ(r.hits[bits].matches, 1);
  EXPECT_EQ(r.hits[bits].examples[0].where(), "up/sysmon.json:1");
  EXPECT_EQ(r.hits[bits].examples[0].host(), "ws1");
  EXPECT_EQ(r.hits[bits].examples[0].event_id(), 1);
  bool missing = false, broken = false;
  for (const cov::v1::Diagnostic& d : r.diagnostics) {
    if (d.code() == "events-not-found" && d.file() == "/nonexistent/cov-logs") {
      missing = true;
    }
    if (d.file() == "up/sysmon.json" && d.line() == 2) broken = true;
  }
  EXPECT_TRUE(missing);
  EXPECT_TRUE(broken);
}

}  // namespace
}  // namespace cov::server::replay
