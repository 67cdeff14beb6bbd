#include "server/store/rocksdb_store.h"

#include <cstdlib>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace cov::server::store {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::string TempDir(const std::string& name) {
  const char* base = std::getenv("TEST_TMPDIR");
  std::string dir = std::string(base ? base : "/tmp") + "/" + name;
  std::string cmd = "rm -rf '" + dir + "'";
  EXPECT_EQ(std::system(cmd.c_str()), 0);
  return dir;
}

ingest::attack::ParsedRelease MakeRelease(const std::string& version,
                                          const std::string& technique_name,
                                          bool with_t2 = true) {
  ingest::attack::ParsedRelease p;
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

absl::Status Put(Store& s, const ingest::attack::ParsedRelease& p,
                 bool make_default = false) {
  cov::v1::Release rel = p.release;
  rel.set_sha256("abc");
  return s.PutRelease(p, rel, make_default);
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
  ingest::attack::ParsedRelease bad = MakeRelease("", "lost");
  EXPECT_EQ(Put(**s, bad).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ((*s)->GetTechnique("enterprise-attack@18.1", "T1197")->name(),
            "kept");
  EXPECT_EQ((*s)->ListReleases()->size(), 1u);
}

}  // namespace
}  // namespace cov::server::store
