#include "server/store/memory_store.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/store/test_release.h"

namespace cov::server::store {
namespace {

using ::testing::ElementsAre;
using ::testing::Pair;

void Put(MemoryStore* s, const std::string& domain, const std::string& version,
         bool make_default) {
  TestRelease p;
  p.release.set_domain(domain);
  p.release.set_version(version);
  cov::v1::Technique t;
  t.set_id("t1197");
  t.set_name("BITS Jobs " + version);
  p.techniques.push_back(t);
  ASSERT_TRUE(s->PutRelease(p.Records(), p.release, make_default).ok());
}

TEST(MemoryStoreTest, ResolvesDefaultsLikeTheRocksDbStore) {
  MemoryStore s;
  EXPECT_TRUE(absl::IsFailedPrecondition(s.ResolveRelease({}).status()));
  Put(&s, "enterprise-attack", "17.1", false);
  Put(&s, "enterprise-attack", "18.1", false);
  Put(&s, "mobile-attack", "18.1", false);
  // The first release stays the default until another is made default.
  EXPECT_EQ(s.ResolveRelease({})->key, "enterprise-attack@17.1");
  cov::v1::ReleaseRef mobile;
  mobile.set_domain("mobile-attack");
  EXPECT_EQ(s.ResolveRelease(mobile)->key, "mobile-attack@18.1");
  cov::v1::ReleaseRef v18;
  v18.set_version("18.1");
  ASSERT_TRUE(s.SetDefaultRelease(v18).ok());
  EXPECT_EQ(s.ResolveRelease({})->key, "enterprise-attack@18.1");
  cov::v1::ReleaseRef missing;
  missing.set_version("9");
  EXPECT_TRUE(absl::IsNotFound(s.ResolveRelease(missing).status()));
  auto t = s.GetTechnique("enterprise-attack@18.1", "T1197");
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(t->name(), "BITS Jobs 18.1");
  std::vector<std::string> defaults;
  absl::StatusOr<std::vector<cov::v1::Release>> all = s.ListReleases();
  ASSERT_TRUE(all.ok());
  for (const auto& r : *all) {
    if (r.is_default()) defaults.push_back(r.version());
  }
  EXPECT_THAT(defaults, ElementsAre("18.1"));
}

TEST(MemoryStoreTest, SourceUpdatesReplaceFilesAndBumpTheGeneration) {
  MemoryStore s;
  SourceUpdate u;
  u.source.set_name("sigma");
  cov::v1::Rule r;
  r.set_uid("a");
  u.changed_files.push_back({cov::v1::IngestedFile(), {r, r}});
  u.changed_files[0].file.set_path("a.yml");
  ASSERT_TRUE(s.ApplySourceUpdate(u).ok());
  EXPECT_EQ(s.RulesGeneration(), 1);
  int rules = 0;
  ASSERT_TRUE(s.ForEachRule("sigma", [&](const cov::v1::Rule&) {
                 ++rules;
                 return true;
               }).ok());
  EXPECT_EQ(rules, 2);
  SourceUpdate removal;
  removal.source.set_name("sigma");
  removal.removed_files.push_back("a.yml");
  ASSERT_TRUE(s.ApplySourceUpdate(removal).ok());
  rules = 0;
  ASSERT_TRUE(s.ForEachRule("", [&](const cov::v1::Rule&) {
                 ++rules;
                 return true;
               }).ok());
  EXPECT_EQ(rules, 0);
  EXPECT_EQ(s.RulesGeneration(), 2);
  SourceUpdate bad;
  bad.source.set_name("no spaces");
  EXPECT_TRUE(absl::IsInvalidArgument(s.ApplySourceUpdate(bad)));
}

TEST(MemoryStoreTest, SourceGenerationsBumpOnlyTheWrittenSource) {
  MemoryStore s;
  EXPECT_TRUE(s.SourceGenerations()->empty());
  SourceUpdate a;
  a.source.set_name("sigma");
  SourceUpdate b;
  b.source.set_name("et");
  ASSERT_TRUE(s.ApplySourceUpdate(a).ok());
  ASSERT_TRUE(s.ApplySourceUpdate(a).ok());
  ASSERT_TRUE(s.ApplySourceUpdate(b).ok());
  EXPECT_THAT(*s.SourceGenerations(),
              ElementsAre(Pair("et", 1), Pair("sigma", 2)));
  ASSERT_TRUE(s.DeleteSource("sigma").ok());
  // A deleted source keeps its entry, bumped: a re-created one never
  // repeats a generation.
  EXPECT_THAT(*s.SourceGenerations(),
              ElementsAre(Pair("et", 1), Pair("sigma", 3)));
  EXPECT_EQ(s.RulesGeneration(), 4);
  // A failed delete bumps nothing.
  EXPECT_TRUE(absl::IsNotFound(s.DeleteSource("nope")));
  EXPECT_THAT(*s.SourceGenerations(),
              ElementsAre(Pair("et", 1), Pair("sigma", 3)));
}

TEST(MemoryStoreTest, ExperimentsGetSequentialIdsAndBumpEvidence) {
  MemoryStore s;
  EXPECT_EQ(*s.NextExperimentId(), "EXP-000001");
  EXPECT_EQ(*s.NextExperimentId(), "EXP-000002");
  cov::v1::Experiment e;
  e.set_id("EXP-000002");
  ASSERT_TRUE(s.PutExperiment(e).ok());
  EXPECT_EQ(s.EvidenceGeneration(), 1);
  EXPECT_TRUE(s.GetExperiment("EXP-000002").ok());
  EXPECT_TRUE(absl::IsNotFound(s.GetExperiment("EXP-000001").status()));
}

}  // namespace
}  // namespace cov::server::store
