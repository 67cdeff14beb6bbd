#include "server/kb/rule_index_cache.h"

#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/synchronization/notification.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/engine/coverage.h"
#include "server/kb/attack_ingest.h"
#include "server/kb/kb_cache.h"
#include "server/kb/test_store.h"
#include "server/rules/rule_ingest.h"
#include "server/store/memory_store.h"
#include "tests/corpus.h"

namespace cov::server::kb {
namespace {

using engine::RuleIndex;

// Everything a query can read from an index, as text.
std::string Dump(const RuleIndex& index) {
  std::string out;
  for (int i = 0; i < static_cast<int>(index.rules().size()); ++i) {
    const engine::RuleFacts& f = index.rules()[i];
    absl::StrAppend(&out, i, " ", f.uid, " ", f.source, " ", f.title, " ",
                    f.status, " ", f.level, " ", f.format, " ", f.enabled,
                    f.is_correlation, f.yara_private, " ", f.content_hash, " ",
                    f.sid, " [", absl::StrJoin(f.techniques, ","), "] [",
                    absl::StrJoin(f.tactics, ","), "]\n");
    absl::StrAppend(&out, "  uid->", index.FindUid(f.uid), "\n");
    for (const std::string& t : f.techniques) {
      absl::StrAppend(&out, "  ", t, ":", absl::StrJoin(index.RulesFor(t), ","),
                      "\n");
    }
    if (f.sid != 0) {
      absl::StrAppend(&out, "  sid:", absl::StrJoin(index.FindSid(f.sid), ","),
                      "\n");
    }
  }
  return out;
}

// The index built the old way: every stored rule, resolved at once.
std::string FullRebuild(const store::Store& store,
                        const engine::KnowledgeBase& kb,
                        const engine::OtherDomains& others) {
  std::vector<cov::v1::Rule> rules;
  EXPECT_TRUE(store
                  .ForEachRule("",
                               [&](const cov::v1::Rule& r) {
                                 rules.push_back(r);
                                 return true;
                               })
                  .ok());
  return Dump(RuleIndex(kb, others, std::move(rules)));
}

std::vector<std::string> Uids(const RuleIndex& index) {
  std::vector<std::string> out;
  for (const auto& f : index.rules()) out.push_back(f.uid);
  return out;
}

class RuleIndexCacheTest : public ::testing::Test {
 protected:
  void SetUp() override {
    testing::PutSmallRelease(&store_);
    testing::PutRules(&store_, "b-sigma", {{"b1", "T1197"}, {"b2", "T1059"}});
    testing::PutRules(&store_, "a-sigma", {{"a1", "T1059"}});
    testing::PutRules(&store_, "c-sigma", {{"c1", "T1086"}});  // revoked
    auto kb = kbs_.Get(*store_.ResolveRelease({}));
    ASSERT_TRUE(kb.ok()) << kb.status();
    kb_ = *kb;
  }

  std::shared_ptr<const RuleIndex> Get() {
    auto index = cache_.Get(kb_, {});
    EXPECT_TRUE(index.ok()) << index.status();
    return index.ok() ? *index : nullptr;
  }

