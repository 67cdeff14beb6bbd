// LayerParser over the CTID coverage layers (../shared/corpus/layers):
// security-stack-mappings v1.1.0 (Azure and AWS, layer 4.2, non-standard
// score_num/score_display/category) and mappings-explorer v1.1.0 (M365 E3,
// layer 4.4, standard score 1-10 and comment).
//
// The README's figures, reproduced with python3 json: entries per layer
// 344/168/70/42 (Azure platform, AzureSentinel, AlertsForWindowsMachines,
// MicrosoftDefenderForIdentity), 193/62 (AWS platform, AmazonGuardDuty),
// 105 (M365 E3); every entry is scored and enabled, none names a tactic,
// each technique once per layer; T1053.001 (revoked -> T1053.002) in both
// platform.json files. The test recounts the entries from the raw text
// (occurrences of "techniqueID"), independently of simdjson.
#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "ingest/base/diagnostics.h"
#include "ingest/base/file_walk.h"
#include "ingest/layer/layer_parser.h"
#include "tests/corpus.h"

namespace cov::ingest::layer {
namespace {

using ::testing::ElementsAre;

struct Loaded {
  std::map<std::string, std::vector<cov::v1::Rule>> by_file;
  std::map<std::string, int> text_entries;
  std::vector<cov::v1::Diagnostic> diagnostics;
};

const Loaded& Corpus() {
  static const Loaded* loaded = [] {
    auto* l = new Loaded;
    absl::StatusOr<std::string> root = cov::testing::CorpusPath("layers");
    EXPECT_TRUE(root.ok()) << root.status();
    if (!root.ok()) return l;
    LayerParser parser;
    auto files = WalkFiles(
        *root, [&](absl::string_view rel) { return parser.Accepts(rel); });
    EXPECT_TRUE(files.ok()) << files.status();
    if (!files.ok()) return l;
    for (const WalkedFile& f : *files) {
      absl::StatusOr<std::string> text = cov::testing::ReadFileToString(f.full);
      EXPECT_TRUE(text.ok()) << text.status();
      if (!text.ok()) continue;
      l->text_entries[f.rel] =
          static_cast<int>(std::vector<absl::string_view>(
                               absl::StrSplit(*text, "\"techniqueID\""))
                               .size()) -
          1;
      ParsedFile out = parser.Parse({f.rel, *text, "ctid"});
      for (auto& d : out.diagnostics) l->diagnostics.push_back(d);
      l->by_file[f.rel] = std::move(out.rules);
    }
    return l;
  }();
  return *loaded;
}

TEST(LayerCorpusTest, CountsMatchTheReadme) {
  const Loaded& c = Corpus();
  const std::map<std::string, int> expected = {
      {"ctid-mappings-explorer-v1.1.0/legacy/"
       "m365-12.11.2023_attack-14.1-enterprise_E3_navigator_layers.json",
       105},
      {"ctid-security-stack-mappings-v1.1.0/mappings/AWS/layers/"
       "AmazonGuardDuty.json",
       62},
      {"ctid-security-stack-mappings-v1.1.0/mappings/AWS/layers/platform.json",
       193},
      {"ctid-security-stack-mappings-v1.1.0/mappings/Azure/layers/"
       "AlertsForWindowsMachines.json",
       70},
      {"ctid-security-stack-mappings-v1.1.0/mappings/Azure/layers/"
       "AzureSentinel.json",
       168},
      {"ctid-security-stack-mappings-v1.1.0/mappings/Azure/layers/"
       "MicrosoftDefenderForIdentity.json",
       42},
      {"ctid-security-stack-mappings-v1.1.0/mappings/Azure/layers/"
       "platform.json",
       344},
  };
  std::map<std::string, int> got;
  for (const auto& [path, rules] : c.by_file) {
    got[path] = static_cast<int>(rules.size());
    EXPECT_EQ(rules.size(), c.text_entries.at(path)) << path;
    std::set<std::string> ids;
    for (const auto& r : rules) {
      EXPECT_TRUE(r.enabled()) << r.uid();
      EXPECT_GT(r.score(), 0) << r.uid();
      ASSERT_EQ(r.attack_refs_size(), 1) << r.uid();
      EXPECT_GT(r.line(), 0) << r.uid();
      ids.insert(r.attack_refs(0).id());
    }
    EXPECT_EQ(ids.size(), rules.size()) << path;  // each technique once
    const bool platform = absl::EndsWith(path, "/platform.json");
    EXPECT_EQ(ids.count("T1053.001"), platform ? 1u : 0u) << path;
  }
  EXPECT_EQ(got, expected);
  std::vector<std::string> printed;
  for (const auto& d : c.diagnostics) printed.push_back(FormatDiagnostic(d));
  EXPECT_THAT(printed, ElementsAre());
}

TEST(LayerCorpusTest, SpotChecks) {
  const Loaded& c = Corpus();
  const auto& azure = c.by_file.at(
      "ctid-security-stack-mappings-v1.1.0/mappings/Azure/layers/"
      "platform.json");
  const cov::v1::Rule* t1078 = nullptr;
  for (const auto& r : azure) {
    if (r.attack_refs(0).id() == "T1078") t1078 = &r;
  }
  ASSERT_NE(t1078, nullptr);
  EXPECT_EQ(t1078->score(), 50);
  EXPECT_EQ(t1078->score_label(), "Partial");
  EXPECT_EQ(t1078->rule_type(), "Mixed");
  EXPECT_EQ(t1078->title(), "Azure platform native security controls: T1078");
  EXPECT_TRUE(absl::StartsWith(t1078->description(),
                               "control: Azure AD Identity Protection\n"
                               "category: Detect\nvalue: Partial\n"));
  const auto& m365 = c.by_file.at(
      "ctid-mappings-explorer-v1.1.0/legacy/"
      "m365-12.11.2023_attack-14.1-enterprise_E3_navigator_layers.json");
  const cov::v1::Rule* t1114 = nullptr;
  for (const auto& r : m365) {
    if (r.attack_refs(0).id() == "T1114") t1114 = &r;
  }
  ASSERT_NE(t1114, nullptr);
  EXPECT_EQ(t1114->score(), 3);
  EXPECT_TRUE(absl::StartsWith(t1114->description(),
                               "Related to:\n\xE2\x80\xA2"
                               "EOP-MFR-E3\n\xE2\x80\xA2ME-CAE-E3\n"))
      << t1114->description();
  EXPECT_TRUE(absl::StrContains(t1114->description(),
                                "capability: EOP-MFR-E3\ncategory: protect"));
}

}  // namespace
}  // namespace cov::ingest::layer
