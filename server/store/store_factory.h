// How the server opens stores and their backups, without knowing the
// implementation: covd_main passes a RocksDbStoreFactory to the live store
// (server/service/live_store.h), tests may pass another.
//
//   store::RocksDbStoreFactory factory;
//   auto live = service::LiveStore::Open(options, &factory);
//
// Methods follow the contracts of RocksDbStore::Open and backup.h
// (ListBackups, FindBackup, RestoreBackup). Thread-safe.
#ifndef COV_SERVER_STORE_STORE_FACTORY_H_
#define COV_SERVER_STORE_STORE_FACTORY_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "cov/v1/admin.pb.h"
#include "server/store/store.h"

namespace cov::server::store {

class StoreFactory {
 public:
  virtual ~StoreFactory() = default;

  // Opens (creating when missing) the store in `dir`.
  virtual absl::StatusOr<std::unique_ptr<Store>> Open(
      const std::string& dir) const = 0;

  // The backups in `backup_dir`, oldest first; kNotFound when none.
  virtual absl::StatusOr<std::vector<cov::v1::BackupInfo>> ListBackups(
      const std::string& backup_dir) const = 0;

  // Backup `backup_id` of `backup_dir` (0: the latest).
  virtual absl::StatusOr<cov::v1::BackupInfo> FindBackup(
      const std::string& backup_dir, uint32_t backup_id) const = 0;

  // Restores backup `backup_id` into `target_dir` (must not exist).
  virtual absl::StatusOr<cov::v1::BackupInfo> RestoreBackup(
      const std::string& backup_dir, uint32_t backup_id,
      const std::string& target_dir) const = 0;
};

// A StoreFactory whose methods call the functions it is made with: the
// factories of the store implementations (RocksDbStoreFactory,
// MemoryStoreFactory) are such, each naming its functions once.
class FunctionStoreFactory : public StoreFactory {
 public:
  struct Functions {
    absl::StatusOr<std::unique_ptr<Store>> (*open)(const std::string& dir);
    absl::StatusOr<std::vector<cov::v1::BackupInfo>> (*list_backups)(
        const std::string& backup_dir);
    absl::StatusOr<cov::v1::BackupInfo> (*find_backup)(
        const std::string& backup_dir, uint32_t backup_id);
    absl::StatusOr<cov::v1::BackupInfo> (*restore_backup)(
        const std::string& backup_dir, uint32_t backup_id,
        const std::string& target_dir);
  };

  // Every function must be set.
  explicit FunctionStoreFactory(const Functions& functions)
      : functions_(functions) {}

  absl::StatusOr<std::unique_ptr<Store>> Open(
      const std::string& dir) const final {
    return functions_.open(dir);
  }
  absl::StatusOr<std::vector<cov::v1::BackupInfo>> ListBackups(
      const std::string& backup_dir) const final {
    return functions_.list_backups(backup_dir);
  }
  absl::StatusOr<cov::v1::BackupInfo> FindBackup(
      const std::string& backup_dir, uint32_t backup_id) const final {
    return functions_.find_backup(backup_dir, backup_id);
  }
  absl::StatusOr<cov::v1::BackupInfo> RestoreBackup(
      const std::string& backup_dir, uint32_t backup_id,
      const std::string& target_dir) const final {
    return functions_.restore_backup(backup_dir, backup_id, target_dir);
  }

 private:
  Functions functions_;
};

}  // namespace cov::server::store

#endif  // COV_SERVER_STORE_STORE_FACTORY_H_
