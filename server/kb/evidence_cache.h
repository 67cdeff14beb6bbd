// The evidence index of every stored experiment, rebuilt when the store's
// EvidenceGeneration() moves (after each experiment write).
//
//   kb::EvidenceCache evidence(&store);
//   absl::StatusOr<std::shared_ptr<const engine::EvidenceIndex>> e =
//       evidence.Get();
//
// Thread-safe; a rebuild holds the lock, so concurrent callers wait for one
// load. Errors are the store's.
#ifndef COV_SERVER_KB_EVIDENCE_CACHE_H_
#define COV_SERVER_KB_EVIDENCE_CACHE_H_

#include <cstdint>
#include <memory>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "server/engine/evidence.h"
#include "server/store/store.h"

namespace cov::server::kb {

class EvidenceCache {
 public:
  // `store` must outlive the cache.
  explicit EvidenceCache(const store::Store* store) : store_(store) {}

  absl::StatusOr<std::shared_ptr<const engine::EvidenceIndex>> Get();

 private:
  const store::Store* store_;
  absl::Mutex mu_;
  int64_t generation_ ABSL_GUARDED_BY(mu_) = -1;
  std::shared_ptr<const engine::EvidenceIndex> index_ ABSL_GUARDED_BY(mu_);
};

}  // namespace cov::server::kb

#endif  // COV_SERVER_KB_EVIDENCE_CACHE_H_
