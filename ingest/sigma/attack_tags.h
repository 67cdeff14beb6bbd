// Classifies Sigma tags of the `attack.` namespace into ATT&CK references.
//
//   attack.t1059.001         -> technique T1059.001
//   attack.ta0005            -> tactic    TA0005
//   attack.defense-evasion   -> tactic    defense-evasion
//   attack.defense_evasion   -> tactic    defense-evasion (legacy spelling)
//   attack.g0032 / s0002 / c0010 -> group / software / campaign
//
// Any other `attack.<word>` made of letters, '-' and '_' is taken as a tactic
// shortname (so v19 names such as `attack.stealth` pass through; whether the
// tactic exists is decided when resolving against a release). ATT&CK objects
// that are not coverage references (mitigations M####, data sources DS####,
// data components DC####, analytics AN####, detection strategies DET####)
// and a few words that are never tactics are ignored. Tags of other
// namespaces (cve., car., detection., stp., tlp., ...) are not ATT&CK.
//
// Pure functions; thread-safe.
#ifndef COV_INGEST_SIGMA_ATTACK_TAGS_H_
#define COV_INGEST_SIGMA_ATTACK_TAGS_H_

#include <string>

#include "absl/strings/string_view.h"

namespace cov::ingest::sigma {

enum class TagClass {
  kNotAttack,  // another namespace, or no namespace at all
  kReference,  // an ATT&CK reference: `id` and `kind` are set
  kIgnored,    // ATT&CK namespace, but not a technique/tactic/actor reference
  kMalformed,  // `attack.` followed by something unusable (e.g. `t10`)
};

struct AttackTag {
  std::string id;    // "T1059.001", "TA0005", "defense-evasion", "G0032"
  std::string kind;  // "technique", "tactic", "group", "software", "campaign"
};

// Classifies one tag (case-insensitive, surrounding blanks ignored). `out`
// is filled only for kReference.
TagClass ClassifyTag(absl::string_view tag, AttackTag* out);

// True for the 14 Enterprise tactic shortnames of ATT&CK v18
// (reconnaissance ... impact).
bool IsEnterpriseTacticShortname(absl::string_view shortname);

}  // namespace cov::ingest::sigma

#endif  // COV_INGEST_SIGMA_ATTACK_TAGS_H_
