#include "server/engine/killchain.h"

namespace cov::server::engine {
namespace {

constexpr KillChainPhase kPhases[] = {
    {"reconnaissance", "Reconnaissance"},
    {"weaponization", "Weaponization"},
    {"delivery", "Delivery"},
    {"exploitation", "Exploitation"},
    {"installation", "Installation"},
    {"command-and-control", "Command and Control"},
    {"actions-on-objectives", "Actions on Objectives"},
};

constexpr int kActionsOnObjectives = 6;

struct Line {
  absl::string_view tactic;
  int phase;
};

// deploy/profiles/killchain-mapping.md justifies every line.
constexpr Line kMapping[] = {
    {"reconnaissance", 0},
    {"resource-development", 1},
    {"initial-access", 2},
    {"execution", 3},
    {"persistence", 4},
    {"privilege-escalation", 4},
    {"defense-evasion", 4},
    // ATT&CK v19 splits Defense Evasion in two; both halves stay where
    // Defense Evasion was.
    {"stealth", 4},
    {"defense-impairment", 4},
    // ICS's Defense Evasion.
    {"evasion", 4},
    {"command-and-control", 5},
};

}  // namespace

absl::Span<const KillChainPhase> KillChainPhases() { return kPhases; }

int KillChainPhaseOf(absl::string_view tactic_shortname) {
  for (const Line& line : kMapping) {
    if (line.tactic == tactic_shortname) return line.phase;
  }
  return kActionsOnObjectives;
}

}  // namespace cov::server::engine
