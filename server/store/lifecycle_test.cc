// DeleteRelease and DeleteExperiment on both stores: the same contract
// (store.h) for RocksDbStore and the MemoryStore fake.
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/store/backup.h"
#include "server/store/memory_store.h"
#include "server/store/rocksdb_store.h"
#include "server/store/test_release.h"
#include "tests/temp_dir.h"

namespace cov::server::store {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::string TempDir(const std::string& name) {
  return cov::testing::FreshTempPath(name);
}

TestRelease MakeRelease(const std::string& domain, const std::string& version) {
  TestRelease p;
  p.release.set_domain(domain);
  p.release.set_version(version);
  p.release.set_sha256("sha-" + version);
  cov::v1::Tactic tactic;
  tactic.set_id("TA0005");
  tactic.set_shortname("defense-evasion");
  p.tactics.push_back(tactic);
  cov::v1::Technique t;
  t.set_id("T1197");
  t.set_name("BITS Jobs " + version);
  p.techniques.push_back(t);
  cov::v1::Actor g;
  g.set_id("G0007");
  g.set_name("APT28");
  p.actors.push_back(g);
  cov::v1::DataComponent c;
  c.set_id("DC0001");
  p.data_components.push_back(c);
  cov::v1::MitigationRef m;
  m.set_id("M1040");
  p.mitigations.push_back(m);
  return p;
}

cov::v1::ReleaseRef Ref(const std::string& domain, const std::string& v) {
  cov::v1::ReleaseRef r;
  r.set_domain(domain);
  r.set_version(v);
  return r;
}

std::vector<std::string> Listed(const Store& s) {
  std::vector<std::string> out;
  absl::StatusOr<std::vector<cov::v1::Release>> all = s.ListReleases();
  EXPECT_TRUE(all.ok()) << all.status();
  if (!all.ok()) return out;
  for (const auto& r : *all) {
    out.push_back(
        absl::StrCat(r.domain(), "@", r.version(), r.is_default() ? "*" : ""));
  }
  return out;
}

// Records of every family of one release (an unknown release holds none:
// RocksDB answers empty walks, the MemoryStore kNotFound).
int RecordsOf(const Store& s, const std::string& key) {
  int n = 0;
  auto count = [&](const auto&) {
    ++n;
    return true;
  };
  auto ok_or_not_found = [](const absl::Status& st) {
    EXPECT_TRUE(st.ok() || absl::IsNotFound(st)) << st;
  };
  ok_or_not_found(s.ForEachTechnique(key, count));
  ok_or_not_found(s.ForEachActor(key, count));
  auto tactics = s.ListTactics(key);
  ok_or_not_found(tactics.status());
  if (tactics.ok()) n += static_cast<int>(tactics->size());
  auto components = s.ListDataComponents(key);
  ok_or_not_found(components.status());
  if (components.ok()) n += static_cast<int>(components->size());
  auto mitigations = s.ListMitigations(key);
  ok_or_not_found(mitigations.status());
  if (mitigations.ok()) n += static_cast<int>(mitigations->size());
  return n;
}

class LifecycleTest : public ::testing::TestWithParam<bool> {
 protected:
  void SetUp() override {
    if (GetParam()) {
      dir_ = TempDir("lifecycle-" + std::to_string(counter_++));
      auto s = RocksDbStore::Open(dir_);
      ASSERT_TRUE(s.ok()) << s.status();
      store_ = *std::move(s);
    } else {
      store_ = std::make_unique<MemoryStore>();
    }
    // enterprise 17.1, enterprise 18.1 (the default), ics 18.1.
    for (const auto& [d, v, def] :
         std::vector<std::tuple<std::string, std::string, bool>>{
             {"enterprise-attack", "17.1", false},
             {"enterprise-attack", "18.1", true},
             {"ics-attack", "18.1", false}}) {
      auto p = MakeRelease(d, v);
      ASSERT_TRUE(store_->PutRelease(p.Records(), p.release, def).ok());
    }
  }

  bool rocksdb() const { return GetParam(); }

