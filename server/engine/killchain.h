// The Cyber Kill Chain view of ATT&CK: the seven Lockheed Martin phases and
// the one, versioned table mapping ATT&CK tactic shortnames onto them.
//
// The mapping and the reason for each line are documented in
// deploy/profiles/killchain-mapping.md; kKillChainMappingVersion names the
// version of that table, and changes whenever a line of it does.
//
//   reconnaissance                          -> Reconnaissance (1)
//   resource-development                    -> Weaponization (2)
//   initial-access                          -> Delivery (3)
//   execution                               -> Exploitation (4)
//   persistence, privilege-escalation,
//   defense-evasion, stealth,
//   defense-impairment (v19), evasion (ICS) -> Installation (5)
//   command-and-control                     -> Command and Control (6)
//   every other tactic                      -> Actions on Objectives (7)
//
// Example:
//   int phase = KillChainPhaseOf("persistence");     // 4 (0-based)
//   absl::string_view name = KillChainPhases()[phase].name;  // "Installation"
//
// Pure data; thread-safe.
#ifndef COV_SERVER_ENGINE_KILLCHAIN_H_
#define COV_SERVER_ENGINE_KILLCHAIN_H_

#include "absl/strings/string_view.h"
#include "absl/types/span.h"

namespace cov::server::engine {

// Version of the tactic -> phase table (CoverageResponse.killchain_mapping).
inline constexpr absl::string_view kKillChainMappingVersion = "cov-killchain-1";

struct KillChainPhase {
  absl::string_view key;   // "installation"
  absl::string_view name;  // "Installation"
};

// The seven phases in order (index 0 = Reconnaissance).
absl::Span<const KillChainPhase> KillChainPhases();

// 0-based index into KillChainPhases() of a tactic shortname
// (case-sensitive, as ATT&CK spells them). Total: a tactic the table does
// not name falls in Actions on Objectives (6).
int KillChainPhaseOf(absl::string_view tactic_shortname);

}  // namespace cov::server::engine

#endif  // COV_SERVER_ENGINE_KILLCHAIN_H_
