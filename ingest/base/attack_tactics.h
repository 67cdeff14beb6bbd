// The Enterprise ATT&CK tactic shortnames, in kill-chain order: the one list
// the parsers use to recognise tactic words in tags and metadata before a
// release is known (the release's own tactics are checked later).
#ifndef COV_INGEST_BASE_ATTACK_TACTICS_H_
#define COV_INGEST_BASE_ATTACK_TACTICS_H_

#include "absl/strings/string_view.h"

namespace cov::ingest {

// Enterprise ATT&CK up to v18.
inline constexpr absl::string_view kEnterpriseTactics[] = {
    "reconnaissance",  "resource-development",
    "initial-access",  "execution",
    "persistence",     "privilege-escalation",
    "defense-evasion", "credential-access",
    "discovery",       "lateral-movement",
    "collection",      "command-and-control",
    "exfiltration",    "impact",
};

// The shortnames v19's split of Defense Evasion adds.
inline constexpr absl::string_view kEnterpriseTacticsV19[] = {
    "stealth",
    "defense-impairment",
};

}  // namespace cov::ingest

#endif  // COV_INGEST_BASE_ATTACK_TACTICS_H_
