#include "server/kb/attack_ingest.h"

#include <cstdlib>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/kb/kb_cache.h"
#include "server/store/rocksdb_store.h"
#include "tests/corpus.h"

namespace cov::server::kb {
namespace {

using ::testing::HasSubstr;

std::string TempDir(const std::string& name) {
  const char* base = std::getenv("TEST_TMPDIR");
  std::string dir = std::string(base ? base : "/tmp") + "/" + name;
  EXPECT_EQ(std::system(("rm -rf '" + dir + "'").c_str()), 0);
  return dir;
}

std::string Corpus(const std::string& rel) {
  auto p = cov::testing::CorpusPath(rel);
  EXPECT_TRUE(p.ok()) << p.status();
  return p.ok() ? *p : "";
}

TEST(Sha256Test, KnownVector) {
  EXPECT_EQ(Sha256Hex("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(AttackIngestTest, BadBundleLeavesStoredReleaseIntact) {
  auto store = store::RocksDbStore::Open(TempDir("intact"));
  ASSERT_TRUE(store.ok());
  cov::v1::IngestAttackRequest req;
  req.set_path(Corpus("attack/enterprise-attack-18.1.json"));
  auto first = IngestAttack(**store, req);
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(first->release().version(), "18.1");
  EXPECT_TRUE(first->release().is_default());
  EXPECT_EQ(first->release().counts().techniques(), 216);
  EXPECT_EQ(first->release().sha256().size(), 64u);

  // The same release, truncated: rejected, nothing changes.
  auto bytes = cov::testing::ReadFileToString(req.path());
  ASSERT_TRUE(bytes.ok());
  cov::v1::IngestAttackRequest bad;
  bad.set_content(bytes->substr(0, bytes->size() / 3));
  bad.set_file_name("enterprise-attack-18.1.json");
  auto r = IngestAttack(**store, bad);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(r.status().message()),
              HasSubstr("enterprise-attack-18.1.json: invalid JSON"));
  auto releases = (*store)->ListReleases();
  ASSERT_TRUE(releases.ok());
  ASSERT_EQ(releases->size(), 1u);
  EXPECT_EQ((*releases)[0].sha256(), first->release().sha256());
  auto t = (*store)->GetTechnique("enterprise-attack@18.1", "T1197");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->name(), "BITS Jobs");
}

TEST(AttackIngestTest, TwoReleasesSideBySideAndCacheFollowsReingest) {
  auto store = store::RocksDbStore::Open(TempDir("side"));
  ASSERT_TRUE(store.ok());
  cov::v1::IngestAttackRequest req;
  req.set_path(Corpus("attack/enterprise-attack-17.1.json"));
  ASSERT_TRUE(IngestAttack(**store, req).ok());
  req.set_path(Corpus("attack/enterprise-attack-18.1.json"));
  req.set_make_default(true);
  ASSERT_TRUE(IngestAttack(**store, req).ok());
  req.set_path(Corpus("attack/mobile-attack-18.1.json"));
  req.set_make_default(false);
  ASSERT_TRUE(IngestAttack(**store, req).ok());

  auto releases = (*store)->ListReleases();
  ASSERT_EQ(releases->size(), 3u);
  auto def = (*store)->ResolveRelease({});
  EXPECT_EQ(def->key, "enterprise-attack@18.1");
  cov::v1::ReleaseRef mobile;
  mobile.set_domain("mobile-attack");
  EXPECT_EQ((*store)->ResolveRelease(mobile)->key, "mobile-attack@18.1");

  KbCache cache(store->get());
  auto kb = cache.Get(*def);
  ASSERT_TRUE(kb.ok());
  EXPECT_EQ((*kb)->tactics().size(), 14u);
  EXPECT_EQ((*kb)->FindActor("APT28")->id(), "G0007");
  auto again = cache.Get(*def);
  EXPECT_EQ(kb->get(), again->get());  // cached

  cov::v1::ReleaseRef v17;
  v17.set_version("17.1");
  auto r17 = (*store)->ResolveRelease(v17);
  ASSERT_TRUE(r17.ok());
  auto t = (*store)->GetTechnique(r17->key, "T1197");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->release().version(), "17.1");
}

TEST(AttackIngestTest, MissingPathAndEmptyRequest) {
  auto store = store::RocksDbStore::Open(TempDir("missing"));
  ASSERT_TRUE(store.ok());
  cov::v1::IngestAttackRequest req;
  EXPECT_EQ(IngestAttack(**store, req).status().code(),
            absl::StatusCode::kInvalidArgument);
  req.set_path("/nonexistent/enterprise-attack-18.1.json");
  auto r = IngestAttack(**store, req);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(std::string(r.status().message()),
              HasSubstr("/nonexistent/enterprise-attack-18.1.json"));
}

}  // namespace
}  // namespace cov::server::kb
