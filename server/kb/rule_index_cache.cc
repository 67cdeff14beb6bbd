#include "server/kb/rule_index_cache.h"

#include <utility>
#include <vector>

namespace cov::server::kb {

absl::StatusOr<std::shared_ptr<const engine::RuleIndex>> RuleIndexCache::Get(
    const std::shared_ptr<const engine::KnowledgeBase>& kb,
    const engine::OtherDomains& others) {
  absl::MutexLock lock(&mu_);
  // Read the generation before the rules: a concurrent ingest then at worst
  // makes the next call rebuild again, never serves stale rules as fresh.
  const int64_t generation = store_->RulesGeneration();
  Entry& e = entries_[kb->release_key()];
  if (e.kb == kb.get() && e.generation == generation && e.index != nullptr) {
    return e.index;
  }
  std::vector<cov::v1::Rule> rules;
  absl::Status st = store_->ForEachRule("", [&](const cov::v1::Rule& r) {
    rules.push_back(r);
    return true;
  });
  if (!st.ok()) return st;
  auto index =
      std::make_shared<const engine::RuleIndex>(*kb, others, std::move(rules));
  e.kb = kb.get();
  e.generation = generation;
  e.index = index;
  models_[kb->release_key()] = kb;
  return index;
}

void RuleIndexCache::Evict(absl::string_view key) {
  absl::MutexLock lock(&mu_);
  entries_.erase(std::string(key));
  models_.erase(std::string(key));
}

}  // namespace cov::server::kb
