#include "server/store/rocksdb_store_factory.h"

#include <memory>
#include <string>
#include <utility>

#include "server/store/backup.h"
#include "server/store/rocksdb_store.h"

namespace cov::server::store {
namespace {

absl::StatusOr<std::unique_ptr<Store>> OpenRocksDb(const std::string& dir) {
  absl::StatusOr<std::unique_ptr<RocksDbStore>> s = RocksDbStore::Open(dir);
  if (!s.ok()) return s.status();
  return std::unique_ptr<Store>(*std::move(s));
}

}  // namespace

RocksDbStoreFactory::RocksDbStoreFactory()
    : FunctionStoreFactory({&OpenRocksDb, &store::ListBackups,
                            &store::FindBackup, &store::RestoreBackup}) {}

}  // namespace cov::server::store
