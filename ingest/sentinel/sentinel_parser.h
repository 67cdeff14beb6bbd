// The Microsoft Sentinel analytic-rule parser: one YAML rule template in,
// one cov.v1.Rule out. libyaml's event reader extracts the fields below
// (//ingest/base:yaml_lite); files it does not model (anchors, tags, syntax
// errors, ...) are read by yaml-cpp, whose exceptions stop in Parse; both
// give the same rules and diagnostics. Reads the
// Azure-Sentinel repository layout: Detections/<table>/*.yaml and
// Solutions/<solution>/Analytic Rules/*.yaml, CRLF or LF, with or without a
// UTF-8 byte-order mark.
//
//   uid            `id` (a GUID; another shape is a warning)
//   title          `name`; line: 1; description; level: `severity` in
//                  lower case; rule_type: `kind` (Scheduled, NRT, ...);
//                  status: `status` when present; query: `query` (64 KiB)
//   data_sources   "connector:<connectorId>" and "table:<dataType>" for
//                  each requiredDataConnectors entry (deduplicated)
//   attack_refs    `tactics` (CamelCase names, e.g. "CommandAndControl" ->
//                  tactic "command-and-control", origin "tactics") and
//                  `relevantTechniques` (origin "relevantTechniques")
//
// What counts: a rule whose `status` is Deprecated or Disabled (any case)
// is ingested disabled. A file without `query` is a migration stub ("this
// rule moved to ...") or not a rule: no rule is returned for it. The same
// `id` under Detections/ and Solutions/ is one rule: the source-wide
// duplicate check (server/rules) keeps the first path and names both files.
//
// Diagnostics (codes, file:line:col):
//   errors   sentinel-yaml-syntax, sentinel-input (size, UTF-8),
//            sentinel-missing-field (not a map, or no `id`)
//   warnings sentinel-invalid-field, sentinel-invalid-id (not T#### /
//            T####.###; dropped), sentinel-not-uuid, sentinel-tactic-spelling
//            ("CommandandControl": read as CommandAndControl),
//            sentinel-pre-attack-tactic ("PreAttack", the retired PRE-ATT&CK
//            matrix: ignored), sentinel-unknown-tactic (dropped),
//            sentinel-techniques-key (`techniques` used instead of
//            relevantTechniques: read), sentinel-no-query (stub; no rule)
//   info     sentinel-utf8-bom (the mark is skipped)
//
//   SentinelParser parser;
//   ParsedFile out = parser.Parse({"Detections/X/y.yaml", bytes, "sentinel"});
//
// Thread-safe: the parser is stateless.
#ifndef COV_INGEST_SENTINEL_SENTINEL_PARSER_H_
#define COV_INGEST_SENTINEL_SENTINEL_PARSER_H_

#include <cstddef>
#include <string>

#include "absl/strings/string_view.h"
#include "cov/v1/rules.pb.h"
#include "ingest/base/rule_parser.h"

namespace cov::ingest::sentinel {

// Larger files are rejected (sentinel-input).
inline constexpr size_t kMaxSentinelBytes = 2 << 20;
// Rule.query is cut to this many bytes.
inline constexpr size_t kMaxQueryBytes = 64 << 10;

struct SentinelParserOptions {
  // Read with libyaml first, yaml-cpp only as the fallback. False reads every
  // file with yaml-cpp: the reference the fast reader is tested against.
  // Default: true.
  bool fast_yaml = true;
};

class SentinelParser : public RuleParser {
 public:
  SentinelParser() = default;
  explicit SentinelParser(SentinelParserOptions options) : options_(options) {}

  ParsedFile Parse(const SourceFile& file) const override;
  cov::v1::RuleFormat format() const override {
    return cov::v1::RULE_FORMAT_SENTINEL;
  }
  // *.yml / *.yaml (any case).
  bool Accepts(absl::string_view path) const override;

 private:
  SentinelParserOptions options_;
};

// The Enterprise tactic shortname of a Sentinel tactic name: letters
// compared case-insensitively with the shortname's words
// ("CommandAndControl", "CommandandControl", "command-and-control" ->
// "command-and-control"); "" when none matches. *canonical (optional)
// receives the CamelCase spelling ("CommandAndControl").
std::string TacticShortname(absl::string_view name, std::string* canonical);

}  // namespace cov::ingest::sentinel

#endif  // COV_INGEST_SENTINEL_SENTINEL_PARSER_H_
