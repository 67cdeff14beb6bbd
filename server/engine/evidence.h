// Evidence tiers of techniques, from recorded validation results.
//
//   claimed    a counting rule names the technique, no test recorded;
//   validated  the latest result is detected/partial and every rule that
//              fired still has the revision it had then;
//   stale      the latest result is detected/partial but a rule that fired
//              has changed (or is gone) since;
//   failed     the latest result is missed.
// "" when there is neither a rule nor a result. Pure; thread-safe.
#ifndef COV_SERVER_ENGINE_EVIDENCE_H_
#define COV_SERVER_ENGINE_EVIDENCE_H_

#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "cov/v1/emulation.pb.h"
#include "server/engine/rule_index.h"

namespace cov::server::engine {

class EvidenceIndex {
 public:
  explicit EvidenceIndex(const std::vector<cov::v1::Experiment>& experiments);

  // The tier of `technique` given whether a counting rule claims it and the
  // current rules (for revision checks).
  std::string Tier(const std::string& technique, bool claimed,
                   const RuleIndex& rules) const;

  // The latest result of a technique, or nullptr.
  const cov::v1::ExperimentResult* Latest(const std::string& technique) const;

 private:
  absl::flat_hash_map<std::string, cov::v1::ExperimentResult> latest_;
};

}  // namespace cov::server::engine

#endif  // COV_SERVER_ENGINE_EVIDENCE_H_
