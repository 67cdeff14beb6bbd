// Caches the RuleIndex of (release, rules generation): rebuilt when rules
// are re-ingested or the release is re-loaded, shared otherwise.
#ifndef COV_SERVER_KB_RULE_INDEX_CACHE_H_
#define COV_SERVER_KB_RULE_INDEX_CACHE_H_

#include <memory>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "server/engine/rule_index.h"
#include "server/store/store.h"

namespace cov::server::kb {

class RuleIndexCache {
 public:
  explicit RuleIndexCache(const store::Store* store) : store_(store) {}

  // The index of all stored rules resolved against `kb` (and `others` for
  // wrong-domain checks). Loads on first use or after a change; loading
  // holds the lock so concurrent callers wait for one load. Thread-safe.
  absl::StatusOr<std::shared_ptr<const engine::RuleIndex>> Get(
      const std::shared_ptr<const engine::KnowledgeBase>& kb,
      const engine::OtherDomains& others);

  // Drops the index built for release `key` and the model it kept alive
  // (a deleted release).
  void Evict(absl::string_view key);

 private:
  struct Entry {
    const engine::KnowledgeBase* kb = nullptr;  // identity of the model
    int64_t generation = -1;
    std::shared_ptr<const engine::RuleIndex> index;
  };
  const store::Store* store_;
  absl::Mutex mu_;
  absl::flat_hash_map<std::string, Entry> entries_ ABSL_GUARDED_BY(mu_);
  // Keeps models alive while an entry points at them.
  absl::flat_hash_map<std::string, std::shared_ptr<const engine::KnowledgeBase>>
      models_ ABSL_GUARDED_BY(mu_);
};

}  // namespace cov::server::kb

#endif  // COV_SERVER_KB_RULE_INDEX_CACHE_H_
