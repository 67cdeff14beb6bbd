#include "server/store/backup.h"

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/store/rocksdb_store.h"
#include "server/store/test_release.h"
#include "tests/temp_dir.h"

namespace cov::server::store {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::string TempDir(const std::string& name) {
  return cov::testing::FreshTempPath("backup-" + name);
}

TestRelease MakeRelease(const std::string& version) {
  TestRelease p;
  p.release.set_domain("enterprise-attack");
  p.release.set_version(version);
  cov::v1::Technique t;
  t.set_id("T1197");
  t.set_name("BITS Jobs " + version);
  p.techniques.push_back(t);
  return p;
}

void PutRelease(Store& s, const std::string& version) {
  auto p = MakeRelease(version);
  ASSERT_TRUE(s.PutRelease(p.Records(), p.release, false).ok());
}

void PutSource(Store& s, const std::string& name, int rules) {
  SourceUpdate u;
  u.source.set_name(name);
  u.source.set_rule_count(rules);
  SourceUpdate::ChangedFile f;
  f.file.set_path("a.yml");
  for (int i = 0; i < rules; ++i) {
    cov::v1::Rule r;
    r.set_uid(name + "-" + std::to_string(i));
    r.set_source(name);
    f.file.add_rule_uids(r.uid());
    f.rules.push_back(r);
  }
  u.changed_files.push_back(f);
  ASSERT_TRUE(s.ApplySourceUpdate(u).ok());
}

void PutExperiment(Store& s, const std::string& note) {
  auto id = s.NextExperimentId();
  ASSERT_TRUE(id.ok());
  cov::v1::Experiment e;
  e.set_id(*id);
  e.set_name(note);
  ASSERT_TRUE(s.PutExperiment(e).ok());
}

std::vector<std::string> ReleaseKeys(const Store& s) {
  std::vector<std::string> out;
  auto r = s.ListReleases();
  EXPECT_TRUE(r.ok());
  for (const auto& rel : *r) out.push_back(rel.domain() + "@" + rel.version());
  return out;
}

std::vector<std::string> ExperimentIds(const Store& s) {
  std::vector<std::string> out;
  EXPECT_TRUE(s.ForEachExperiment([&](const cov::v1::Experiment& e) {
                 out.push_back(e.id());
                 return true;
               }).ok());
  return out;
}

TEST(BackupTest, RoundTripsEachBackupAsItWas) {
  const std::string db = TempDir("rt-db"), backups = TempDir("rt-backups");
  auto s = RocksDbStore::Open(db);
  ASSERT_TRUE(s.ok()) << s.status();
  PutRelease(**s, "17.1");
  PutSource(**s, "sigma", 3);
  PutExperiment(**s, "first");
  auto b1 = (*s)->CreateBackup(backups, 0);
  ASSERT_TRUE(b1.ok()) << b1.status();
  EXPECT_EQ(b1->backup_id(), 1u);
  EXPECT_EQ(b1->summary(),
            "releases=1 sources=1 rules=3 library=0 experiments=1");
  EXPECT_GT(b1->size_bytes(), 0u);
  EXPECT_GT(b1->file_count(), 0u);

  PutRelease(**s, "18.1");
  PutSource(**s, "suricata", 2);
  PutExperiment(**s, "second");
  auto b2 = (*s)->CreateBackup(backups, 0);
  ASSERT_TRUE(b2.ok()) << b2.status();
  EXPECT_EQ(b2->backup_id(), 2u);
  EXPECT_EQ(b2->summary(),
            "releases=2 sources=2 rules=5 library=0 experiments=2");

  auto all = ListBackups(backups);
  ASSERT_TRUE(all.ok()) << all.status();
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].backup_id(), 1u);
  EXPECT_EQ((*all)[1].backup_id(), 2u);

  // Backup 1 comes back exactly as it was, though the store moved on.
  const std::string r1 = TempDir("rt-r1");
  auto restored1 = RestoreBackup(backups, 1, r1);
  ASSERT_TRUE(restored1.ok()) << restored1.status();
  EXPECT_EQ(restored1->backup_id(), 1u);
  {
    auto o = RocksDbStore::Open(r1);
    ASSERT_TRUE(o.ok()) << o.status();
    EXPECT_THAT(ReleaseKeys(**o), ElementsAre("enterprise-attack@17.1"));
    EXPECT_THAT(ExperimentIds(**o), ElementsAre("EXP-000001"));
    auto src = (*o)->ListSources();
    ASSERT_TRUE(src.ok());
    ASSERT_EQ(src->size(), 1u);
    EXPECT_EQ((*src)[0].name(), "sigma");
    auto t = (*o)->GetTechnique("enterprise-attack@17.1", "T1197");
    ASSERT_TRUE(t.ok());
    EXPECT_EQ(t->name(), "BITS Jobs 17.1");
    // The experiment sequence is restored too: no ID is handed out twice.
    auto next = (*o)->NextExperimentId();
    ASSERT_TRUE(next.ok());
    EXPECT_EQ(*next, "EXP-000002");
  }
  // 0 means the latest.
  const std::string r2 = TempDir("rt-r2");
  auto latest = RestoreBackup(backups, 0, r2);
  ASSERT_TRUE(latest.ok()) << latest.status();
  EXPECT_EQ(latest->backup_id(), 2u);
  auto o2 = RocksDbStore::Open(r2);
  ASSERT_TRUE(o2.ok());
  EXPECT_THAT(ReleaseKeys(**o2),
              ElementsAre("enterprise-attack@17.1", "enterprise-attack@18.1"));
  EXPECT_THAT(ExperimentIds(**o2), ElementsAre("EXP-000001", "EXP-000002"));
}

