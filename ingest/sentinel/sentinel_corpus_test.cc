// SentinelParser over Azure-Sentinel as of 2022-02-01
// (../shared/corpus/sentinel/azure-sentinel-2022-02-01, 833 YAML files).
//
// The README's figures, reproduced with python3 + PyYAML CSafeLoader (read
// as utf-8-sig): 833 files, 823 distinct ids (10 under both Detections/ and
// Solutions/CiscoUmbrella, 7 byte-identical), 663 rules list techniques
// (relevantTechniques, or `techniques` in one file), 130 distinct IDs (101
// techniques), 313 CRLF files, 2 with a BOM, 630 without a final newline,
// 101 distinct connectorIds, requiredDataConnectors empty in 88.
// The test recounts CRLF/BOM/newline and the `- T....` entries of the
// technique lists from the raw bytes, independently of yaml-cpp.
#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "ingest/base/diagnostics.h"
#include "ingest/base/file_walk.h"
#include "ingest/sentinel/sentinel_parser.h"
#include "tests/corpus.h"

namespace cov::ingest::sentinel {
namespace {

using ::testing::ElementsAre;
using ::testing::UnorderedElementsAre;

constexpr char kRoot[] = "sentinel/azure-sentinel-2022-02-01";

struct Loaded {
  std::map<std::string, cov::v1::Rule> by_file;
  std::map<std::string, std::string> text;
  std::vector<cov::v1::Diagnostic> diagnostics;
  std::set<std::string> text_ids;
  int files = 0, crlf = 0, bom = 0, no_final_newline = 0;
};

const Loaded& Corpus() {
  static const Loaded* loaded = [] {
    auto* l = new Loaded;
    absl::StatusOr<std::string> root = cov::testing::CorpusPath(kRoot);
    EXPECT_TRUE(root.ok()) << root.status();
    if (!root.ok()) return l;
    SentinelParser parser;
    auto files = WalkFiles(
        *root, [&](absl::string_view rel) { return parser.Accepts(rel); });
    EXPECT_TRUE(files.ok()) << files.status();
    if (!files.ok()) return l;
    for (const WalkedFile& f : *files) {
      absl::StatusOr<std::string> text = cov::testing::ReadFileToString(f.full);
      EXPECT_TRUE(text.ok()) << text.status();
      if (!text.ok()) continue;
      ++l->files;
      l->crlf += absl::StrContains(*text, "\r\n");
      l->bom += absl::StartsWith(*text, "\xEF\xBB\xBF");
      l->no_final_newline += !absl::EndsWith(*text, "\n");
      bool in_list = false;
      for (absl::string_view line : absl::StrSplit(*text, '\n')) {
        absl::string_view t = absl::StripAsciiWhitespace(line);
        if (t == "relevantTechniques:" || t == "techniques:") {
          in_list = true;
          continue;
        }
        if (in_list && absl::StartsWith(t, "- T")) {
          l->text_ids.insert(std::string(t.substr(2)));
          continue;
        }
        in_list = false;
      }
      ParsedFile out = parser.Parse({f.rel, *text, "sentinel"});
      for (auto& d : out.diagnostics) l->diagnostics.push_back(d);
      EXPECT_EQ(out.rules.size(), 1u) << f.rel;
      if (!out.rules.empty()) l->by_file[f.rel] = out.rules[0];
      l->text[f.rel] = *std::move(text);
    }
    return l;
  }();
  return *loaded;
}

TEST(SentinelCorpusTest, CountsMatchTheReadme) {
  const Loaded& c = Corpus();
  EXPECT_EQ(c.files, 833);
  EXPECT_EQ(c.by_file.size(), 833u);
  EXPECT_EQ(c.crlf, 313);
  EXPECT_EQ(c.bom, 2);
  EXPECT_EQ(c.no_final_newline, 630);
  std::map<std::string, std::vector<std::string>> by_uid;
  std::set<std::string> ids, connectors;
  int with_tech = 0, no_connectors = 0, enabled = 0;
  for (const auto& [path, r] : c.by_file) {
    by_uid[r.uid()].push_back(path);
    bool any = false;
    for (const auto& ref : r.attack_refs()) {
      if (ref.kind() != "technique") continue;
      ids.insert(ref.id());
      any = true;
    }
    with_tech += any;
    bool conn = false;
    for (const auto& s : r.data_sources()) {
      if (absl::StartsWith(s, "connector:")) {
        connectors.insert(s);
        conn = true;
      }
    }
    no_connectors += !conn;
    enabled += r.enabled();
  }
  EXPECT_EQ(enabled, 833);  // no status field in this era
  EXPECT_EQ(by_uid.size(), 823u);
  int dups = 0, identical = 0;
  for (const auto& [uid, paths] : by_uid) {
    if (paths.size() < 2) continue;
    ++dups;
    ASSERT_EQ(paths.size(), 2u) << uid;
    EXPECT_TRUE(absl::StartsWith(paths[0], "Detections/")) << paths[0];
    EXPECT_TRUE(absl::StartsWith(paths[1], "Solutions/")) << paths[1];
    identical += c.text.at(paths[0]) == c.text.at(paths[1]);
  }
  EXPECT_EQ(dups, 10);
  EXPECT_EQ(identical, 7);
  EXPECT_EQ(with_tech, 663);
  EXPECT_EQ(ids.size(), 130u);
  EXPECT_EQ(ids, c.text_ids);
  int techniques = 0;
  for (const auto& id : ids) techniques += id.size() == 5;
  EXPECT_EQ(techniques, 101);
  EXPECT_EQ(connectors.size(), 101u);
  EXPECT_EQ(no_connectors, 88);
}

TEST(SentinelCorpusTest, AnomaliesAreReported) {
  const Loaded& c = Corpus();
  std::map<std::string, std::vector<std::string>> by_code;
  for (const auto& d : c.diagnostics) {
    by_code[d.code()].push_back(FormatDiagnostic(d));
  }
  EXPECT_THAT(
      by_code["sentinel-utf8-bom"],
      UnorderedElementsAre(
          "Detections/TrendMicroXDR/Create Incident for XDR Alerts (Critical "
          "& High).yaml:1:1: info: UTF-8 byte-order mark skipped "
          "[sentinel-utf8-bom]",
          "Detections/TrendMicroXDR/Create Incident for XDR Alerts (Medium & "
          "Low).yaml:1:1: info: UTF-8 byte-order mark skipped "
          "[sentinel-utf8-bom]"));
  EXPECT_EQ(by_code["sentinel-tactic-spelling"].size(), 3u);
  for (const auto& s : by_code["sentinel-tactic-spelling"]) {
    EXPECT_THAT(s, ::testing::HasSubstr("tactic 'CommandandControl' read as "
                                        "CommandAndControl"));
  }
  EXPECT_EQ(by_code["sentinel-pre-attack-tactic"].size(), 1u);
  ASSERT_EQ(by_code["sentinel-techniques-key"].size(), 1u);
  EXPECT_TRUE(absl::StartsWith(by_code["sentinel-techniques-key"][0],
                               "Solutions/ARGOSCloudSecurity/"));
  by_code.erase("sentinel-utf8-bom");
  by_code.erase("sentinel-tactic-spelling");
  by_code.erase("sentinel-pre-attack-tactic");
  by_code.erase("sentinel-techniques-key");
  std::vector<std::string> rest;
  for (const auto& [code, v] : by_code)
    rest.insert(rest.end(), v.begin(), v.end());
  EXPECT_THAT(rest, ElementsAre());
}

TEST(SentinelCorpusTest, SpotChecks) {
  const Loaded& c = Corpus();
  auto it = c.by_file.find(
      "Detections/SecurityEvent/AADHealthMonAgentRegKeyAccess.yaml");
  ASSERT_NE(it, c.by_file.end());
  std::vector<std::string> refs;
  for (const auto& r : it->second.attack_refs()) refs.push_back(r.id());
  EXPECT_THAT(refs, ElementsAre("collection", "T1005"));
  EXPECT_THAT(it->second.data_sources(),
              ElementsAre("connector:SecurityEvents", "table:SecurityEvent"));

  it = c.by_file.find(
      "Solutions/IoTOTThreatMonitoringwithDefenderforIoT/Analytic "
      "Rules/IoTInsecurePLC.yaml");
  ASSERT_NE(it, c.by_file.end());
  refs.clear();
  for (const auto& r : it->second.attack_refs()) refs.push_back(r.id());
  EXPECT_THAT(refs, ElementsAre("execution", "T0858"));

  it = c.by_file.find(
      "Solutions/FalconFriday/Analytic Rules/DLLSideLoading.yaml");
  ASSERT_NE(it, c.by_file.end());
  bool revoked = false;
  for (const auto& r : it->second.attack_refs())
    revoked |= r.id() == "T1574.002";
  EXPECT_TRUE(revoked);
  // Lower-case kind kept as written.
  int lower_kind = 0;
  for (const auto& [path, r] : c.by_file)
    lower_kind += r.rule_type() == "scheduled";
  EXPECT_EQ(lower_kind, 17);
}

}  // namespace
}  // namespace cov::ingest::sentinel