  static int counter_;
  std::string dir_;
  std::unique_ptr<Store> store_;
};

int LifecycleTest::counter_ = 0;

TEST_P(LifecycleTest, DeletesEveryRecordOfANonDefaultRelease) {
  ASSERT_EQ(RecordsOf(*store_, "enterprise-attack@17.1"), 5);
  const int64_t generation = store_->RulesGeneration();
  auto gone = store_->DeleteRelease("enterprise-attack@17.1", "");
  ASSERT_TRUE(gone.ok()) << gone.status();
  EXPECT_EQ(gone->version(), "17.1");
  EXPECT_FALSE(gone->is_default());
  EXPECT_EQ(gone->sha256(), "sha-17.1");
  EXPECT_THAT(Listed(*store_),
              ElementsAre("enterprise-attack@18.1*", "ics-attack@18.1"));
  EXPECT_EQ(RecordsOf(*store_, "enterprise-attack@17.1"), 0);
  // The neighbours keep theirs.
  EXPECT_EQ(RecordsOf(*store_, "enterprise-attack@18.1"), 5);
  EXPECT_EQ(RecordsOf(*store_, "ics-attack@18.1"), 5);
  EXPECT_EQ(
      store_->GetTechnique("enterprise-attack@17.1", "T1197").status().code(),
      absl::StatusCode::kNotFound);
  auto resolved = store_->ResolveRelease(Ref("enterprise-attack", "17.1"));
  EXPECT_EQ(resolved.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(resolved.status().message(),
              HasSubstr("stored: enterprise-attack@18.1, ics-attack@18.1"));
  // Caches of rule data (resolved against the releases) rebuild.
  EXPECT_EQ(store_->RulesGeneration(), generation + 1);
  // A second delete is NOT_FOUND naming what is stored.
  auto again = store_->DeleteRelease("enterprise-attack@17.1", "");
  EXPECT_EQ(again.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(again.status().message(),
            "no ATT&CK release enterprise-attack@17.1 in the store; stored: "
            "enterprise-attack@18.1, ics-attack@18.1");
}

TEST_P(LifecycleTest, TheDefaultIsRefusedUnlessAReplacementIsNamed) {
  auto refused = store_->DeleteRelease("enterprise-attack@18.1", "");
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(refused.status().message(),
              HasSubstr("enterprise-attack@18.1 is the default release of the "
                        "store; name the release that replaces it with "
                        "--new_default"));
  // Nothing changed.
  EXPECT_THAT(Listed(*store_),
              ElementsAre("enterprise-attack@17.1", "enterprise-attack@18.1*",
                          "ics-attack@18.1"));
  EXPECT_EQ(RecordsOf(*store_, "enterprise-attack@18.1"), 5);

  auto gone =
      store_->DeleteRelease("enterprise-attack@18.1", "enterprise-attack@17.1");
  ASSERT_TRUE(gone.ok()) << gone.status();
  EXPECT_TRUE(gone->is_default());
  EXPECT_THAT(Listed(*store_),
              ElementsAre("enterprise-attack@17.1*", "ics-attack@18.1"));
  EXPECT_EQ(store_->ResolveRelease({})->key, "enterprise-attack@17.1");
  EXPECT_EQ(store_->ResolveRelease(Ref("enterprise-attack", ""))->key,
            "enterprise-attack@17.1");
  EXPECT_EQ(
      store_->GetTechnique(store_->ResolveRelease({})->key, "T1197")->name(),
      "BITS Jobs 17.1");
}

TEST_P(LifecycleTest, ADomainsLastReleaseTakesTheDomainAlong) {
  auto gone = store_->DeleteRelease("ics-attack@18.1", "");
  ASSERT_TRUE(gone.ok()) << gone.status();
  EXPECT_THAT(Listed(*store_),
              ElementsAre("enterprise-attack@17.1", "enterprise-attack@18.1*"));
  auto ics = store_->ResolveRelease(Ref("ics-attack", ""));
  EXPECT_EQ(ics.status().code(), absl::StatusCode::kNotFound);
  // Re-ingesting the domain makes it its default again.
  auto p = MakeRelease("ics-attack", "17.1");
  ASSERT_TRUE(store_->PutRelease(p.Records(), p.release, false).ok());
  EXPECT_EQ(store_->ResolveRelease(Ref("ics-attack", ""))->key,
            "ics-attack@17.1");
  EXPECT_EQ(store_->ResolveRelease({})->key, "enterprise-attack@18.1");
}

TEST_P(LifecycleTest, ANewDefaultFromTheWrongDomainIsRefused) {
  auto refused =
      store_->DeleteRelease("enterprise-attack@18.1", "ics-attack@18.1");
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(refused.status().message(),
              HasSubstr("--new_default must be one of them (stored: "
                        "enterprise-attack@17.1), not ics-attack@18.1"));
  auto unknown =
      store_->DeleteRelease("enterprise-attack@18.1", "enterprise-attack@9");
  EXPECT_EQ(unknown.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(Listed(*store_).size(), 3u);
}

// Durability and backups are RocksDB's: instantiated for RocksDB only.
class RocksDbLifecycleTest : public LifecycleTest {};

TEST_P(RocksDbLifecycleTest, DeletedReleaseStaysGoneAcrossReopenAndInBackups) {
  ASSERT_TRUE(rocksdb());
  ASSERT_TRUE(store_->DeleteRelease("enterprise-attack@17.1", "").ok());
  const std::string backups = TempDir("lifecycle-backups");
  auto backup = store_->CreateBackup(backups, 0);
  ASSERT_TRUE(backup.ok()) << backup.status();
  EXPECT_THAT(backup->summary(), HasSubstr("releases=2"));
  store_.reset();
  auto reopened = RocksDbStore::Open(dir_);
  ASSERT_TRUE(reopened.ok()) << reopened.status();
  EXPECT_THAT(Listed(**reopened),
              ElementsAre("enterprise-attack@18.1*", "ics-attack@18.1"));
  EXPECT_EQ(RecordsOf(**reopened, "enterprise-attack@17.1"), 0);
  const std::string restored_dir = TempDir("lifecycle-restored");
  ASSERT_TRUE(RestoreBackup(backups, 0, restored_dir).ok());
  auto restored = RocksDbStore::Open(restored_dir);
  ASSERT_TRUE(restored.ok()) << restored.status();
  EXPECT_THAT(Listed(**restored),
              ElementsAre("enterprise-attack@18.1*", "ics-attack@18.1"));
  EXPECT_EQ(RecordsOf(**restored, "enterprise-attack@17.1"), 0);
}

TEST_P(LifecycleTest, DeleteExperimentBumpsTheEvidenceGeneration) {
  cov::v1::Experiment e;
  e.set_id("EXP-000001");
  e.set_name("bits");
  e.add_results()->set_technique_id("T1197");
  ASSERT_TRUE(store_->PutExperiment(e).ok());
  cov::v1::Experiment other = e;
  other.set_id("EXP-000002");
  ASSERT_TRUE(store_->PutExperiment(other).ok());
  const int64_t generation = store_->EvidenceGeneration();
  auto gone = store_->DeleteExperiment("EXP-000001");
  ASSERT_TRUE(gone.ok()) << gone.status();
  EXPECT_EQ(gone->name(), "bits");
  EXPECT_EQ(gone->results_size(), 1);
  EXPECT_EQ(store_->EvidenceGeneration(), generation + 1);
  EXPECT_EQ(store_->GetExperiment("EXP-000001").status().code(),
            absl::StatusCode::kNotFound);
  std::vector<std::string> left;
  ASSERT_TRUE(store_
                  ->ForEachExperiment([&](const cov::v1::Experiment& x) {
                    left.push_back(x.id());
                    return true;
                  })
                  .ok());
  EXPECT_THAT(left, ElementsAre("EXP-000002"));
  auto unknown = store_->DeleteExperiment("EXP-000001");
  EXPECT_EQ(unknown.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(unknown.status().message(), "no experiment 'EXP-000001'");
  EXPECT_EQ(store_->EvidenceGeneration(), generation + 1);
}

INSTANTIATE_TEST_SUITE_P(Stores, LifecycleTest, ::testing::Bool(),
                         [](const ::testing::TestParamInfo<bool>& info) {
                           return info.param ? "RocksDb" : "Memory";
                         });

INSTANTIATE_TEST_SUITE_P(Stores, RocksDbLifecycleTest, ::testing::Values(true),
                         [](const ::testing::TestParamInfo<bool>&) {
                           return std::string("RocksDb");
                         });

}  // namespace
}  // namespace cov::server::store
