// Caches compiled Sigma rule sets (engine/sigma_eval/rule_set.h) by the
// selection of rules they hold, so a rule set is compiled once per rule
// change, not once per replay.
//
// A selection is the stored Sigma detection rules of some sources (empty:
// every source), enabled, at or above a Sigma status/level floor. An entry
// is rebuilt when the store's RulesGeneration() moved; at most
// `max_entries` selections are kept (least recently used dropped).
// Compiling holds the cache's lock: concurrent callers wait for one
// compile. Thread-safe; `store` must outlive the cache.
#ifndef COV_SERVER_REPLAY_SIGMA_SET_CACHE_H_
#define COV_SERVER_REPLAY_SIGMA_SET_CACHE_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "server/engine/sigma_eval/rule_set.h"
#include "server/store/store.h"

namespace cov::server::replay {

struct RuleSelection {
  // Rule sources; empty: all.
  std::vector<std::string> sources;
  // Sigma status/level floors as ranked by engine/coverage (0: none).
  int min_status = 0;
  int min_level = 0;
  // Also rules that are disabled.
  bool include_disabled = false;
};

class SigmaSetCache {
 public:
  explicit SigmaSetCache(const store::Store* store, size_t max_entries = 8)
      : store_(store), max_entries_(max_entries) {}

  // The compiled set of `selection`. kNotFound naming a source that is not
  // stored; store errors otherwise.
  absl::StatusOr<std::shared_ptr<const engine::sigma_eval::RuleSet>> Get(
      const RuleSelection& selection);

  // The Sigma correlation rules of the selection (the compiled set holds
  // detection rules only), from the same load as Get.
  absl::StatusOr<std::vector<cov::v1::Rule>> Correlations(
      const RuleSelection& selection);

 private:
  struct Entry {
    int64_t generation = -1;
    uint64_t last_use = 0;
    std::shared_ptr<const engine::sigma_eval::RuleSet> set;
    std::vector<cov::v1::Rule> correlations;
  };
  absl::StatusOr<Entry*> Load(const RuleSelection& selection)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const store::Store* store_;
  const size_t max_entries_;
  absl::Mutex mu_;
  uint64_t clock_ ABSL_GUARDED_BY(mu_) = 0;
  absl::flat_hash_map<std::string, Entry> entries_ ABSL_GUARDED_BY(mu_);
};

}  // namespace cov::server::replay

#endif  // COV_SERVER_REPLAY_SIGMA_SET_CACHE_H_
