#include "server/store/rocksdb_store.h"

#include <cstdlib>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/store/test_release.h"
#include "tests/temp_dir.h"

namespace cov::server::store {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Pair;

std::string TempDir(const std::string& name) {
  return cov::testing::FreshTempPath(name);
}

TestRelease MakeRelease(const std::string& version,
                        const std::string& technique_name,
                        bool with_t2 = true) {
  TestRelease p;
  p.release.set_domain("enterprise-attack");
  p.release.set_version(version);
  cov::v1::Tactic tactic;
  tactic.set_id("TA0005");
  tactic.set_shortname("defense-evasion");
  tactic.set_order(0);
  p.tactics.push_back(tactic);
  cov::v1::Technique t;
  t.set_id("T1197");
  t.set_name(technique_name);
  t.add_tactics("defense-evasion");
  p.techniques.push_back(t);
  if (with_t2) {
    cov::v1::Technique t2;
    t2.set_id("T1086");
    t2.set_revoked(true);
    t2.set_revoked_by("T1059.001");
    p.techniques.push_back(t2);
  }
  cov::v1::Actor g;
  g.set_id("G0007");
  g.set_kind("group");
  g.set_name("APT28");
  p.actors.push_back(g);
  return p;
}

absl::Status Put(Store& s, const TestRelease& p, bool make_default = false) {
  cov::v1::Release rel = p.release;
  rel.set_sha256("abc");
  return s.PutRelease(p.Records(), rel, make_default);
}

TEST(RocksDbStoreTest, EmptyStoreSaysHowToLoadOne) {
  auto s = RocksDbStore::Open(TempDir("empty"));
  ASSERT_TRUE(s.ok()) << s.status();
  auto r = (*s)->ResolveRelease({});
  EXPECT_EQ(r.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(r.status().message()),
              HasSubstr("cov ingest attack"));
}

TEST(RocksDbStoreTest, StoresAndReadsTechniquesCaseInsensitively) {
  auto s = RocksDbStore::Open(TempDir("read"));
  ASSERT_TRUE(s.ok()) << s.status();
  ASSERT_TRUE(Put(**s, MakeRelease("18.1", "BITS Jobs")).ok());
  auto rel = (*s)->ResolveRelease({});
  ASSERT_TRUE(rel.ok()) << rel.status();
  EXPECT_EQ(rel->key, "enterprise-attack@18.1");
  EXPECT_TRUE(rel->release.is_default());
  EXPECT_EQ(rel->release.sha256(), "abc");
  auto t = (*s)->GetTechnique(rel->key, "t1197");
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(t->name(), "BITS Jobs");
  auto revoked = (*s)->GetTechnique(rel->key, "T1086");
  ASSERT_TRUE(revoked.ok());
  EXPECT_EQ(revoked->revoked_by(), "T1059.001");
  auto missing = (*s)->GetTechnique(rel->key, "T9999");
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(std::string(missing.status().message()),
              HasSubstr("technique T9999 is not in ATT&CK "
                        "enterprise-attack@18.1"));
  auto g = (*s)->GetActor(rel->key, "g0007");
  ASSERT_TRUE(g.ok());
  EXPECT_EQ(g->name(), "APT28");
  auto tactics = (*s)->ListTactics(rel->key);
  ASSERT_TRUE(tactics.ok());
  ASSERT_EQ(tactics->size(), 1u);
  EXPECT_EQ((*tactics)[0].id(), "TA0005");
}

TEST(RocksDbStoreTest, ReingestReplacesTheWholeRelease) {
  auto s = RocksDbStore::Open(TempDir("replace"));
  ASSERT_TRUE(s.ok());
  ASSERT_TRUE(Put(**s, MakeRelease("18.1", "old")).ok());
  ASSERT_TRUE(Put(**s, MakeRelease("18.1", "new", /*with_t2=*/false)).ok());
  std::vector<std::string> ids;
  ASSERT_TRUE((*s)->ForEachTechnique("enterprise-attack@18.1",
                                     [&](const cov::v1::Technique& t) {
                                       ids.push_back(t.id() + "=" + t.name());
                                       return true;
                                     })
                  .ok());
  // T1086 of the first ingest is gone: no mix of old and new.
  EXPECT_THAT(ids, ElementsAre("T1197=new"));
}

TEST(RocksDbStoreTest, ReleasesLiveSideBySideAndPersistAcrossReopen) {
  std::string dir = TempDir("side");
  {
    auto s = RocksDbStore::Open(dir);
    ASSERT_TRUE(s.ok());
    ASSERT_TRUE(Put(**s, MakeRelease("17.1", "seventeen")).ok());
    ASSERT_TRUE(Put(**s, MakeRelease("18.1", "eighteen")).ok());
    // Trying to open it twice fails cleanly (RocksDB's LOCK).
    auto again = RocksDbStore::Open(dir);
    EXPECT_EQ(again.status().code(), absl::StatusCode::kUnavailable);
  }
  auto s = RocksDbStore::Open(dir);
  ASSERT_TRUE(s.ok()) << s.status();
  auto list = (*s)->ListReleases();
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 2u);
  // The first ingested stays the default until told otherwise.
  EXPECT_TRUE((*list)[0].is_default());
  EXPECT_EQ((*list)[0].version(), "17.1");
  cov::v1::ReleaseRef v18;
  v18.set_version("18.1");
  auto r = (*s)->ResolveRelease(v18);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ((*s)->GetTechnique(r->key, "T1197")->name(), "eighteen");
  auto def = (*s)->ResolveRelease({});
  EXPECT_EQ((*s)->GetTechnique(def->key, "T1197")->name(), "seventeen");

