// ATT&CK references in YARA rules: meta entries and rule tags.
//
// YARA has no standard ATT&CK key. What the corpora and the wild use (survey
// of ../shared/corpus/yara, see SOURCE.txt there):
//   * attack-tagged: `mitre_att` (CCCS convention, 46 entries, one ID each,
//     technique or software ID) and rule tags `TA0002 T1059 T1059_007`.
//   * signature-base: no ATT&CK meta key at all; 4 rules carry technique tags
//     (`T1552_004`, `T1003_003`, `T1090`) and 3 `reference` values point at
//     attack.mitre.org technique pages. Its `tags` meta (2 rules) holds free
//     words ("RAT, Windows, ...").
//   * elsewhere: `mitre_attack = "T1027, T1083"`, `mitre_att_tactic`,
//     `mitre_att_technique`, `mitre_technique_id`, YARA Forge's
//     `tags = "T1027, FILE"`; values such as "TA0002:T1059",
//     "T1055.012|T1555.003", "T1059.001 - PowerShell", "t1059_001".
//
// Supported meta keys (compared case-insensitively):
//   ATT&CK keys — every ID kind, campaigns included:
//     any key starting with `mitre` (mitre_att, mitre_attack, mitre_att_*,
//     mitre_attack_*, mitre_technique, mitre_technique_id, mitre_tactic,
//     mitre_tactic_id, mitre_ttp, ...), and attack, attack_id, attack_ids,
//     attack_technique(s), attack_technique_id, attack_tactic(s),
//     attack_tactic_id, attck, attck_id, technique, techniques,
//     technique_id, technique_ids, tactic, tactics, tactic_id, ttp, ttps.
//     Keys naming tactics (containing "tactic") also yield tactic names
//     ("Defense Evasion", "defense_evasion" -> `defense-evasion`).
//   `tags` (YARA Forge): techniques, tactics, software and groups; no
//     campaigns (a C#### there is too likely to be something else).
//   any key: attack.mitre.org URLs (".../techniques/T1552/004/" ->
//     T1552.004, likewise tactics/, software/, groups/, campaigns/).
// IDs are tokens with word boundaries: T####, T####.###, T####_###
// (technique), TA#### (tactic), S#### (software), G#### (group), C####
// (campaign), any case; they are normalised to upper case with `.`.
// Rule tags are whole identifiers: T1059, T1059_001, TA0005, S0378, G0032.
//
// Origins: "meta:<key as written>" and "tag". Functions are pure and
// thread-safe; they append to `out` without deduplicating.
#ifndef COV_INGEST_YARA_ATTACK_META_H_
#define COV_INGEST_YARA_ATTACK_META_H_

#include <vector>

#include "absl/strings/string_view.h"
#include "cov/v1/rules.pb.h"

namespace cov::ingest::yara {

// What a meta key may carry.
enum class MetaKeyClass {
  kOther,   // only attack.mitre.org URLs are looked for
  kTags,    // T/TA/S/G IDs, no campaigns
  kAttack,  // every ID kind
};

// Classifies a meta key (case-insensitive).
MetaKeyClass ClassifyMetaKey(absl::string_view key);

// Appends the references in the value of meta entry `key` (written at
// `line`) to `out`, in the order they appear in the value.
void ExtractMetaRefs(absl::string_view key, absl::string_view value, int line,
                     std::vector<cov::v1::AttackRef>* out);

// Appends the reference rule tag `tag` (at `line`) stands for, if any.
void ExtractTagRef(absl::string_view tag, int line,
                   std::vector<cov::v1::AttackRef>* out);

}  // namespace cov::ingest::yara

#endif  // COV_INGEST_YARA_ATTACK_META_H_
