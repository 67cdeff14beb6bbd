// SplunkParser over Splunk Security Content v4.30.0
// (../shared/corpus/splunk/security_content-v4.30.0, detections/).
//
// The README's figures, reproduced with python3 + PyYAML CSafeLoader:
//   1618 detections; 1556 list tags.mitre_attack_id (1496 of the 1522 not
//   deprecated); 62 have no such key; 309 distinct IDs (128 techniques);
//   96 deprecated (status deprecated = under detections/deprecated/);
//   type Correlation 15; T1574.002 (revoked -> T1574.001) in 10; 69
//   distinct data_source names, empty in 564.
// The test recounts IDs from the raw text with a plain line filter (the
// `- T...` entries under `mitre_attack_id:`), independently of yaml-cpp.
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
#include "ingest/splunk/splunk_parser.h"
#include "tests/corpus.h"

namespace cov::ingest::splunk {
namespace {

using ::testing::ElementsAre;

constexpr char kRoot[] = "splunk/security_content-v4.30.0";

struct Loaded {
  std::map<std::string, cov::v1::Rule> by_file;
  std::vector<cov::v1::Diagnostic> diagnostics;
  std::set<std::string> text_ids;
  int text_files_with_ids = 0;
  int files = 0;
  int no_final_newline = 0;
};

const Loaded& Corpus() {
  static const Loaded* loaded = [] {
    auto* l = new Loaded;
    absl::StatusOr<std::string> root = cov::testing::CorpusPath(kRoot);
    EXPECT_TRUE(root.ok()) << root.status();
    if (!root.ok()) return l;
    SplunkParser parser;
    auto files = WalkFiles(
        *root, [&](absl::string_view rel) { return parser.Accepts(rel); });
    EXPECT_TRUE(files.ok()) << files.status();
    if (!files.ok()) return l;
    for (const WalkedFile& f : *files) {
      absl::StatusOr<std::string> text = cov::testing::ReadFileToString(f.full);
      EXPECT_TRUE(text.ok()) << text.status();
      if (!text.ok()) continue;
      ++l->files;
      l->no_final_newline += !absl::EndsWith(*text, "\n");
      bool in_list = false, any = false;
      for (absl::string_view line : absl::StrSplit(*text, '\n')) {
        absl::string_view t = absl::StripAsciiWhitespace(line);
        if (t == "mitre_attack_id:") {
          in_list = true;
          continue;
        }
        if (in_list && absl::StartsWith(t, "- ")) {
          l->text_ids.insert(std::string(t.substr(2)));
          any = true;
          continue;
        }
        in_list = false;
      }
      l->text_files_with_ids += any;
      ParsedFile out = parser.Parse({f.rel, *text, "escu"});
      for (auto& d : out.diagnostics) l->diagnostics.push_back(d);
      EXPECT_EQ(out.rules.size(), 1u) << f.rel;
      if (!out.rules.empty()) l->by_file[f.rel] = out.rules[0];
    }
    return l;
  }();
  return *loaded;
}

TEST(SplunkCorpusTest, CountsMatchTheReadme) {
  const Loaded& c = Corpus();
  EXPECT_EQ(c.files, 1618);
  EXPECT_EQ(c.by_file.size(), 1618u);
  EXPECT_EQ(c.no_final_newline, 128);  // parsed all the same
  std::vector<std::string> printed;
  for (const auto& d : c.diagnostics) printed.push_back(FormatDiagnostic(d));
  EXPECT_THAT(printed, ElementsAre());
  std::set<std::string> ids, uids, names, sources;
  std::map<std::string, int> types;
  int with_ids = 0, active_with_ids = 0, disabled = 0, in_deprecated = 0,
      revoked_users = 0, no_sources = 0, correlation = 0;
  for (const auto& [path, r] : c.by_file) {
    uids.insert(r.uid());
    names.insert(r.title());
    ++types[r.rule_type()];
    for (const auto& s : r.data_sources()) sources.insert(s);
    no_sources += r.data_sources_size() == 0;
    bool t1574002 = false;
    for (const auto& ref : r.attack_refs()) {
      ids.insert(ref.id());
      t1574002 |= ref.id() == "T1574.002";
    }
    revoked_users += t1574002;
    with_ids += r.attack_refs_size() > 0;
    active_with_ids += r.attack_refs_size() > 0 && r.enabled();
    disabled += !r.enabled();
    in_deprecated += absl::StartsWith(path, "detections/deprecated/");
    correlation += r.is_correlation();
  }
  EXPECT_EQ(uids.size(), 1618u);   // no duplicate id
  EXPECT_EQ(names.size(), 1618u);  // no duplicate name
  EXPECT_EQ(with_ids, 1556);
  EXPECT_EQ(with_ids, c.text_files_with_ids);
  EXPECT_EQ(active_with_ids, 1496);
  EXPECT_EQ(ids.size(), 309u);
  EXPECT_EQ(ids, c.text_ids);
  int techniques = 0;
  for (const auto& id : ids) techniques += id.size() == 5;
  EXPECT_EQ(techniques, 128);
  EXPECT_EQ(disabled, 96);
  EXPECT_EQ(in_deprecated, 96);
  EXPECT_EQ(revoked_users, 10);
  EXPECT_EQ(correlation, 15);
  EXPECT_EQ(types["TTP"], 914);
  EXPECT_EQ(types["Anomaly"], 437);
  EXPECT_EQ(types["Hunting"], 252);
  EXPECT_EQ(sources.size(), 69u);
  EXPECT_EQ(no_sources, 564);
}

TEST(SplunkCorpusTest, SpotChecks) {
  const Loaded& c = Corpus();
  auto it = c.by_file.find(
      "detections/endpoint/3cx_supply_chain_attack_network_indicators.yml");
  ASSERT_NE(it, c.by_file.end());
  EXPECT_EQ(it->second.rule_type(), "TTP");
  EXPECT_EQ(it->second.status(), "experimental");
  EXPECT_TRUE(it->second.enabled());
  EXPECT_EQ(it->second.data_sources_size(), 0);
  ASSERT_EQ(it->second.attack_refs_size(), 1);
  EXPECT_EQ(it->second.attack_refs(0).id(), "T1195.002");

  it = c.by_file.find(
      "detections/endpoint/windows_known_abused_dll_created.yml");
  ASSERT_NE(it, c.by_file.end());
  std::vector<std::string> ids;
  for (const auto& r : it->second.attack_refs()) ids.push_back(r.id());
  EXPECT_THAT(ids, ElementsAre("T1574.001", "T1574.002", "T1574"));
  EXPECT_THAT(it->second.data_sources(),
              ElementsAre("Sysmon Event ID 1", "Sysmon Event ID 11"));
  EXPECT_EQ(it->second.uid(), "ea91651a-772a-4b02-ac3d-985b364a5f07");
  // The search is a single-quoted scalar folded over lines.
  EXPECT_FALSE(absl::StrContains(it->second.query(), "\n"));
  EXPECT_TRUE(absl::StartsWith(it->second.query(), "| tstats "));
}

}  // namespace
}  // namespace cov::ingest::splunk