  ASSERT_TRUE((*s)->SetDefaultRelease(v18).ok());
  def = (*s)->ResolveRelease({});
  EXPECT_EQ(def->key, "enterprise-attack@18.1");

  cov::v1::ReleaseRef missing;
  missing.set_version("19.0");
  auto m = (*s)->ResolveRelease(missing);
  EXPECT_EQ(m.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(std::string(m.status().message()),
              HasSubstr("stored: enterprise-attack@17.1, "
                        "enterprise-attack@18.1"));
}

TEST(RocksDbStoreTest, MakeDefaultOnIngest) {
  auto s = RocksDbStore::Open(TempDir("mkdef"));
  ASSERT_TRUE(s.ok());
  ASSERT_TRUE(Put(**s, MakeRelease("17.1", "a")).ok());
  ASSERT_TRUE(Put(**s, MakeRelease("18.1", "b"), /*make_default=*/true).ok());
  EXPECT_EQ((*s)->ResolveRelease({})->key, "enterprise-attack@18.1");
}

TEST(RocksDbStoreTest, RejectedPutLeavesStoreUnchanged) {
  auto s = RocksDbStore::Open(TempDir("reject"));
  ASSERT_TRUE(s.ok());
  ASSERT_TRUE(Put(**s, MakeRelease("18.1", "kept")).ok());
  TestRelease bad = MakeRelease("", "lost");
  EXPECT_EQ(Put(**s, bad).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ((*s)->GetTechnique("enterprise-attack@18.1", "T1197")->name(),
            "kept");
  EXPECT_EQ((*s)->ListReleases()->size(), 1u);
}

}  // namespace
}  // namespace cov::server::store

