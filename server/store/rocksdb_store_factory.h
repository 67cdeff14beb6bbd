// The StoreFactory of covd: RocksDbStore::Open and the BackupEngine
// functions of backup.h.
//
//   store::RocksDbStoreFactory factory;
//   absl::StatusOr<std::unique_ptr<store::Store>> s = factory.Open(dir);
#ifndef COV_SERVER_STORE_ROCKSDB_STORE_FACTORY_H_
#define COV_SERVER_STORE_ROCKSDB_STORE_FACTORY_H_

#include "server/store/store_factory.h"

namespace cov::server::store {

class RocksDbStoreFactory final : public StoreFactory {
 public:
  absl::StatusOr<std::unique_ptr<Store>> Open(
      const std::string& dir) const override;
  absl::StatusOr<std::vector<cov::v1::BackupInfo>> ListBackups(
      const std::string& backup_dir) const override;
  absl::StatusOr<cov::v1::BackupInfo> FindBackup(
      const std::string& backup_dir, uint32_t backup_id) const override;
  absl::StatusOr<cov::v1::BackupInfo> RestoreBackup(
      const std::string& backup_dir, uint32_t backup_id,
      const std::string& target_dir) const override;
};

}  // namespace cov::server::store

#endif  // COV_SERVER_STORE_ROCKSDB_STORE_FACTORY_H_
