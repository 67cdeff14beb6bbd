// Maps the tactic spellings found in emulation plans to the 14 ATT&CK
// Enterprise tactic shortnames (reconnaissance ... impact).
//
// Accepted, in order:
//   kExact    the shortname itself ("defense-evasion")
//   kName     the tactic's name or shortname in another case or with
//             spaces/underscores ("Defense Evasion", "command_and_control")
//   kId       a tactic ID ("TA0005", any case)
//   kFuzzy    a misspelling: after normalising case and separators, within
//             edit distance min(2, len/5) (Damerau, adjacent transpositions)
//             of exactly one shortname ("defensive-evasion",
//             "Commmand and Control")
//   kFirstOfSeveral  several tactics joined by '/', ',' or ';' that all
//             match ("Discovery/Execution" -> discovery)
// Anything else (technique names such as "credential-dumping", placeholders)
// is kNone with an empty shortname: the caller should take the tactic from
// the technique instead of guessing.
//
//   TacticMatch m = NormalizeTactic("Commmand and Control");
//   // m.shortname == "command-and-control", m.kind == TacticMatch::kFuzzy
//
// Pure and thread-safe.
#ifndef COV_INGEST_CTID_TACTICS_H_
#define COV_INGEST_CTID_TACTICS_H_

#include <string>

#include "absl/strings/string_view.h"
#include "absl/types/span.h"

namespace cov::ingest::ctid {

struct TacticMatch {
  enum Kind { kNone, kExact, kName, kId, kFuzzy, kFirstOfSeveral };
  std::string shortname;  // "" for kNone
  Kind kind = kNone;
};

TacticMatch NormalizeTactic(absl::string_view raw);

// The 14 Enterprise shortnames in kill-chain order.
absl::Span<const absl::string_view> EnterpriseTactics();

// Optimal string alignment distance (Levenshtein plus adjacent swaps).
int EditDistance(absl::string_view a, absl::string_view b);

}  // namespace cov::ingest::ctid

#endif  // COV_INGEST_CTID_TACTICS_H_
