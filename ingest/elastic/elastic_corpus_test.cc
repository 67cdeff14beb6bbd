// ElasticParser over Elastic detection-rules dev-v1.5.42
// (../shared/corpus/elastic/detection-rules-dev-v1.5.42, 1,805 TOML files).
//
// The corpus README's figures, reproduced with python3.11 tomllib:
//   for f in glob('**/*.toml'): d = tomllib.load(open(f, 'rb'))
//   -> 1805 rules, 111 maturity "deprecated", 123 with building_block_type,
//      1687 list >= 1 technique or sub-technique (1597 outside _deprecated/),
//      384 distinct IDs (160 techniques, 224 sub-techniques), 72 without
//      [[rule.threat]], 46 with tactics only, 2521 threat tables.
// The test recounts what it can from the raw text with a plain line filter
// (`id = "T####..."` lines, `maturity = "deprecated"`, `building_block_type`),
// independently of toml++, and pins the README's numbers beside them.
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
#include "ingest/elastic/elastic_parser.h"
#include "tests/corpus.h"

namespace cov::ingest::elastic {
namespace {

using ::testing::ElementsAre;
using ::testing::UnorderedElementsAre;

constexpr char kRoot[] = "elastic/detection-rules-dev-v1.5.42";

struct Loaded {
  std::map<std::string, cov::v1::Rule> by_file;
  std::vector<cov::v1::Diagnostic> diagnostics;
  // Independent text scan.
  std::set<std::string> text_ids;  // `id = "T..."` values
  int text_files_with_ids = 0;
  int text_deprecated = 0;
  int text_building_blocks = 0;
  int files = 0;
};

const Loaded& Corpus() {
  static const Loaded* loaded = [] {
    auto* l = new Loaded;
    absl::StatusOr<std::string> root = cov::testing::CorpusPath(kRoot);
    EXPECT_TRUE(root.ok()) << root.status();
    if (!root.ok()) return l;
    ElasticParser parser;
    auto files = WalkFiles(
        *root, [&](absl::string_view rel) { return parser.Accepts(rel); });
    EXPECT_TRUE(files.ok()) << files.status();
    if (!files.ok()) return l;
    for (const WalkedFile& f : *files) {
      absl::StatusOr<std::string> text = cov::testing::ReadFileToString(f.full);
      EXPECT_TRUE(text.ok()) << text.status();
      if (!text.ok()) continue;
      ++l->files;
      bool any = false;
      for (absl::string_view line : absl::StrSplit(*text, '\n')) {
        line = absl::StripAsciiWhitespace(line);
        if (absl::StartsWith(line, "id = \"T") && line.size() > 8 &&
            absl::ascii_isdigit(static_cast<unsigned char>(line[7]))) {
          l->text_ids.insert(std::string(line.substr(6, line.size() - 7)));
          any = true;
        }
        if (line == "maturity = \"deprecated\"") ++l->text_deprecated;
        if (absl::StartsWith(line, "building_block_type")) {
          ++l->text_building_blocks;
        }
      }
      l->text_files_with_ids += any;
      ParsedFile out = parser.Parse({f.rel, *text, "elastic"});
      for (auto& d : out.diagnostics) l->diagnostics.push_back(d);
      EXPECT_EQ(out.rules.size(), 1u) << f.rel;
      if (!out.rules.empty()) l->by_file[f.rel] = out.rules[0];
    }
    return l;
  }();
  return *loaded;
}

std::set<std::string> TechniqueIds(const cov::v1::Rule& r) {
  std::set<std::string> ids;
  for (const auto& ref : r.attack_refs()) {
    if (ref.kind() == "technique") ids.insert(ref.id());
  }
  return ids;
}

TEST(ElasticCorpusTest, CountsMatchTheReadme) {
  const Loaded& c = Corpus();
  EXPECT_EQ(c.files, 1805);
  EXPECT_EQ(c.by_file.size(), 1805u);
  std::set<std::string> ids, uids;
  int with_tech = 0, active_with_tech = 0, deprecated = 0, bb = 0,
      no_threat = 0, tactics_only = 0, enabled = 0;
  for (const auto& [path, r] : c.by_file) {
    uids.insert(r.uid());
    std::set<std::string> t = TechniqueIds(r);
    ids.insert(t.begin(), t.end());
    with_tech += !t.empty();
    active_with_tech += !t.empty() && !absl::StrContains(path, "_deprecated/");
    deprecated += r.status() == "deprecated";
    bb += r.building_block();
    no_threat += r.attack_refs_size() == 0;
    tactics_only += r.attack_refs_size() > 0 && t.empty();
    enabled += r.enabled();
  }
  EXPECT_EQ(uids.size(), 1805u);  // no duplicate rule_id
  EXPECT_EQ(with_tech, 1687);
  EXPECT_EQ(with_tech, c.text_files_with_ids);
  EXPECT_EQ(active_with_tech, 1597);
  EXPECT_EQ(ids.size(), 384u);
  EXPECT_EQ(ids, c.text_ids);
  int subs = 0;
  for (const auto& id : ids) subs += id.size() == 9;
  EXPECT_EQ(subs, 224);
  EXPECT_EQ(deprecated, 111);
  EXPECT_EQ(deprecated, c.text_deprecated);
  EXPECT_EQ(bb, 123);
  EXPECT_EQ(bb, c.text_building_blocks);
  EXPECT_EQ(no_threat, 72);
  EXPECT_EQ(tactics_only, 46);
  // Neither deprecated nor a building block (5 building blocks are also
  // deprecated: 1805 - 111 - 123 + 5).
  EXPECT_EQ(enabled, 1576);
}

TEST(ElasticCorpusTest, AnomaliesAreReported) {
  const Loaded& c = Corpus();
  std::vector<std::string> printed;
  for (const auto& d : c.diagnostics) printed.push_back(FormatDiagnostic(d));
  // The only diagnostics: the two sub-techniques under another parent,
  // and two rule_ids one hex digit too long (not in the README; checked
  // with tomllib: len(rule_id) == 37 in exactly these two files).
  EXPECT_THAT(
      printed,
      UnorderedElementsAre(
          "rules/_deprecated/exfiltration_rds_snapshot_export.toml:29:11: "
          "warning: rule_id '119c8877-8613-416d-a98a-96b6664ee73a5' is not a "
          "GUID (119c8877-8613-416d-a98a-96b6664ee73a5) [elastic-not-uuid]",
          "rules/windows/defense_evasion_modify_ownership_os_files.toml:59:11: "
          "warning: rule_id '7eb54028-ca72-4eb7-8185-b6864572347db' is not a "
          "GUID (7eb54028-ca72-4eb7-8185-b6864572347db) [elastic-not-uuid]",
          ::testing::AllOf(
              ::testing::StartsWith("rules/windows/"
                                    "defense_evasion_clearing_windows_event_"
                                    "logs.toml:"),
              ::testing::HasSubstr("sub-technique T1562.002 is listed under "
                                   "T1070, not under its parent T1562")),
          ::testing::AllOf(
              ::testing::StartsWith(
                  "rules/windows/"
                  "defense_evasion_network_connection_from_windows_binary."
                  "toml:"),
              ::testing::HasSubstr("sub-technique T1218.005 is listed under "
                                   "T1127, not under its parent T1218"))));
  // The revoked T1547.011 (-> T1647) is named by 2 active macOS rules; the
  // old name of T1218 by 2 rules.
  int revoked_users = 0, old_name = 0;
  for (const auto& [path, r] : c.by_file) {
    if (r.enabled() && TechniqueIds(r).count("T1547.011")) ++revoked_users;
    for (const auto& n : r.attack_names()) {
      old_name += n == "T1218=Signed Binary Proxy Execution";
    }
  }
  EXPECT_EQ(revoked_users, 2);
  EXPECT_EQ(old_name, 2);
  // Two names used twice, the second copy under _deprecated/.
  std::map<std::string, std::vector<std::string>> by_name;
  for (const auto& [path, r] : c.by_file) by_name[r.title()].push_back(path);
  int twice = 0;
  for (const auto& [name, paths] : by_name) {
    if (paths.size() < 2) continue;
    ++twice;
    EXPECT_EQ(paths.size(), 2u) << name;
    EXPECT_TRUE(absl::StrContains(paths[0], "_deprecated/") !=
                absl::StrContains(paths[1], "_deprecated/"))
        << name;
  }
  EXPECT_EQ(twice, 2);
}

TEST(ElasticCorpusTest, SpotChecks) {
  const Loaded& c = Corpus();
  auto it =
      c.by_file.find("rules/windows/execution_via_compiled_html_file.toml");
  ASSERT_NE(it, c.by_file.end());
  const cov::v1::Rule& chm = it->second;
  EXPECT_EQ(chm.title(), "Process Activity via Compiled HTML File");
  EXPECT_EQ(chm.rule_type(), "eql");
  EXPECT_EQ(chm.language(), "eql");
  EXPECT_EQ(chm.status(), "production");
  EXPECT_TRUE(chm.enabled());
  EXPECT_EQ(chm.data_sources_size(), 9);
  EXPECT_EQ(chm.data_sources(2), "logs-endpoint.events.process-*");
  std::vector<std::string> refs;
  for (const auto& r : chm.attack_refs()) refs.push_back(r.id());
  EXPECT_THAT(refs, UnorderedElementsAre("TA0005", "T1218", "T1218.001",
                                         "TA0002", "T1204", "T1204.002"));

  it = c.by_file.find(
      "rules/integrations/aws/"
      "persistence_ec2_route_table_modified_or_deleted.toml");
  ASSERT_NE(it, c.by_file.end());
  refs.clear();
  for (const auto& r : it->second.attack_refs()) refs.push_back(r.id());
  EXPECT_THAT(refs, ElementsAre("TA0003"));

  int bb_folder = 0, ml_without_language = 0;
  for (const auto& [path, r] : c.by_file) {
    if (absl::StartsWith(path, "rules_building_block/")) {
      ++bb_folder;
      EXPECT_TRUE(r.building_block()) << path;
      EXPECT_FALSE(r.enabled()) << path;
    }
    if (r.rule_type() == "machine_learning") {
      ml_without_language += r.language().empty();
    }
  }
  EXPECT_EQ(bb_folder, 118);
  EXPECT_EQ(ml_without_language, 105);
}

}  // namespace
}  // namespace cov::ingest::elastic
