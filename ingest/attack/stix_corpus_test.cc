// ParseBundle over the real ATT&CK releases in ../shared/corpus/attack.
//
// Expected values were computed independently of this parser with plain
// Python over the same files, e.g. for the technique counts:
//   python3 -c "import json; o=json.load(open(F))['objects'];
//     a=[x for x in o if x['type']=='attack-pattern' and not x.get('revoked')
//        and not x.get('x_mitre_deprecated')];
//     s=sum(1 for x in a if x.get('x_mitre_is_subtechnique'));
//     print(len(a)-s, s)"
// and for T1197's components by following detects -> (component | strategy
// -> x_mitre_analytic_refs -> x_mitre_log_source_references) by hand.
#include <algorithm>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "ingest/attack/stix_bundle.h"
#include "tests/corpus.h"

namespace cov::ingest::attack {
namespace {

using ::testing::ElementsAre;
using ::testing::UnorderedElementsAre;

ParsedRelease Load(const std::string& name) {
  absl::StatusOr<std::string> path = cov::testing::CorpusPath("attack/" + name);
  EXPECT_TRUE(path.ok()) << path.status();
  if (!path.ok()) return {};
  absl::StatusOr<std::string> bytes = cov::testing::ReadFileToString(*path);
  EXPECT_TRUE(bytes.ok()) << bytes.status();
  if (!bytes.ok()) return {};
  ParseOptions opts;
  opts.file_name = name;
  absl::StatusOr<ParsedRelease> r = ParseBundle(*bytes, opts);
  EXPECT_TRUE(r.ok()) << r.status();
  return r.ok() ? *std::move(r) : ParsedRelease();
}

const cov::v1::Technique& Get(const ParsedRelease& r, const std::string& id) {
  static const cov::v1::Technique kEmpty;
  for (const auto& t : r.techniques) {
    if (t.id() == id) return t;
  }
  ADD_FAILURE() << id << " not found";
  return kEmpty;
}

class Enterprise181Test : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    release_ = new ParsedRelease(Load("enterprise-attack-18.1.json"));
  }
  static void TearDownTestSuite() { delete release_; }
  static ParsedRelease* release_;
};
ParsedRelease* Enterprise181Test::release_ = nullptr;

TEST_F(Enterprise181Test, CountsAndVersion) {
  const auto& rel = release_->release;
  EXPECT_EQ(rel.domain(), "enterprise-attack");
  EXPECT_EQ(rel.version(), "18.1");
  EXPECT_EQ(rel.counts().techniques(), 216);
  EXPECT_EQ(rel.counts().subtechniques(), 475);
  EXPECT_EQ(rel.counts().tactics(), 14);
  EXPECT_EQ(rel.counts().groups(), 172);
  EXPECT_EQ(rel.counts().software(), 784);
  EXPECT_EQ(rel.counts().campaigns(), 52);
  EXPECT_EQ(rel.counts().detection_strategies(), 691);
  EXPECT_EQ(rel.counts().analytics(), 1739);
  EXPECT_EQ(release_->diagnostics.size(), 0u);
}

TEST_F(Enterprise181Test, TacticsRunFromReconnaissanceToImpact) {
  ASSERT_EQ(release_->tactics.size(), 14u);
  EXPECT_EQ(release_->tactics.front().shortname(), "reconnaissance");
  EXPECT_EQ(release_->tactics.front().id(), "TA0043");
  EXPECT_EQ(release_->tactics.back().shortname(), "impact");
  EXPECT_EQ(release_->tactics.back().id(), "TA0040");
}

TEST_F(Enterprise181Test, BitsJobs) {
  const cov::v1::Technique& t = Get(*release_, "T1197");
  EXPECT_EQ(t.name(), "BITS Jobs");
  EXPECT_THAT(t.tactics(), ElementsAre("persistence", "defense-evasion"));
  EXPECT_THAT(t.platforms(), ElementsAre("Windows"));
  EXPECT_THAT(t.data_components(),
              ElementsAre("Command Execution", "Network Connection Creation",
                          "Process Creation", "Service Creation"));
  EXPECT_EQ(t.procedures_size(), 13);
  int groups = 0;
  for (const auto& p : t.procedures()) groups += p.kind() == "group";
  EXPECT_EQ(groups, 5);
  EXPECT_EQ(t.mitigations_size(), 3);
  EXPECT_FALSE(t.detection_strategies().empty());
}

TEST_F(Enterprise181Test, RevokedPowerShellPointsToItsReplacement) {
  const cov::v1::Technique& t = Get(*release_, "T1086");
  EXPECT_TRUE(t.revoked());
  EXPECT_EQ(t.revoked_by(), "T1059.001");
  const cov::v1::Technique& ps = Get(*release_, "T1059.001");
  EXPECT_EQ(ps.parent(), "T1059");
  const cov::v1::Technique& parent = Get(*release_, "T1059");
  EXPECT_TRUE(std::find(parent.subtechniques().begin(),
                        parent.subtechniques().end(),
                        "T1059.001") != parent.subtechniques().end());
}

TEST(StixCorpusTest, Enterprise171UsesComponentDetects) {
  ParsedRelease r = Load("enterprise-attack-17.1.json");
  EXPECT_EQ(r.release.version(), "17.1");
  EXPECT_EQ(r.release.counts().techniques(), 211);
  EXPECT_EQ(r.release.counts().subtechniques(), 468);
  EXPECT_EQ(r.release.counts().detection_strategies(), 0);
  const cov::v1::Technique& t = Get(r, "T1197");
  // 17.1 still has "Service Metadata"; 18.1's analytics name "Service
  // Creation".
  EXPECT_THAT(t.data_components(),
              ElementsAre("Command Execution", "Network Connection Creation",
                          "Process Creation", "Service Metadata"));
  EXPECT_TRUE(t.detection_strategies().empty());
  EXPECT_FALSE(t.detection().empty() && t.data_sources().empty());
}

TEST(StixCorpusTest, MobileAndIcsLoad) {
  ParsedRelease mobile = Load("mobile-attack-18.1.json");
  EXPECT_EQ(mobile.release.domain(), "mobile-attack");
  EXPECT_EQ(mobile.release.counts().techniques(), 77);
  EXPECT_EQ(mobile.release.counts().subtechniques(), 47);
  EXPECT_EQ(mobile.release.counts().groups(), 17);
  EXPECT_EQ(mobile.tactics.size(), 14u);  // two matrices merged
  ParsedRelease ics = Load("ics-attack-18.1.json");
  EXPECT_EQ(ics.release.domain(), "ics-attack");
  EXPECT_EQ(ics.release.counts().techniques(), 83);
  EXPECT_EQ(ics.release.counts().subtechniques(), 0);
  EXPECT_EQ(ics.tactics.size(), 12u);
  EXPECT_EQ(ics.release.counts().groups(), 14);
}

}  // namespace
}  // namespace cov::ingest::attack
