#include "server/service/live_store.h"

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/store/backup.h"
#include "server/store/rocksdb_store.h"
#include "server/store/rocksdb_store_factory.h"
#include "server/store/test_release.h"
#include "tests/temp_dir.h"

namespace cov::server::service {
namespace {

namespace fs = std::filesystem;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

const store::RocksDbStoreFactory kFactory;

std::string TempDir(const std::string& name) {
  return cov::testing::FreshTempPath("live-" + name);
}

void PutRelease(store::Store* s, const std::string& version) {
  store::TestRelease p;
  p.release.set_domain("enterprise-attack");
  p.release.set_version(version);
  cov::v1::Technique t;
  t.set_id("T1197");
  t.set_name("BITS Jobs");
  p.techniques.push_back(t);
  ASSERT_TRUE(s->PutRelease(p.Records(), p.release, false).ok());
}

std::vector<std::string> Versions(const LiveStore& live) {
  std::vector<std::string> out;
  live.WithStore([&](store::Store* s) {
    auto r = s->ListReleases();
    ASSERT_TRUE(r.ok()) << r.status();
    for (const auto& rel : *r) out.push_back(rel.version());
  });
  return out;
}

std::vector<std::string> SnapshotFolders(const std::string& dir) {
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(dir)) {
    out.push_back(e.path().filename().string().substr(0, 11));
  }
  std::sort(out.begin(), out.end());
  return out;
}

TEST(LiveStorePrimaryTest, RestoreBringsBackABackupAndKeepsThePrevious) {
  const std::string db = TempDir("p-db"), backups = TempDir("p-backups");
  auto live = LiveStore::Open({db, "", nullptr}, &kFactory);
  ASSERT_TRUE(live.ok()) << live.status();
  EXPECT_FALSE((*live)->replica());
  (*live)->WithStore([&](store::Store* s) {
    PutRelease(s, "17.1");
    ASSERT_TRUE(s->CreateBackup(backups, 0).ok());
    PutRelease(s, "18.1");
  });
  EXPECT_THAT(Versions(**live), ElementsAre("17.1", "18.1"));

  cov::v1::RestoreBackupRequest req;
  req.set_backup_dir(backups);
  auto done = (*live)->Restore(req);
  ASSERT_TRUE(done.ok()) << done.status();
  EXPECT_TRUE(done->changed());
  EXPECT_EQ(done->backup().backup_id(), 1u);
  EXPECT_THAT(done->backup().summary(), HasSubstr("releases=1"));
  EXPECT_GT(done->pause_ms(), 0.0);
  EXPECT_THAT(Versions(**live), ElementsAre("17.1"));
  EXPECT_EQ((*live)->served_backup().backup_id(), 1u);

  // Nothing is lost: the store as it was is kept aside, whole.
  ASSERT_THAT(done->previous_store(), HasSubstr(db + ".pre-restore-"));
  {
    auto aside = store::RocksDbStore::Open(done->previous_store());
    ASSERT_TRUE(aside.ok()) << aside.status();
    EXPECT_EQ((*aside)->ListReleases()->size(), 2u);
  }
  // The restored store is the store at --db from now on (a restart sees it).
  live->reset();
  auto reopened = LiveStore::Open({db, "", nullptr}, &kFactory);
  ASSERT_TRUE(reopened.ok()) << reopened.status();
  EXPECT_THAT(Versions(**reopened), ElementsAre("17.1"));

  // only_if_newer: the served backup is not newer than itself... but the
  // reopened service no longer knows what it restored, so it restores again.
  req.set_only_if_newer(true);
  auto again = (*reopened)->Restore(req);
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->changed());
  auto third = (*reopened)->Restore(req);
  ASSERT_TRUE(third.ok());
  EXPECT_FALSE(third->changed());
  EXPECT_EQ(third->backup().backup_id(), 1u);
}

TEST(LiveStorePrimaryTest, FailedRestoreChangesNothing) {
  const std::string db = TempDir("f-db"), backups = TempDir("f-backups");
  auto live = LiveStore::Open({db, "", nullptr}, &kFactory);
  ASSERT_TRUE(live.ok());
  (*live)->WithStore([&](store::Store* s) {
    PutRelease(s, "17.1");
    ASSERT_TRUE(s->CreateBackup(backups, 0).ok());
    PutRelease(s, "18.1");
  });
  for (const auto& e : fs::recursive_directory_iterator(backups)) {
    if (e.path().extension() == ".sst" || e.path().extension() == ".log") {
      std::fstream f(e.path(), std::ios::in | std::ios::out | std::ios::binary);
      f.write("garbage!", 8);
    }
  }
  cov::v1::RestoreBackupRequest req;
  req.set_backup_dir(backups);
  auto done = (*live)->Restore(req);
  EXPECT_EQ(done.status().code(), absl::StatusCode::kDataLoss) << done.status();
  EXPECT_THAT(Versions(**live), ElementsAre("17.1", "18.1"));
  // No half-restored folder is left beside the store.
  for (const auto& e : fs::directory_iterator(fs::path(db).parent_path())) {
    EXPECT_THAT(e.path().string(), ::testing::Not(HasSubstr(".restore-")));
  }

  req.set_backup_dir("");
  EXPECT_EQ((*live)->Restore(req).status().code(),
            absl::StatusCode::kInvalidArgument);
  req.set_backup_dir(backups);
  req.set_backup_id(9);
  auto unknown = (*live)->Restore(req);
  EXPECT_EQ(unknown.status().code(), absl::StatusCode::kNotFound);
}

