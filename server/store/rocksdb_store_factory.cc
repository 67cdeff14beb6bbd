#include "server/store/rocksdb_store_factory.h"

#include "server/store/backup.h"
#include "server/store/rocksdb_store.h"

namespace cov::server::store {

absl::StatusOr<std::unique_ptr<Store>> RocksDbStoreFactory::Open(
    const std::string& dir) const {
  absl::StatusOr<std::unique_ptr<RocksDbStore>> s = RocksDbStore::Open(dir);
  if (!s.ok()) return s.status();
  return std::unique_ptr<Store>(*std::move(s));
}

absl::StatusOr<std::vector<cov::v1::BackupInfo>>
RocksDbStoreFactory::ListBackups(const std::string& backup_dir) const {
  return store::ListBackups(backup_dir);
}

absl::StatusOr<cov::v1::BackupInfo> RocksDbStoreFactory::FindBackup(
    const std::string& backup_dir, uint32_t backup_id) const {
  return store::FindBackup(backup_dir, backup_id);
}

absl::StatusOr<cov::v1::BackupInfo> RocksDbStoreFactory::RestoreBackup(
    const std::string& backup_dir, uint32_t backup_id,
    const std::string& target_dir) const {
  return store::RestoreBackup(backup_dir, backup_id, target_dir);
}

}  // namespace cov::server::store
