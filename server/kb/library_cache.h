// Test procedures by technique and CTID plans from every library source,
// reloaded when the store's LibraryGeneration() moves (after each library
// ingest).
//
//   kb::LibraryCache libraries(&store);
//   absl::StatusOr<std::shared_ptr<const kb::Library>> lib = libraries.Get();
//   (*lib)->tests["T1197"]   // the Atomic tests of T1197
//
// Thread-safe; a reload holds the lock. Errors are the store's.
#ifndef COV_SERVER_KB_LIBRARY_CACHE_H_
#define COV_SERVER_KB_LIBRARY_CACHE_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "cov/v1/emulation.pb.h"
#include "server/store/store.h"

namespace cov::server::kb {

struct Library {
  int64_t generation = -1;
  absl::flat_hash_map<std::string, std::vector<cov::v1::TestProcedure>> tests;
  std::vector<cov::v1::PlanResponse> plans;
};

class LibraryCache {
 public:
  // `store` must outlive the cache.
  explicit LibraryCache(const store::Store* store) : store_(store) {}

  absl::StatusOr<std::shared_ptr<const Library>> Get();

 private:
  const store::Store* store_;
  absl::Mutex mu_;
  std::shared_ptr<const Library> library_ ABSL_GUARDED_BY(mu_);
};

}  // namespace cov::server::kb

#endif  // COV_SERVER_KB_LIBRARY_CACHE_H_
