// Sigma rule parser: YAML files (yaml-cpp 0.7) to cov.v1.Rule records.
//
// Every YAML document of a file is read. Legacy multi-document files work as
// in sigmac: an `action: global` document is deep-merged into each document
// that follows (global values win where both are scalars; maps merge), later
// global documents add to it, `action: reset` clears it and `action: repeat`
// re-emits the previous rule updated by the document. Sigma 2.x correlation
// documents (top-level `correlation:` that is a mapping with `type`, and no
// `detection:`) become Rules with is_correlation set and no detection checks;
// any other `correlation:` key (free text, a mapping beside `detection:`) is
// an unknown key on a detection rule (sigma-unknown-key). Sigma filter
// documents (top-level `filter:`) are not rules and are skipped with a warning.
//
// Each rule is checked against the Sigma specification: required fields,
// `id` format, `status` and `level` values, the detection layout, and the
// condition, parsed by a real parser (see condition.h); every identifier and
// pattern the condition uses must name a search identifier. Problems become
// Diagnostics whose `object` is the rule's uid; rules are returned even when
// they have errors, so callers can count and show them. A Rule's uid is its
// `id`, or "<source>:<file>#<document index>" without one; an id repeated in
// one file (legacy global documents share theirs) gets "#<document index>"
// appended from its second use on.
//
// Before yaml-cpp runs, a prescan rejects files over 8 MiB, binary files (NUL
// bytes), nesting deeper than 64 levels and more than 1,000 aliases; alias
// expansion is bounded while walking too, and a yaml-cpp 0.7 endless loop on
// stray flow tokens is cut short (see internal/). Text from a file that is
// not UTF-8 is parsed anyway, with invalid bytes replaced by U+FFFD in every
// returned string (protobuf strings must be UTF-8).
//
// Diagnostic codes (severity):
//   sigma-file-too-large, sigma-binary-file, sigma-too-deep, sigma-alias-bomb,
//   sigma-yaml-syntax (E)            file / document could not be read
//   sigma-invalid-utf8 (W)           bytes are not UTF-8; parsed anyway
//   sigma-not-a-rule (W)             a YAML document that is no Sigma rule
//   sigma-filter-skipped (W)         a Sigma filter document
//   sigma-missing-field (E)          title, logsource, detection, condition
//   sigma-invalid-field (E)          a field of the wrong YAML type
//   sigma-missing-id (W), sigma-invalid-id (E), sigma-duplicate-id (W)
//   sigma-invalid-status (E), sigma-invalid-level (E)
//   sigma-invalid-action (E)         unknown `action`, `repeat` with no rule
//   sigma-invalid-correlation (E)    correlation without a valid type,
//                                    rules or timespan
//   sigma-unknown-key (W)            `correlation:` on a detection rule
//   sigma-duplicate-key (E)          a mapping key given twice
//   sigma-invalid-detection (E)      a search identifier that is not a
//                                    non-empty map or list
//   sigma-invalid-identifier-name (W) a search identifier a condition cannot
//                                    name (characters outside [A-Za-z0-9_-])
//   sigma-condition-syntax (E)       the condition does not parse
//   sigma-undefined-identifier (E)   condition names an undefined identifier
//                                    or a pattern that matches none
//   sigma-deprecated-aggregation (W) legacy `| count() ...` / `| near ...`
//   sigma-condition-keyword-case (W) upper-case AND/OR/NOT (legacy only)
//   sigma-condition-any-of (W)       `any of` (pySigma only, not in spec)
//   sigma-invalid-attack-tag (W)     `attack.` tag that is not usable
//   sigma-attack-tag-without-prefix (W) `t1070.006`: did you mean
//                                    attack.t1070.006? (not counted)
//   sigma-empty-file (W)             no YAML document at all: no rule
//   sigma-utf16-file (E)             UTF-16 text: convert to UTF-8
// A TAB in the indentation that breaks the YAML is reported as
// sigma-yaml-syntax "TAB used for indentation" at the TAB's line:column.
//
//   SigmaParser parser;
//   ParsedFile out = parser.Parse({"rules/x.yml", bytes, "sigmahq"});
#ifndef COV_INGEST_SIGMA_SIGMA_PARSER_H_
#define COV_INGEST_SIGMA_SIGMA_PARSER_H_

#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"
#include "cov/v1/rules.pb.h"
#include "ingest/base/rule_parser.h"

namespace cov::ingest::sigma {

struct SigmaParserOptions {
  // Larger files are rejected with sigma-file-too-large. Default: 8 MiB.
  size_t max_file_bytes = 8u << 20;
  // Deepest YAML nesting accepted (sigma-too-deep). Default: 64.
  int max_depth = 64;
  // Most alias references per file (sigma-alias-bomb). Default: 1,000.
  int max_aliases = 1000;
  // Most nodes one document may expand to through aliases. Default: 1e6.
  uint64_t max_expanded_nodes = 1000000;
  // Read YAML with libyaml where it gives exactly yaml-cpp's tree
  // (internal::ParseYamlFast), yaml-cpp elsewhere; false: yaml-cpp always.
  // Rules and diagnostics are the same either way. Default: true.
  bool fast_yaml = true;
};

class SigmaParser : public RuleParser {
 public:
  SigmaParser() = default;
  explicit SigmaParser(const SigmaParserOptions& options) : options_(options) {}

  // See the file comment. Never fails as a whole; thread-safe (const, no
  // shared mutable state).
  ParsedFile Parse(const SourceFile& file) const override;

  cov::v1::RuleFormat format() const override {
    return cov::v1::RULE_FORMAT_SIGMA;
  }

  // True for names ending in .yml or .yaml (any case).
  bool Accepts(absl::string_view path) const override;

 private:
  SigmaParserOptions options_;
};

}  // namespace cov::ingest::sigma

#endif  // COV_INGEST_SIGMA_SIGMA_PARSER_H_
