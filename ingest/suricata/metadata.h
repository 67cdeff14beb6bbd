// Suricata `metadata` option values and the ATT&CK references they carry.
//
// A metadata value is a comma-separated list of `key value` pairs; keys may
// repeat (`metadata:tag Phishing, tag Ransomware;`). ET Open tags rules with
// `mitre_tactic_id TA0011, mitre_tactic_name Command_And_Control,
// mitre_technique_id T1568, mitre_technique_name Dynamic_Resolution`.
//
//   std::vector<MetadataEntry> entries;
//   SplitMetadata("mitre_tactic_id TA0011, mitre_technique_id T1568",
//   &entries); std::vector<ExtractedAttackRef> refs;
//   std::vector<AttackRefProblem> problems;
//   ExtractAttackRefs(entries, &refs, &problems);
//   // refs: {TA0011, tactic}, {T1568, technique}
//
// All functions are pure and thread-safe.
#ifndef COV_INGEST_SURICATA_METADATA_H_
#define COV_INGEST_SURICATA_METADATA_H_

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/types/span.h"

namespace cov::ingest::suricata {

// One `key value` pair. Views point into the text given to SplitMetadata.
struct MetadataEntry {
  absl::string_view key;    // first word
  absl::string_view value;  // the rest, trimmed; may be empty
  size_t offset = 0;        // byte offset of `key` in the split text
};

// Appends the pairs of a metadata option value to `out`. Empty items
// (`a b,,c d`) are skipped. Never fails.
void SplitMetadata(absl::string_view text, std::vector<MetadataEntry>* out);

// "key value" (or just "key" when the value is empty), the form stored in
// Rule.metadata.
std::string FormatMetadataEntry(const MetadataEntry& entry);

// The metadata keys that carry ATT&CK identifiers.
enum class AttackKey {
  kNone,            // not an ATT&CK key (including mitre_technique_name)
  kTechniqueId,     // mitre_technique_id
  kSubtechniqueId,  // mitre_subtechnique_id
  kTacticId,        // mitre_tactic_id
  kTacticName,      // mitre_tactic_name
};

// Classifies a metadata key (case-insensitive).
AttackKey ClassifyAttackKey(absl::string_view key);

// `T1059`, `t1059`, `T1059.001`, `T1059_001` -> "T1059" / "T1059.001";
// nullopt when `raw` is not a technique ID.
std::optional<std::string> NormalizeTechniqueId(absl::string_view raw);

// Like NormalizeTechniqueId, but also accepts a bare sub-technique number
// (`001`, `.001`) when `parent` (a normalised technique such as "T1059" or
// "T1059.002") is not empty.
std::optional<std::string> NormalizeSubtechniqueId(absl::string_view raw,
                                                   absl::string_view parent);

// `TA0011`, `ta0011` -> "TA0011"; nullopt otherwise.
std::optional<std::string> NormalizeTacticId(absl::string_view raw);

// `Command_And_Control`, `Command and Control`, `command-and-control` ->
// "command-and-control"; nullopt when `raw` holds anything but letters,
// '_', '-' and blanks.
std::optional<std::string> NormalizeTacticName(absl::string_view raw);

// An ATT&CK reference found in one metadata entry.
struct ExtractedAttackRef {
  std::string id;          // normalised
  absl::string_view kind;  // "technique" or "tactic"
  absl::string_view raw;   // the entry's value as written
  absl::string_view key;   // the entry's key as written
  size_t entry_index = 0;  // index into the entries given
};

// An ATT&CK key whose value is not a valid identifier.
struct AttackRefProblem {
  size_t entry_index = 0;
  std::string message;
};

// Reads the ATT&CK references of one rule's metadata entries (all its
// metadata options, in order). References are deduplicated by (id, kind),
// keeping the first. A bare sub-technique number pairs with the rule's
// first mitre_technique_id. Malformed values become problems.
void ExtractAttackRefs(absl::Span<const MetadataEntry> entries,
                       std::vector<ExtractedAttackRef>* refs,
                       std::vector<AttackRefProblem>* problems);

}  // namespace cov::ingest::suricata

#endif  // COV_INGEST_SURICATA_METADATA_H_
