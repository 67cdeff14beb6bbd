// ATT&CK ID shapes shared by the parsers that read IDs from fixed fields
// (Elastic threat tables, Splunk tags, Sentinel relevantTechniques, Navigator
// layers, CSV mappings), and the AttackRef they all build.
//
//   std::string id = NormalizeTechniqueId(" t1059.001 ");  // "T1059.001"
//   cov::v1::AttackRef r = MakeAttackRef("T1059.001", id, "technique", 12,
//                                        "tags.mitre_attack_id");
//
// Pure functions; thread-safe.
#ifndef COV_INGEST_BASE_ATTACK_IDS_H_
#define COV_INGEST_BASE_ATTACK_IDS_H_

#include <string>

#include "absl/strings/string_view.h"
#include "cov/v1/rules.pb.h"

namespace cov::ingest {

// True for T#### and T####.### (upper-case T, ASCII digits).
bool IsTechniqueId(absl::string_view id);

// True for TA#### (upper-case).
bool IsTacticId(absl::string_view id);

// `raw` without surrounding blanks and upper-cased when that makes a
// technique ID ("t1059.001" -> "T1059.001"); "" otherwise.
std::string NormalizeTechniqueId(absl::string_view raw);

// The same for tactic IDs ("ta0005" -> "TA0005"); "" otherwise.
std::string NormalizeTacticId(absl::string_view raw);

// An unresolved reference (status REF_STATUS_UNSPECIFIED).
cov::v1::AttackRef MakeAttackRef(absl::string_view raw, absl::string_view id,
                                 absl::string_view kind, int line,
                                 absl::string_view origin);

}  // namespace cov::ingest

#endif  // COV_INGEST_BASE_ATTACK_IDS_H_
