// The techniques a stored rule covers, as coverage counts them.
//
// A rule covers the technique references (AttackRef.kind "technique") that
// resolve against the release: VALID ones by their ID, REVOKED ones through
// their replacement (resolved_id). DEPRECATED, UNKNOWN and WRONG_DOMAIN
// references never count (README, "Coverage semantics"). A reference not
// resolved yet (REF_STATUS_UNSPECIFIED, e.g. straight from a parser) counts
// by its own ID.
//
//   std::vector<std::string> ids = TechniquesOf(rule);  // {"T1059.001"}
//
// Thread-safe: pure function.
#ifndef COV_SERVER_SCAN_RULE_TECHNIQUES_H_
#define COV_SERVER_SCAN_RULE_TECHNIQUES_H_

#include <string>
#include <vector>

#include "cov/v1/rules.pb.h"

namespace cov::server::scan {

// Technique IDs of `rule`, sorted and distinct.
std::vector<std::string> TechniquesOf(const cov::v1::Rule& rule);

}  // namespace cov::server::scan

#endif  // COV_SERVER_SCAN_RULE_TECHNIQUES_H_
