#include "server/engine/evidence.h"

namespace cov::server::engine {

EvidenceIndex::EvidenceIndex(
    const std::vector<cov::v1::Experiment>& experiments) {
  for (const auto& e : experiments) {
    for (const auto& r : e.results()) {
      auto it = latest_.find(r.technique_id());
      // Later records win; on equal times the later experiment/record does.
      if (it == latest_.end() ||
          r.recorded_at_unix() >= it->second.recorded_at_unix()) {
        latest_[r.technique_id()] = r;
      }
    }
  }
}

const cov::v1::ExperimentResult* EvidenceIndex::Latest(
    const std::string& technique) const {
  auto it = latest_.find(technique);
  return it == latest_.end() ? nullptr : &it->second;
}

std::string EvidenceIndex::Tier(const std::string& technique, bool claimed,
                                const RuleIndex& rules) const {
  const cov::v1::ExperimentResult* r = Latest(technique);
  if (r == nullptr) return claimed ? "claimed" : "";
  if (r->outcome() == "missed") return "failed";
  for (int i = 0; i < r->rule_uids_size(); ++i) {
    int idx = rules.FindUid(r->rule_uids(i));
    if (idx < 0) return "stale";
    if (i < r->rule_hashes_size() &&
        rules.rules()[idx].content_hash != r->rule_hashes(i)) {
      return "stale";
    }
  }
  return "validated";
}

}  // namespace cov::server::engine