namespace cov::server::store {
namespace {

cov::v1::Rule MakeRule(const std::string& uid, const std::string& file) {
  cov::v1::Rule r;
  r.set_uid(uid);
  r.set_file(file);
  return r;
}

SourceUpdate::ChangedFile Changed(const std::string& path,
                                  std::vector<std::string> uids) {
  SourceUpdate::ChangedFile c;
  c.file.set_path(path);
  for (const auto& u : uids) {
    c.file.add_rule_uids(u);
    c.rules.push_back(MakeRule(u, path));
  }
  c.file.set_rule_count(static_cast<int>(uids.size()));
  return c;
}

std::vector<std::string> RuleUids(const Store& s, const std::string& source) {
  std::vector<std::string> out;
  EXPECT_TRUE(s.ForEachRule(source, [&](const cov::v1::Rule& r) {
                 out.push_back(r.uid());
                 return true;
               }).ok());
  return out;
}

TEST(RocksDbStoreSourcesTest, IncrementalUpdatesReplaceOnlyChangedFiles) {
  auto s = RocksDbStore::Open(TempDir("sources"));
  ASSERT_TRUE(s.ok());
  EXPECT_EQ((*s)->RulesGeneration(), 0);
  SourceUpdate u;
  u.source.set_name("sigma-main");
  u.source.set_rule_count(3);
  u.changed_files.push_back(Changed("a.yml", {"A1", "A2"}));
  u.changed_files.push_back(Changed("b.yml", {"B1"}));
  ASSERT_TRUE((*s)->ApplySourceUpdate(u).ok());
  EXPECT_EQ((*s)->RulesGeneration(), 1);
  EXPECT_THAT(RuleUids(**s, "sigma-main"), ElementsAre("A1", "A2", "B1"));

  // a.yml shrinks to one rule, b.yml disappears, c.yml appears.
  SourceUpdate u2;
  u2.source.set_name("sigma-main");
  u2.source.set_rule_count(2);
  u2.changed_files.push_back(Changed("a.yml", {"A9"}));
  u2.changed_files.push_back(Changed("c.yml", {"C1"}));
  u2.removed_files.push_back("b.yml");
  ASSERT_TRUE((*s)->ApplySourceUpdate(u2).ok());
  EXPECT_THAT(RuleUids(**s, "sigma-main"), ElementsAre("A9", "C1"));
  auto files = (*s)->ListFiles("sigma-main");
  ASSERT_TRUE(files.ok());
  ASSERT_EQ(files->size(), 2u);
  EXPECT_EQ((*files)[0].path(), "a.yml");
  EXPECT_EQ((*files)[1].path(), "c.yml");
  EXPECT_EQ((*s)->GetSource("sigma-main")->rule_count(), 2);
  EXPECT_EQ((*s)->RulesGeneration(), 2);
}

TEST(RocksDbStoreSourcesTest, SourcesAreIsolatedAndDeletable) {
  auto s = RocksDbStore::Open(TempDir("isolated"));
  ASSERT_TRUE(s.ok());
  SourceUpdate a;
  a.source.set_name("et");
  a.changed_files.push_back(Changed("x.rules", {"et:1"}));
  SourceUpdate b;
  b.source.set_name("et-open");  // "et" is a prefix of "et-open"
  b.changed_files.push_back(Changed("x.rules", {"et-open:1"}));
  ASSERT_TRUE((*s)->ApplySourceUpdate(a).ok());
  ASSERT_TRUE((*s)->ApplySourceUpdate(b).ok());
  EXPECT_THAT(RuleUids(**s, "et"), ElementsAre("et:1"));
  EXPECT_THAT(RuleUids(**s, ""), ElementsAre("et:1", "et-open:1"));
  ASSERT_TRUE((*s)->DeleteSource("et").ok());
  EXPECT_THAT(RuleUids(**s, ""), ElementsAre("et-open:1"));
  EXPECT_EQ((*s)->ListSources()->size(), 1u);
  EXPECT_EQ((*s)->DeleteSource("et").code(), absl::StatusCode::kNotFound);
}

TEST(RocksDbStoreSourcesTest, SourceGenerationsBumpPerSourceAndPersist) {
  const std::string dir = TempDir("source-generations");
  {
    auto s = RocksDbStore::Open(dir);
    ASSERT_TRUE(s.ok());
    EXPECT_TRUE((*s)->SourceGenerations()->empty());
    SourceUpdate a;
    a.source.set_name("et");
    a.changed_files.push_back(Changed("x.rules", {"et:1"}));
    SourceUpdate b;
    b.source.set_name("et-open");  // "et" is a prefix of "et-open"
    b.changed_files.push_back(Changed("x.rules", {"et-open:1"}));
    ASSERT_TRUE((*s)->ApplySourceUpdate(a).ok());
    ASSERT_TRUE((*s)->ApplySourceUpdate(b).ok());
    ASSERT_TRUE((*s)->ApplySourceUpdate(b).ok());
    EXPECT_THAT(*(*s)->SourceGenerations(),
                ElementsAre(Pair("et", 1), Pair("et-open", 2)));
    ASSERT_TRUE((*s)->DeleteSource("et").ok());
    EXPECT_THAT(*(*s)->SourceGenerations(),
                ElementsAre(Pair("et", 2), Pair("et-open", 2)));
    EXPECT_EQ((*s)->RulesGeneration(), 4);
  }
  auto s = RocksDbStore::Open(dir);
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_THAT(*(*s)->SourceGenerations(),
              ElementsAre(Pair("et", 2), Pair("et-open", 2)));
  // Re-created after the delete: the generation goes on from the stored one.
  SourceUpdate a;
  a.source.set_name("et");
  ASSERT_TRUE((*s)->ApplySourceUpdate(a).ok());
  EXPECT_THAT(*(*s)->SourceGenerations(),
              ElementsAre(Pair("et", 3), Pair("et-open", 2)));
  EXPECT_EQ((*s)->RulesGeneration(), 5);
}

TEST(RocksDbStoreSourcesTest, RejectsBadSourceNames) {
  auto s = RocksDbStore::Open(TempDir("badname"));
  ASSERT_TRUE(s.ok());
  SourceUpdate u;
  u.source.set_name("a/b");
  absl::Status st = (*s)->ApplySourceUpdate(u);
  EXPECT_EQ(st.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(st.message()),
              HasSubstr("invalid source name 'a/b'"));
  u.source.set_name("");
  EXPECT_EQ((*s)->ApplySourceUpdate(u).code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace cov::server::store