TEST(BackupTest, KeepPurgesOlderBackups) {
  const std::string db = TempDir("keep-db"), backups = TempDir("keep-b");
  auto s = RocksDbStore::Open(db);
  ASSERT_TRUE(s.ok());
  for (int i = 0; i < 3; ++i) {
    PutRelease(**s, "1" + std::to_string(i) + ".0");
    ASSERT_TRUE((*s)->CreateBackup(backups, 2).ok());
  }
  auto all = ListBackups(backups);
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].backup_id(), 2u);
  EXPECT_EQ((*all)[1].backup_id(), 3u);
}

TEST(BackupTest, ErrorsNameWhatIsWrongAndLeaveNothingBehind) {
  const std::string db = TempDir("err-db"), backups = TempDir("err-b");
  auto missing = ListBackups(backups);
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(std::string(missing.status().message()),
              HasSubstr(backups + " does not exist"));

  auto s = RocksDbStore::Open(db);
  ASSERT_TRUE(s.ok());
  PutRelease(**s, "18.1");
  ASSERT_TRUE((*s)->CreateBackup(backups, 0).ok());

  auto unknown = RestoreBackup(backups, 7, TempDir("err-r7"));
  EXPECT_EQ(unknown.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(std::string(unknown.status().message()),
              HasSubstr("backup 7 is not in"));

  // The target must be fresh: restoring over a store would destroy it.
  auto exists = RestoreBackup(backups, 1, db);
  EXPECT_EQ(exists.status().code(), absl::StatusCode::kAlreadyExists);

  // A damaged backup file fails verification; the target is removed.
  int damaged = 0;
  for (const auto& e : std::filesystem::recursive_directory_iterator(backups)) {
    if (e.path().extension() == ".sst" || e.path().extension() == ".log") {
      std::fstream f(e.path(), std::ios::in | std::ios::out | std::ios::binary);
      f.seekp(0);
      f.write("garbage!", 8);
      ++damaged;
    }
  }
  ASSERT_GT(damaged, 0);
  const std::string target = TempDir("err-damaged");
  auto bad = RestoreBackup(backups, 1, target);
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kDataLoss) << bad.status();
  EXPECT_FALSE(std::filesystem::exists(target));
}

// Writes go on during the backup: the restored store holds every write
// acknowledged before the backup began and a prefix of the later ones, never
// a gap (each experiment is one synced write, made in order).
TEST(BackupTest, BackupDuringWritesIsAConsistentPrefix) {
  const std::string db = TempDir("conc-db"), backups = TempDir("conc-b");
  auto s = RocksDbStore::Open(db);
  ASSERT_TRUE(s.ok());
  PutRelease(**s, "18.1");
  for (int i = 0; i < 20; ++i) PutExperiment(**s, "before");
  std::atomic<bool> stop{false};
  std::atomic<int> written{20};
  std::thread writer([&] {
    while (!stop.load()) {
      PutExperiment(**s, "during");
      written.fetch_add(1);
    }
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  const int before = written.load();
  auto b = (*s)->CreateBackup(backups, 0);
  const int after = written.load();
  stop.store(true);
  writer.join();
  ASSERT_TRUE(b.ok()) << b.status();

  const std::string target = TempDir("conc-r");
  ASSERT_TRUE(RestoreBackup(backups, 0, target).ok());
  auto o = RocksDbStore::Open(target);
  ASSERT_TRUE(o.ok());
  std::vector<std::string> ids = ExperimentIds(**o);
  ASSERT_GE(static_cast<int>(ids.size()), before);
  ASSERT_LE(static_cast<int>(ids.size()), after + 1);
  for (size_t i = 0; i < ids.size(); ++i) {
    char want[32];
    std::snprintf(want, sizeof(want), "EXP-%06zu", i + 1);
    EXPECT_EQ(ids[i], want);
  }
}

}  // namespace
}  // namespace cov::server::store
