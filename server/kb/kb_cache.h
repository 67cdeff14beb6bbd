// Caches one immutable KnowledgeBase per release, rebuilt from the store when
// the release is re-ingested (detected by its sha256 and ingest time).
#ifndef COV_SERVER_KB_KB_CACHE_H_
#define COV_SERVER_KB_KB_CACHE_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "server/engine/knowledge_base.h"
#include "server/store/store.h"

namespace cov::server::kb {

class KbCache {
 public:
  // `store` must outlive the cache.
  explicit KbCache(const store::Store* store) : store_(store) {}

  // The model of `release`, loading it on first use (about 100 ms for
  // enterprise 18.1). Thread-safe; concurrent first calls load once.
  absl::StatusOr<std::shared_ptr<const engine::KnowledgeBase>> Get(
      const store::StoredRelease& release);

  // Drops the model of release `key` (a deleted release): the cache no
  // longer holds it, and a release stored again under the same key is
  // loaded afresh even with the same sha256 and ingest second. Callers
  // holding the model keep it until they let go.
  void Evict(absl::string_view key);

  // Release keys with a cached model, sorted (for tests and metrics).
  std::vector<std::string> CachedKeys();

 private:
  struct Entry {
    std::string fingerprint;
    std::shared_ptr<const engine::KnowledgeBase> kb;
  };
  const store::Store* store_;
  absl::Mutex mu_;
  absl::flat_hash_map<std::string, Entry> entries_ ABSL_GUARDED_BY(mu_);
};

}  // namespace cov::server::kb

#endif  // COV_SERVER_KB_KB_CACHE_H_