TEST(LiveStorePrimaryTest, BackupRootsConfineRestores) {
  const std::string db = TempDir("r-db"), root = TempDir("r-root");
  fs::create_directories(root);
  auto policy = auth::PathPolicy::Create({root}, "backup roots");
  ASSERT_TRUE(policy.ok());
  auto live = LiveStore::Open({db, "", &*policy}, &kFactory);
  ASSERT_TRUE(live.ok());
  cov::v1::RestoreBackupRequest req;
  req.set_backup_dir(root + "/../elsewhere");
  auto denied = (*live)->Restore(req);
  EXPECT_EQ(denied.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_THAT(std::string(denied.status().message()),
              HasSubstr("outside the backup roots"));
}

TEST(LiveStoreReplicaTest, ServesLatestBackupAndReloadsNewerOnes) {
  const std::string primary_db = TempDir("rep-primary"),
                    snapshots = TempDir("rep-snapshots"),
                    work = TempDir("rep-work");
  auto primary = store::RocksDbStore::Open(primary_db);
  ASSERT_TRUE(primary.ok());

  // Nothing published yet: an empty, not-ready store.
  auto live = LiveStore::Open({work, snapshots, nullptr}, &kFactory);
  ASSERT_TRUE(live.ok()) << live.status();
  EXPECT_TRUE((*live)->replica());
  EXPECT_TRUE(Versions(**live).empty());
  EXPECT_EQ((*live)->served_backup().backup_id(), 0u);

  PutRelease(primary->get(), "17.1");
  ASSERT_TRUE((*primary)->CreateBackup(snapshots, 0).ok());
  cov::v1::RestoreBackupRequest reload;
  reload.set_only_if_newer(true);
  auto first = (*live)->Restore(reload);
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_TRUE(first->changed());
  EXPECT_TRUE(first->previous_store().empty());
  EXPECT_THAT(Versions(**live), ElementsAre("17.1"));

  // Same backup again: nothing to do.
  auto same = (*live)->Restore(reload);
  ASSERT_TRUE(same.ok());
  EXPECT_FALSE(same->changed());

  PutRelease(primary->get(), "18.1");
  ASSERT_TRUE((*primary)->CreateBackup(snapshots, 0).ok());
  auto second = (*live)->Restore(reload);
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_TRUE(second->changed());
  EXPECT_EQ(second->backup().backup_id(), 2u);
  EXPECT_THAT(Versions(**live), ElementsAre("17.1", "18.1"));
  // Only the served snapshot stays on disk.
  EXPECT_THAT(SnapshotFolders(work), ElementsAre("snapshot-2-"));

  // A restart starts from the latest backup.
  live->reset();
  auto restarted = LiveStore::Open({work, snapshots, nullptr}, &kFactory);
  ASSERT_TRUE(restarted.ok()) << restarted.status();
  EXPECT_EQ((*restarted)->served_backup().backup_id(), 2u);
  EXPECT_THAT(Versions(**restarted), ElementsAre("17.1", "18.1"));
  EXPECT_THAT(SnapshotFolders(work), ElementsAre("snapshot-2-"));
}

TEST(LiveStoreReplicaTest, RefusesAPrimaryStoreAsItsWorkFolder) {
  const std::string db = TempDir("refuse-db");
  { ASSERT_TRUE(store::RocksDbStore::Open(db).ok()); }
  auto live = LiveStore::Open({db, TempDir("refuse-snap"), nullptr}, &kFactory);
  EXPECT_EQ(live.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(live.status().message()), HasSubstr("holds a store"));
}

// Readers never see a missing or half-swapped store while reloads run.
TEST(LiveStoreReplicaTest, ReadersDuringReloadsNeverFail) {
  const std::string primary_db = TempDir("conc-primary"),
                    snapshots = TempDir("conc-snapshots"),
                    work = TempDir("conc-work");
  auto primary = store::RocksDbStore::Open(primary_db);
  ASSERT_TRUE(primary.ok());
  PutRelease(primary->get(), "1.0");
  ASSERT_TRUE((*primary)->CreateBackup(snapshots, 0).ok());
  auto live = LiveStore::Open({work, snapshots, nullptr}, &kFactory);
  ASSERT_TRUE(live.ok());

  std::atomic<bool> stop{false};
  std::atomic<int> reads{0}, bad{0};
  std::vector<std::thread> readers;
  for (int i = 0; i < 3; ++i) {
    readers.emplace_back([&] {
      while (!stop.load()) {
        (*live)->WithStore([&](store::Store* s) {
          auto r = s->ListReleases();
          // Each snapshot holds releases 1.0 .. n.0: never empty.
          if (!r.ok() || r->empty()) bad.fetch_add(1);
          auto t = s->GetTechnique("enterprise-attack@1.0", "T1197");
          if (!t.ok()) bad.fetch_add(1);
        });
        reads.fetch_add(1);
      }
    });
  }
  cov::v1::RestoreBackupRequest reload;
  reload.set_only_if_newer(true);
  for (int n = 2; n <= 6; ++n) {
    PutRelease(primary->get(), std::to_string(n) + ".0");
    ASSERT_TRUE((*primary)->CreateBackup(snapshots, 0).ok());
    auto done = (*live)->Restore(reload);
    ASSERT_TRUE(done.ok()) << done.status();
    EXPECT_TRUE(done->changed());
  }
  stop.store(true);
  for (auto& t : readers) t.join();
  EXPECT_EQ(bad.load(), 0);
  EXPECT_GT(reads.load(), 10);
  EXPECT_EQ(Versions(**live).size(), 6u);
}

}  // namespace
}  // namespace cov::server::service
