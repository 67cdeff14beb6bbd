#include "server/kb/queries.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/kb/layer_export.h"
#include "server/kb/test_store.h"
#include "server/store/memory_store.h"

namespace cov::server::kb {
namespace {

using ::testing::HasSubstr;

// Potential/covered per tactic shortname, from a coverage response.
std::map<std::string, std::pair<int, int>> ByTactic(
    const cov::v1::CoverageResponse& r) {
  std::map<std::string, std::pair<int, int>> out;
  for (const auto& t : r.tactics()) {
    out[t.tactic()] = {t.potential(), t.covered()};
  }
  return out;
}

class QueriesTest : public ::testing::Test {
 protected:
  store::MemoryStore store_;
  Models models_{&store_};
};

TEST_F(QueriesTest, EmptyStoreIsAFailedPreconditionAndWarmIsOk) {
  EXPECT_TRUE(models_.Warm().ok());
  EXPECT_TRUE(absl::IsFailedPrecondition(
      Coverage(models_, cov::v1::CoverageRequest()).status()));
  auto resolved = models_.Resolve({});
  ASSERT_TRUE(resolved.ok());
  EXPECT_EQ(resolved->kb, nullptr);
  EXPECT_TRUE(absl::IsFailedPrecondition(models_.Require({}).status()));
}

TEST_F(QueriesTest, CoverageCountsRevokedReferencesThroughTheirReplacement) {
  testing::PutSmallRelease(&store_);
  // r1 -> T1197; r2 -> T1086, revoked by T1059.001.
  testing::PutRules(&store_, "sigma", {{"r1", "T1197"}, {"r2", "T1086"}});
  auto r = Coverage(models_, cov::v1::CoverageRequest());
  ASSERT_TRUE(r.ok()) << r.status();
  // Units: T1059, T1059.001, T1197 (T1086 is revoked).
  EXPECT_EQ(r->potential(), 3);
  EXPECT_EQ(r->covered(), 2);
  auto tactics = ByTactic(*r);
  EXPECT_EQ(tactics["execution"], std::make_pair(2, 1));
  EXPECT_EQ(tactics["persistence"], std::make_pair(1, 1));
  EXPECT_EQ(tactics["defense-evasion"], std::make_pair(1, 1));
}

TEST_F(QueriesTest, AnswersAreCachedUntilTheRulesChange) {
  testing::PutSmallRelease(&store_);
  testing::PutRules(&store_, "sigma", {{"r1", "T1197"}});
  cov::v1::CoverageRequest req;
  ASSERT_EQ(Coverage(models_, req)->covered(), 1);
  EXPECT_EQ(models_.answers().size(), 1u);
  ASSERT_EQ(Coverage(models_, req)->covered(), 1);
  EXPECT_EQ(models_.answers().size(), 1u);  // a hit, not a second entry
  // A new rule generation: the answer is recomputed and the old one dropped.
  testing::PutRules(&store_, "sigma", {{"r1", "T1197"}, {"r3", "T1059"}});
  EXPECT_EQ(Coverage(models_, req)->covered(), 2);
  EXPECT_EQ(models_.answers().size(), 1u);
  // So is a re-ingested release (new fingerprint), with the same rules.
  testing::PutSmallRelease(&store_);
  EXPECT_EQ(Coverage(models_, req)->covered(), 2);
  EXPECT_EQ(models_.answers().size(), 1u);
}

TEST_F(QueriesTest, MalformedOptionsAreInvalidArguments) {
  testing::PutSmallRelease(&store_);
  cov::v1::CoverageRequest by;
  by.set_by("colour");
  EXPECT_TRUE(absl::IsInvalidArgument(Coverage(models_, by).status()));
  cov::v1::CoverageRequest evidence;
  evidence.mutable_options()->set_evidence("rumoured");
  EXPECT_TRUE(absl::IsInvalidArgument(Coverage(models_, evidence).status()));
  cov::v1::CoverageRequest stored_profile;
  stored_profile.mutable_options()->set_profile_name("soc");
  EXPECT_TRUE(
      absl::IsUnimplemented(Coverage(models_, stored_profile).status()));
}

TEST_F(QueriesTest, GapsRankUncoveredTechniques) {
  testing::PutSmallRelease(&store_);
  testing::PutRules(&store_, "sigma", {{"r1", "T1059"}});
  auto g = Gaps(models_, cov::v1::GapsRequest());
  ASSERT_TRUE(g.ok()) << g.status();
  // Uncovered units: T1059.001 and T1197; T1197 is used by one group and
  // ranks first.
  ASSERT_EQ(g->gaps_size(), 2);
  EXPECT_EQ(g->gaps(0).technique_id(), "T1197");
  EXPECT_EQ(g->gaps(1).technique_id(), "T1059.001");
}

TEST_F(QueriesTest, LookupsByIdNameAndQuery) {
  testing::PutSmallRelease(&store_);
  cov::v1::GetTechniqueRequest t;
  t.set_id("  ");
  EXPECT_TRUE(absl::IsInvalidArgument(GetTechnique(store_, t).status()));
  t.set_id(" T1197 ");
  auto technique = GetTechnique(store_, t);
  ASSERT_TRUE(technique.ok()) << technique.status();
  EXPECT_EQ(technique->name(), "BITS Jobs");
  cov::v1::GetActorRequest a;
  a.set_id("Fancy Bear");
  auto actor = GetActor(models_, a);
  ASSERT_TRUE(actor.ok()) << actor.status();
  EXPECT_EQ(actor->id(), "G0007");
  a.set_id("G9999");
  EXPECT_THAT(GetActor(models_, a).status().message(),
              HasSubstr("enterprise-attack@18.1"));
  auto stats = StoreStats(store_);
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(stats->releases_size(), 1);
}

TEST_F(QueriesTest, LayerExportValidatesKindAndFormat) {
  testing::PutSmallRelease(&store_);
  testing::PutRules(&store_, "sigma", {{"r1", "T1197"}});
  cov::v1::LayerRequest req;
  req.set_kind("gaps");
  req.set_format("html");
  EXPECT_TRUE(absl::IsInvalidArgument(
      ExportLayer(models_, req, absl::UnixEpoch()).status()));
  req.set_format("csv");
  auto csv = ExportLayer(models_, req, absl::UnixEpoch());
  ASSERT_TRUE(csv.ok()) << csv.status();
  EXPECT_EQ(csv->content_type(), "text/csv");
  EXPECT_THAT(csv->content(), HasSubstr("T1059.001"));
  req.set_kind("coverage");
  req.set_format("html");
  auto html = ExportLayer(models_, req, absl::UnixEpoch());
  ASSERT_TRUE(html.ok()) << html.status();
  EXPECT_THAT(html->content(), HasSubstr("1970-01-01 00:00 UTC"));
}

}  // namespace
}  // namespace cov::server::kb
