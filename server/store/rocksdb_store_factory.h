// The StoreFactory of covd: RocksDbStore::Open and the BackupEngine
// functions of backup.h.
//
//   store::RocksDbStoreFactory factory;
//   absl::StatusOr<std::unique_ptr<store::Store>> s = factory.Open(dir);
#ifndef COV_SERVER_STORE_ROCKSDB_STORE_FACTORY_H_
#define COV_SERVER_STORE_ROCKSDB_STORE_FACTORY_H_

#include "server/store/store_factory.h"

namespace cov::server::store {

class RocksDbStoreFactory final : public FunctionStoreFactory {
 public:
  RocksDbStoreFactory();
};

}  // namespace cov::server::store

#endif  // COV_SERVER_STORE_ROCKSDB_STORE_FACTORY_H_
