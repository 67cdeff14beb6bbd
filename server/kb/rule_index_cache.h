// Caches the RuleIndex of each release, kept per rule source: a rule ingest
// or source deletion re-resolves only that source's rules, a changed
// release model (re-ingested release or other domains) all of them.
//
//   RuleIndexCache cache(&store);
//   auto index = cache.Get(kb, others);  // a query
//   store.ApplySourceUpdate(update);
//   cache.Refresh(kb, others);           // the writer, before acknowledging
//
// Copy-on-write: every build makes a new immutable index from the unchanged
// parts and the rebuilt ones, then swaps it in; an index handed out is never
// modified. Builds are serialised. A reader that finds its index older than
// the store's rules while another thread is building serves the index it
// has instead of waiting: writers call Refresh (which waits) before they
// acknowledge, so that index already holds every acknowledged write. A
// reader with no index of its model, or with a stale one while nobody
// builds, builds it itself.
#ifndef COV_SERVER_KB_RULE_INDEX_CACHE_H_
#define COV_SERVER_KB_RULE_INDEX_CACHE_H_

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "server/engine/rule_index.h"
#include "server/store/store.h"

namespace cov::server::kb {

class RuleIndexCache {
 public:
  // `store` must outlive the cache.
  explicit RuleIndexCache(const store::Store* store) : store_(store) {}

  // The index of all stored rules resolved against `kb` (and `others` for
  // wrong-domain checks). Builds on first use or after a change (see the
  // file comment for when it serves the previous index instead). Store
  // errors. Thread-safe.
  absl::StatusOr<std::shared_ptr<const engine::RuleIndex>> Get(
      const std::shared_ptr<const engine::KnowledgeBase>& kb,
      const engine::OtherDomains& others);

  // Drops the index built for release `key` and the model it kept alive
  // (a deleted release).
  void Evict(absl::string_view key);

  // An index and the rules generation it holds (at least every write up to
  // it; what answer caches key on).
  struct Versioned {
    std::shared_ptr<const engine::RuleIndex> index;
    int64_t generation = 0;
  };
  // Get, with the index's generation.
  absl::StatusOr<Versioned> GetVersioned(
      const std::shared_ptr<const engine::KnowledgeBase>& kb,
      const engine::OtherDomains& others);

  // Like Get, but always up to date with the rules stored when it is
  // called: waits for a build in progress, then rebuilds what changed.
  // What a writer calls after a rule write and before acknowledging it.
  absl::StatusOr<Versioned> Refresh(
      const std::shared_ptr<const engine::KnowledgeBase>& kb,
      const engine::OtherDomains& others);

  // Release keys that have a cached index, sorted.
  std::vector<std::string> CachedReleases() const;

  // Counters since construction, for tests and benchmarks.
  struct Stats {
    int64_t builds = 0;        // composites swapped in
    int64_t parts_built = 0;   // sources (re)resolved
    int64_t parts_reused = 0;  // sources carried over unchanged
    int64_t stale_served = 0;  // Get answers served during another build
  };
  Stats stats() const;

  // Called in every build after the generations are read and before the
  // rules are (tests hold a build there). Set before any concurrent use.
  void SetBuildHookForTesting(std::function<void()> hook) {
    build_hook_ = std::move(hook);
  }

 private:
  // One release's index and what it was built from. Immutable once shared.
  struct Entry {
    std::shared_ptr<const engine::KnowledgeBase> kb;
    engine::OtherDomains others;
    int64_t generation = -1;  // RulesGeneration read before the rules
    std::map<std::string, int64_t> source_generations;
    std::map<std::string, std::shared_ptr<const engine::RuleIndexPart>> parts;
    std::shared_ptr<const engine::RuleIndex> index;
  };

  static bool SameModel(const Entry& e, const engine::KnowledgeBase* kb,
                        const engine::OtherDomains& others);
  std::shared_ptr<const Entry> Lookup(const std::string& release_key) const
      ABSL_LOCKS_EXCLUDED(mu_);
  // Builds (incrementally from the cached entry when the model is the same)
  // and publishes the index of (kb, others) at the store's current rules.
  absl::StatusOr<Versioned> Build(
      const std::shared_ptr<const engine::KnowledgeBase>& kb,
      const engine::OtherDomains& others)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(build_mu_);

  const store::Store* store_;
  // Held while building; never while serving.
  absl::Mutex build_mu_ ABSL_ACQUIRED_BEFORE(mu_);
  // Guards the map of published entries (held only to read or swap them).
  mutable absl::Mutex mu_;
  absl::flat_hash_map<std::string, std::shared_ptr<const Entry>> entries_
      ABSL_GUARDED_BY(mu_);
  Stats stats_ ABSL_GUARDED_BY(mu_);
  std::function<void()> build_hook_;
};

}  // namespace cov::server::kb

#endif  // COV_SERVER_KB_RULE_INDEX_CACHE_H_
