// Turns an alert file into validation results for an experiment: each alert
// in the experiment's time window is mapped to its rule(s) (EVE:
// alert.signature_id -> Suricata sid; JSON lines: rule ID -> rule uid) and
// through them to techniques; every technique of the experiment's plan that
// fired becomes a "detected" result naming the rules that fired, and every
// planned technique that did not becomes "missed". Streaming: memory does
// not grow with the number of alert lines. Pure apart from reading `content`.
#ifndef COV_SERVER_ENGINE_ALERT_MATCH_H_
#define COV_SERVER_ENGINE_ALERT_MATCH_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "cov/v1/emulation.pb.h"
#include "server/engine/rule_index.h"

namespace cov::server::engine {

struct AlertImport {
  cov::v1::ImportAlertsResponse response;  // counts, errors, results
};

// `format` is "eve" or "jsonl"; kInvalidArgument otherwise. Results carry
// recorded_at_unix = `now_unix`, rule uids and their current hashes.
absl::StatusOr<AlertImport> MatchAlerts(const cov::v1::Experiment& experiment,
                                        const RuleIndex& rules,
                                        absl::string_view format,
                                        absl::string_view content,
                                        absl::string_view file_name,
                                        int64_t now_unix);

}  // namespace cov::server::engine

#endif  // COV_SERVER_ENGINE_ALERT_MATCH_H_
