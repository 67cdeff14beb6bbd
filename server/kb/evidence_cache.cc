#include "server/kb/evidence_cache.h"

#include <vector>

namespace cov::server::kb {

absl::StatusOr<std::shared_ptr<const engine::EvidenceIndex>>
EvidenceCache::Get() {
  absl::MutexLock lock(&mu_);
  // Read before the experiments: a concurrent write at worst causes one
  // more rebuild, never a stale index served as current.
  const int64_t gen = store_->EvidenceGeneration();
  if (index_ != nullptr && generation_ == gen) return index_;
  std::vector<cov::v1::Experiment> all;
  absl::Status st =
      store_->ForEachExperiment([&](const cov::v1::Experiment& e) {
        all.push_back(e);
        return true;
      });
  if (!st.ok()) return st;
  index_ = std::make_shared<const engine::EvidenceIndex>(all);
  generation_ = gen;
  return index_;
}

}  // namespace cov::server::kb
