// The Splunk Security Content (ESCU) detection parser: one YAML detection
// in, one cov.v1.Rule out. libyaml's event reader extracts the fields below
// (//ingest/base:yaml_lite); files it does not model (anchors, tags, syntax
// errors, ...) are read by yaml-cpp, whose exceptions stop in Parse. Both
// give the same rules and diagnostics.
//
//   uid            `id` (a GUID; another shape is a warning)
//   title          `name`; line: 1 (the document)
//   status         `status` (production, experimental, deprecated)
//   rule_type      `type` (TTP, Anomaly, Hunting, Correlation, ...)
//   data_sources   `data_source` names ("Sysmon Event ID 1")
//   date, author, description, references, falsepositives
//                  (`known_false_positives`), query (`search`, 64 KiB),
//   tags           "analytic_story:<story>" per tags.analytic_story entry
//   attack_refs    tags.mitre_attack_id entries (techniques and
//                  sub-techniques; origin "tags.mitre_attack_id"), each with
//                  its own line
//
// What counts: a detection whose status is "deprecated" or that lives under
// a `deprecated/` folder is disabled (`disabled_reason` says which); type
// Correlation is marked is_correlation (it correlates risk events of other
// detections, like a Sigma correlation rule, and is kept apart in coverage).
//
// Diagnostics (codes, file:line:col):
//   errors   splunk-yaml-syntax (nothing returned), splunk-input (size,
//            UTF-8), splunk-missing-field (not a map, or no `id`; nothing
//            returned)
//   warnings splunk-invalid-field (wrong YAML type), splunk-invalid-id (an
//            entry of mitre_attack_id that is no technique ID; dropped),
//            splunk-not-uuid, splunk-deprecated-folder (under deprecated/
//            with another status; still disabled)
//
//   SplunkParser parser;
//   ParsedFile out = parser.Parse({"detections/endpoint/x.yml", bytes,
//   "escu"});
//
// Thread-safe: the parser is stateless.
#ifndef COV_INGEST_SPLUNK_SPLUNK_PARSER_H_
#define COV_INGEST_SPLUNK_SPLUNK_PARSER_H_

#include <cstddef>

#include "absl/strings/string_view.h"
#include "cov/v1/rules.pb.h"
#include "ingest/base/rule_parser.h"

namespace cov::ingest::splunk {

// Larger files are rejected (splunk-input); ESCU's largest is ~30 KiB.
inline constexpr size_t kMaxSplunkBytes = 2 << 20;
// Rule.query is cut to this many bytes.
inline constexpr size_t kMaxQueryBytes = 64 << 10;

struct SplunkParserOptions {
  // Read with libyaml first, yaml-cpp only as the fallback. False reads every
  // file with yaml-cpp: the reference the fast reader is tested against.
  // Default: true.
  bool fast_yaml = true;
};

class SplunkParser : public RuleParser {
 public:
  SplunkParser() = default;
  explicit SplunkParser(SplunkParserOptions options) : options_(options) {}

  ParsedFile Parse(const SourceFile& file) const override;
  cov::v1::RuleFormat format() const override {
    return cov::v1::RULE_FORMAT_SPLUNK;
  }
  // *.yml / *.yaml (any case).
  bool Accepts(absl::string_view path) const override;

 private:
  SplunkParserOptions options_;
};

}  // namespace cov::ingest::splunk

#endif  // COV_INGEST_SPLUNK_SPLUNK_PARSER_H_
