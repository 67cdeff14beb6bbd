// Backups of a RocksDbStore with RocksDB's BackupEngine, and restores into a
// fresh directory. Only this package touches RocksDB; callers see
// cov.v1.BackupInfo records.
//
//   absl::StatusOr<cov::v1::BackupInfo> b = store->CreateBackup("/backups", 7);
//   absl::StatusOr<std::vector<cov::v1::BackupInfo>> all =
//       ListBackups("/backups");
//   absl::StatusOr<cov::v1::BackupInfo> r =
//       RestoreBackup("/backups", 0, "/var/lib/cov.incoming");  // 0: latest
//
// A backup directory holds numbered, checksummed, incremental backups (SST
// files shared between backups are stored once). Several processes may read
// a backup directory at once; only one may write it at a time (RocksDB leaves
// concurrent writers unspecified), so one primary or ingest job owns it.
#ifndef COV_SERVER_STORE_BACKUP_H_
#define COV_SERVER_STORE_BACKUP_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "cov/v1/admin.pb.h"

namespace cov::server::store {

// The backups in `backup_dir`, oldest first. kNotFound when the directory
// does not exist or holds no backup; kDataLoss when its metadata is corrupt.
absl::StatusOr<std::vector<cov::v1::BackupInfo>> ListBackups(
    const std::string& backup_dir);

// Backup `backup_id` of `backup_dir` (0: the latest). kNotFound naming the
// directory when it, or the backup, is missing.
absl::StatusOr<cov::v1::BackupInfo> FindBackup(const std::string& backup_dir,
                                               uint32_t backup_id);

// Verifies the checksums of backup `backup_id` (0: the latest) and restores
// it into `target_dir`, which must not exist yet. On any error `target_dir`
// is removed again, so a failed restore leaves nothing behind. kNotFound for
// an unknown backup or directory, kDataLoss when a checksum does not match,
// kAlreadyExists when `target_dir` exists.
absl::StatusOr<cov::v1::BackupInfo> RestoreBackup(
    const std::string& backup_dir, uint32_t backup_id,
    const std::string& target_dir);

}  // namespace cov::server::store

#endif  // COV_SERVER_STORE_BACKUP_H_
