#include "server/store/backup.h"

#include <sys/stat.h>

#include <filesystem>
#include <memory>
#include <system_error>

#include "absl/strings/str_cat.h"
#include "rocksdb/db.h"
#include "rocksdb/env.h"
#include "rocksdb/utilities/backup_engine.h"
#include "server/store/rocksdb_store.h"
#include "server/store/schema.h"

namespace cov::server::store {
namespace {

// RocksDB status -> absl::Status for backup operations.
absl::Status FromRocks(const rocksdb::Status& s, absl::string_view what) {
  if (s.ok()) return absl::OkStatus();
  std::string msg = absl::StrCat(what, ": ", s.ToString());
  if (s.IsNotFound()) return absl::NotFoundError(msg);
  if (s.IsCorruption()) return absl::DataLossError(msg);
  if (s.IsInvalidArgument()) return absl::InvalidArgumentError(msg);
  return absl::UnavailableError(msg);
}

cov::v1::BackupInfo ToProto(const rocksdb::BackupInfo& b) {
  cov::v1::BackupInfo out;
  out.set_backup_id(b.backup_id);
  out.set_created_unix(b.timestamp);
  out.set_size_bytes(b.size);
  out.set_file_count(b.number_files);
  out.set_summary(b.app_metadata);
  return out;
}

rocksdb::BackupEngineOptions EngineOptions(const std::string& dir) {
  rocksdb::BackupEngineOptions options(dir);
  // Our writes are synced WriteBatches; the backup files are synced too so
  // a power loss right after CreateBackup cannot lose the backup.
  options.sync = true;
  options.max_background_operations = 2;
  return options;
}

std::vector<cov::v1::BackupInfo> AllInfos(
    const rocksdb::BackupEngineReadOnlyBase& engine) {
  std::vector<rocksdb::BackupInfo> infos;
  engine.GetBackupInfo(&infos);
  std::vector<cov::v1::BackupInfo> out;
  out.reserve(infos.size());
  for (const auto& b : infos) out.push_back(ToProto(b));
  return out;
}

absl::StatusOr<std::unique_ptr<rocksdb::BackupEngineReadOnly>> OpenReadOnly(
    const std::string& backup_dir) {
  rocksdb::BackupEngineReadOnly* raw = nullptr;
  absl::Status st =
      FromRocks(rocksdb::BackupEngineReadOnly::Open(
                    EngineOptions(backup_dir), rocksdb::Env::Default(), &raw),
                absl::StrCat("opening backup directory ", backup_dir));
  if (!st.ok()) return st;
  return std::unique_ptr<rocksdb::BackupEngineReadOnly>(raw);
}

bool IsDirectory(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

}  // namespace

std::string RocksDbStore::Summary() const {
  int releases = 0, sources = 0, library = 0, experiments = 0;
  int64_t rules = 0;
  if (auto r = ListReleases(); r.ok()) releases = static_cast<int>(r->size());
  if (auto s = ListSources(); s.ok()) {
    sources = static_cast<int>(s->size());
    for (const auto& src : *s) rules += src.rule_count();
  }
  if (auto l = ListLibrarySources(); l.ok()) {
    library = static_cast<int>(l->size());
  }
  (void)ForEachExperiment([&](const cov::v1::Experiment&) {
    ++experiments;
    return true;
  });
  return absl::StrCat("releases=", releases, " sources=", sources,
                      " rules=", rules, " library=", library,
                      " experiments=", experiments);
}

absl::StatusOr<cov::v1::BackupInfo> RocksDbStore::CreateBackup(
    const std::string& backup_dir, uint32_t keep) {
  if (backup_dir.empty()) {
    return absl::InvalidArgumentError("backup directory is empty");
  }
  std::error_code ec;
  std::filesystem::create_directories(backup_dir, ec);
  if (ec) {
    return absl::UnavailableError(absl::StrCat(
        "cannot create backup directory ", backup_dir, ": ", ec.message()));
  }
  const std::string summary = Summary();
  rocksdb::BackupEngine* raw = nullptr;
  absl::Status st =
      FromRocks(rocksdb::BackupEngine::Open(EngineOptions(backup_dir),
                                            rocksdb::Env::Default(), &raw),
                absl::StrCat("opening backup directory ", backup_dir));
  if (!st.ok()) return st;
  std::unique_ptr<rocksdb::BackupEngine> engine(raw);
  rocksdb::CreateBackupOptions options;
  // No flush: the backup copies the live WAL instead. Flushing the column
  // families one by one could let a write land between two flushes; the WAL
  // replays whole WriteBatches, so the restored store is never a mix.
  options.flush_before_backup = false;
  rocksdb::BackupID id = 0;
  st =
      FromRocks(engine->CreateNewBackupWithMetadata(options, db_, summary, &id),
                absl::StrCat("backing up ", dir_, " into ", backup_dir));
  if (!st.ok()) return st;
  if (keep > 0) {
    st = FromRocks(engine->PurgeOldBackups(keep),
                   absl::StrCat("purging old backups in ", backup_dir));
    if (!st.ok()) return st;
  }
  rocksdb::BackupInfo info;
  st = FromRocks(engine->GetBackupInfo(id, &info),
                 absl::StrCat("reading backup ", id, " in ", backup_dir));
  if (!st.ok()) return st;
  return ToProto(info);
}

absl::StatusOr<std::vector<cov::v1::BackupInfo>> ListBackups(
    const std::string& backup_dir) {
  // BackupEngineReadOnly would create nothing, but a missing directory is
  // reported more clearly by us.
  if (!IsDirectory(backup_dir)) {
    return absl::NotFoundError(
        absl::StrCat("backup directory ", backup_dir, " does not exist"));
  }
  absl::StatusOr<std::unique_ptr<rocksdb::BackupEngineReadOnly>> engine =
      OpenReadOnly(backup_dir);
  if (!engine.ok()) return engine.status();
  std::vector<cov::v1::BackupInfo> all = AllInfos(**engine);
  if (all.empty()) {
    return absl::NotFoundError(
        absl::StrCat("backup directory ", backup_dir, " holds no backup"));
  }
  return all;
}

absl::StatusOr<cov::v1::BackupInfo> FindBackup(const std::string& backup_dir,
                                               uint32_t backup_id) {
  absl::StatusOr<std::vector<cov::v1::BackupInfo>> all =
      ListBackups(backup_dir);
  if (!all.ok()) return all.status();
  if (backup_id == 0) return all->back();  // ListBackups: never empty
  for (const auto& b : *all) {
    if (b.backup_id() == backup_id) return b;
  }
  return absl::NotFoundError(absl::StrCat("backup ", backup_id, " is not in ",
                                          backup_dir, " (it holds ",
                                          all->size(), " backups)"));
}

absl::StatusOr<cov::v1::BackupInfo> RestoreBackup(
    const std::string& backup_dir, uint32_t backup_id,
    const std::string& target_dir) {
  std::error_code ec;
  if (std::filesystem::exists(target_dir, ec)) {
    return absl::AlreadyExistsError(
        absl::StrCat("restore target ", target_dir, " already exists"));
  }
  absl::StatusOr<cov::v1::BackupInfo> found = FindBackup(backup_dir, backup_id);
  if (!found.ok()) return found.status();
  const cov::v1::BackupInfo result = *std::move(found);
  absl::StatusOr<std::unique_ptr<rocksdb::BackupEngineReadOnly>> opened =
      OpenReadOnly(backup_dir);
  if (!opened.ok()) return opened.status();
  const std::unique_ptr<rocksdb::BackupEngineReadOnly> engine =
      *std::move(opened);
  absl::Status st =
      FromRocks(engine->VerifyBackup(result.backup_id(),
                                     /*verify_with_checksum=*/true),
                absl::StrCat("verifying backup ", result.backup_id(), " in ",
                             backup_dir));
  if (!st.ok()) return st;
  st = FromRocks(
      engine->RestoreDBFromBackup(rocksdb::RestoreOptions(), result.backup_id(),
                                  target_dir, target_dir),
      absl::StrCat("restoring backup ", result.backup_id(), " of ", backup_dir,
                   " into ", target_dir));
  if (!st.ok()) {
    std::filesystem::remove_all(target_dir, ec);
    return st;
  }
  return result;
}

}  // namespace cov::server::store