  store::MemoryStore store_;
  KbCache kbs_{&store_};
  RuleIndexCache cache_{&store_};
  std::shared_ptr<const engine::KnowledgeBase> kb_;
};

TEST_F(RuleIndexCacheTest, FirstUseBuildsEveryPartInSourceOrder) {
  auto index = Get();
  ASSERT_NE(index, nullptr);
  EXPECT_THAT(Uids(*index), ::testing::ElementsAre("a1", "b1", "b2", "c1"));
  // T1086 is revoked by T1059.001: c1 counts there.
  EXPECT_EQ(index->rules()[3].techniques,
            std::vector<std::string>{"T1059.001"});
  EXPECT_EQ(Dump(*index), FullRebuild(store_, *kb_, {}));
  RuleIndexCache::Stats s = cache_.stats();
  EXPECT_EQ(s.builds, 1);
  EXPECT_EQ(s.parts_built, 3);
  EXPECT_EQ(s.parts_reused, 0);
  // Unchanged store: the same index, no build.
  EXPECT_EQ(Get(), index);
  EXPECT_EQ(cache_.stats().builds, 1);
}

// Sentinel stores one template under Detections/ and again under
// Solutions/: the index holds it once (the first file in path order), so a
// technique's rule count is not doubled.
TEST_F(RuleIndexCacheTest, SentinelRuleIdStoredTwiceIsIndexedOnce) {
  store::SourceUpdate u;
  u.source.set_name("sentinel");
  u.source.set_format(cov::v1::RULE_FORMAT_SENTINEL);
  for (const std::string path :
       {"Detections/x.yaml", "Solutions/S/Analytic Rules/x.yaml"}) {
    store::SourceUpdate::ChangedFile file;
    file.file.set_path(path);
    cov::v1::Rule r;
    r.set_uid("sentinel:f819c592");
    r.set_format(cov::v1::RULE_FORMAT_SENTINEL);
    r.set_source("sentinel");
    r.set_file(path);
    r.set_line(1);
    r.set_enabled(true);
    r.set_content_hash("h");
    cov::v1::AttackRef* ref = r.add_attack_refs();
    ref->set_raw("T1197");
    ref->set_id("T1197");
    ref->set_kind("technique");
    file.rules.push_back(r);
    u.changed_files.push_back(std::move(file));
  }
  ASSERT_TRUE(store_.ApplySourceUpdate(u).ok());
  auto index = Get();
  ASSERT_NE(index, nullptr);
  EXPECT_THAT(Uids(*index), ::testing::ElementsAre("a1", "b1", "b2", "c1",
                                                   "sentinel:f819c592"));
  EXPECT_THAT(index->RulesFor("T1197"), ::testing::ElementsAre(1, 4));
}

TEST_F(RuleIndexCacheTest, RebuildsOnlyTheChangedSource) {
  auto before = Get();
  testing::PutRules(&store_, "b-sigma", {{"b3", "T1059.001"}});
  auto after = Get();
  ASSERT_NE(after, nullptr);
  EXPECT_NE(after, before);
  EXPECT_THAT(Uids(*after), ::testing::ElementsAre("a1", "b3", "c1"));
  EXPECT_EQ(Dump(*after), FullRebuild(store_, *kb_, {}));
  RuleIndexCache::Stats s = cache_.stats();
  EXPECT_EQ(s.builds, 2);
  EXPECT_EQ(s.parts_built, 4);   // 3 at first, then b-sigma only
  EXPECT_EQ(s.parts_reused, 2);  // a-sigma, c-sigma
  // Copy-on-write: the index handed out before is unchanged.
  EXPECT_THAT(Uids(*before), ::testing::ElementsAre("a1", "b1", "b2", "c1"));
  EXPECT_EQ(before->FindUid("b3"), -1);
  EXPECT_EQ(after->FindUid("b1"), -1);
  EXPECT_THAT(after->RulesFor("T1059.001"), ::testing::ElementsAre(1, 2));
}

TEST_F(RuleIndexCacheTest, DeletingASourceDropsOnlyItsPart) {
  Get();
  ASSERT_TRUE(store_.DeleteSource("a-sigma").ok());
  auto after = Get();
  ASSERT_NE(after, nullptr);
  EXPECT_THAT(Uids(*after), ::testing::ElementsAre("b1", "b2", "c1"));
  EXPECT_EQ(Dump(*after), FullRebuild(store_, *kb_, {}));
  EXPECT_EQ(after->FindUid("a1"), -1);
  EXPECT_THAT(after->RulesFor("T1059"), ::testing::ElementsAre(1));
  RuleIndexCache::Stats s = cache_.stats();
  EXPECT_EQ(s.parts_built, 4);
  EXPECT_EQ(s.parts_reused, 2);
  // Re-created under the same name: rebuilt, not the deleted part.
  testing::PutRules(&store_, "a-sigma", {{"a9", "T1197"}});
  auto again = Get();
  EXPECT_THAT(Uids(*again), ::testing::ElementsAre("a9", "b1", "b2", "c1"));
  EXPECT_EQ(Dump(*again), FullRebuild(store_, *kb_, {}));
  EXPECT_EQ(cache_.stats().parts_built, 5);
}

TEST_F(RuleIndexCacheTest, AChangedReleaseModelRebuildsEveryPart) {
  Get();
  // The release re-ingested: a new model.
  testing::PutSmallRelease(&store_);
  KbCache fresh(&store_);
  auto kb2 = fresh.Get(*store_.ResolveRelease({}));
  ASSERT_TRUE(kb2.ok());
  ASSERT_NE(kb2->get(), kb_.get());
  auto index = cache_.Get(*kb2, {});
  ASSERT_TRUE(index.ok());
  EXPECT_EQ(Dump(**index), FullRebuild(store_, **kb2, {}));
  RuleIndexCache::Stats s = cache_.stats();
  EXPECT_EQ(s.builds, 2);
  EXPECT_EQ(s.parts_built, 6);
  EXPECT_EQ(s.parts_reused, 0);
  // Other domains are part of the model too.
  store::MemoryStore other_store;
  testing::PutSmallRelease(&other_store, "17.1");
  KbCache other_kbs(&other_store);
  auto other = other_kbs.Get(*other_store.ResolveRelease({}));
  ASSERT_TRUE(other.ok());
  auto with_other = cache_.Get(*kb2, {*other});
  ASSERT_TRUE(with_other.ok());
  EXPECT_EQ(cache_.stats().parts_built, 9);
  EXPECT_EQ(cache_.stats().parts_reused, 0);
  EXPECT_EQ(*cache_.Get(*kb2, {*other}), *with_other);
}

TEST_F(RuleIndexCacheTest, RefreshWarmsSoTheNextGetDoesNotBuild) {
  auto before = Get();
  testing::PutRules(&store_, "c-sigma", {{"c2", "T1197"}});
  auto refreshed = cache_.Refresh(kb_, {});
  ASSERT_TRUE(refreshed.ok());
  EXPECT_EQ(refreshed->generation, store_.RulesGeneration());
  EXPECT_EQ(cache_.stats().builds, 2);
  auto index = Get();
  EXPECT_EQ(index, refreshed->index);
  EXPECT_EQ(cache_.stats().builds, 2);
  EXPECT_THAT(Uids(*index), ::testing::ElementsAre("a1", "b1", "b2", "c2"));
  EXPECT_THAT(cache_.CachedReleases(),
              ::testing::ElementsAre("enterprise-attack@18.1"));
}

TEST_F(RuleIndexCacheTest, ReadersGetThePreviousIndexWhileAWriterRefreshes) {
  auto before = cache_.GetVersioned(kb_, {});
  ASSERT_TRUE(before.ok());
  testing::PutRules(&store_, "a-sigma", {{"a2", "T1197"}});
  absl::Notification in_build, release_build;
  cache_.SetBuildHookForTesting([&] {
    if (!in_build.HasBeenNotified()) {
      in_build.Notify();
      release_build.WaitForNotification();
    }
  });
  std::thread writer([&] {
    auto r = cache_.Refresh(kb_, {});
    EXPECT_TRUE(r.ok());
  });
  in_build.WaitForNotification();
  // The build is held: a reader does not wait for it.
  auto during = cache_.GetVersioned(kb_, {});
  ASSERT_TRUE(during.ok());
  EXPECT_EQ(during->index, before->index);
  EXPECT_EQ(during->generation, before->generation);
  EXPECT_EQ(cache_.stats().stale_served, 1);
  release_build.Notify();
  writer.join();
  auto after = cache_.GetVersioned(kb_, {});
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(after->generation, store_.RulesGeneration());
  EXPECT_THAT(Uids(*after->index),
              ::testing::ElementsAre("a2", "b1", "b2", "c1"));
  EXPECT_EQ(cache_.stats().builds, 2);
}

// Real corpora: ATT&CK Enterprise 18.1 (ICS 18.1 as the other domain), the
// YARA attack-tagged set and SigmaHQ legacy 0.20; after every change the
// incremental index equals a full rebuild, rule by rule and in the
// coverage answer.
TEST(RuleIndexCacheCorpusTest, IncrementalEqualsFullRebuild) {
  auto corpus = cov::testing::CorpusDir();
  ASSERT_TRUE(corpus.ok()) << corpus.status();
  store::MemoryStore store;
  for (const char* f :
       {"enterprise-attack-18.1.json", "ics-attack-18.1.json"}) {
    cov::v1::IngestAttackRequest ar;
    ar.set_path(absl::StrCat(*corpus, "/attack/", f));
    auto r = IngestAttack(store, ar, {});
    ASSERT_TRUE(r.ok()) << r.status();
  }
  KbCache kbs(&store);
  auto kb = kbs.Get(*store.ResolveRelease({}));
  ASSERT_TRUE(kb.ok());
  ASSERT_EQ((*kb)->release_key(), "enterprise-attack@18.1");
  cov::v1::ReleaseRef ics_ref;
  ics_ref.set_domain("ics-attack");
  auto ics = kbs.Get(*store.ResolveRelease(ics_ref));
  ASSERT_TRUE(ics.ok());
  const engine::OtherDomains others = {*ics};
  rules::IngestContext ctx;
  ctx.store = &store;
  ctx.kb = *kb;
  ctx.others = others;
  auto ingest = [&](const std::string& rel, const std::string& name,
                    cov::v1::RuleFormat format) {
    cov::v1::IngestRulesRequest rr;
    rr.set_path(absl::StrCat(*corpus, "/", rel));
    rr.set_source(name);
    rr.set_format(format);
    auto r = rules::IngestRules(ctx, rr);
    ASSERT_TRUE(r.ok()) << r.status();
  };
  ingest("yara/attack-tagged", "yara-at", cov::v1::RULE_FORMAT_YARA);
  ingest("sigma/sigmahq-legacy-0.20", "legacy", cov::v1::RULE_FORMAT_SIGMA);

  RuleIndexCache cache(&store);
  engine::CoverageQuery query;
  query.by = "tactic";
  // The index's rule count into *count (ASSERT needs a void lambda).
  auto check = [&](const char* step, size_t* count) {
    SCOPED_TRACE(step);
    auto index = cache.Get(*kb, others);
    ASSERT_TRUE(index.ok()) << index.status();
    std::vector<cov::v1::Rule> all;
    ASSERT_TRUE(store
                    .ForEachRule("",
                                 [&](const cov::v1::Rule& r) {
                                   all.push_back(r);
                                   return true;
                                 })
                    .ok());
    RuleIndex full(**kb, others, std::move(all));
    EXPECT_EQ(Dump(**index), Dump(full));
    EXPECT_EQ(engine::ComputeCoverage(**kb, **index, query).SerializeAsString(),
              engine::ComputeCoverage(**kb, full, query).SerializeAsString());
    *count = (*index)->rules().size();
  };
  size_t first = 0, with_sb = 0, without_legacy = 0;
  check("first build", &first);
  EXPECT_EQ(first, 1407u);  // 162 attack-tagged + 1,245 legacy
  // A third source, sorted between the two.
  ingest("yara/signature-base", "sb", cov::v1::RULE_FORMAT_YARA);
  check("source added", &with_sb);
  EXPECT_EQ(with_sb, 7290u);  // + 5,883 signature-base rules
  EXPECT_EQ(cache.stats().parts_built, 3);
  EXPECT_EQ(cache.stats().parts_reused, 2);
  ASSERT_TRUE(store.DeleteSource("legacy").ok());
  check("source deleted", &without_legacy);
  EXPECT_EQ(without_legacy, 6045u);  // - 1,245 legacy rules
  EXPECT_EQ(cache.stats().parts_built, 4);
  EXPECT_EQ(cache.stats().parts_reused, 4);
}

}  // namespace
}  // namespace cov::server::kb
