// Sigma `detection:` / `correlation:` YAML -> the typed records of
// cov.v1.Rule (SigmaDetection, SigmaCorrelation, sigma_name), so that the
// evaluation engine (server/engine/sigma_eval) works on stored rules without
// any YAML.
//
// Contract:
// - Input is the rule's top-level mapping after `action: global` merging
//   (what SigmaParser builds); output goes into fields 30-32 of `rule`.
// - Everything that can be recorded is recorded, even when part of the
//   section is malformed; the first problem found is returned as
//   kInvalidArgument naming the search identifier (or correlation key) and
//   what is wrong. The parser's own checks (missing condition, undefined
//   identifiers, ...) are not repeated here.
// - Search forms: a map is one AND group; a list of maps is one group per map
//   (OR); a list of plain values is a keyword search (one entry with an empty
//   field). Keys split at '|' into field and lowercased modifiers. Plain YAML
//   scalars are typed: null (`~`, `null`, empty), bool, number; the rest and
//   every quoted scalar are strings.
// - Correlation `timespan` accepts <n>s|m|h|d|w (`timespan_seconds` is 0 and
//   an error is returned otherwise); `condition` keys gt/gte/lt/lte/eq/neq
//   with integer values, plus `field`.
//
//   internal::ParsedChunk c = internal::ParseYaml(text, 0, 0, &arena);
//   cov::v1::Rule rule;
//   absl::Status s = FillSigmaRecord(c.roots[0], &rule);
//
// Pure and thread-safe (nodes are only read).
#ifndef COV_INGEST_SIGMA_DETECTION_RECORD_H_
#define COV_INGEST_SIGMA_DETECTION_RECORD_H_

#include <cstdint>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "cov/v1/rules.pb.h"
#include "ingest/sigma/internal/yaml_tree.h"

namespace cov::ingest::sigma {

// Fills rule->sigma_correlation (when rule->is_correlation() and
// `correlation` is a mapping), else rule->sigma_detection (when `detection`
// is a mapping), and
// rule->sigma_name from the rule mapping `rule_map`. Returns OK, or
// kInvalidArgument describing the first malformed part (the rest is still
// filled).
absl::Status FillSigmaRecord(const internal::Node* rule_map,
                             cov::v1::Rule* rule);

// Parses a Sigma timespan ("30s", "5m", "1h", "2d", "1w") into seconds.
// kInvalidArgument for anything else.
absl::StatusOr<int64_t> ParseTimespan(absl::string_view text);

}  // namespace cov::ingest::sigma

#endif  // COV_INGEST_SIGMA_DETECTION_RECORD_H_
