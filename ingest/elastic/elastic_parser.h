// The Elastic detection-rules parser: one TOML rule file in, one
// cov.v1.Rule out (toml++ from Debian; its exceptions stop in Parse). The
// unread multi-line `note` and `setup` strings are emptied before toml++
// sees the file, line breaks kept, when that cannot change its result
// (unread_strings.h).
//
// Reads `[metadata]` and `[rule]` of github.com/elastic/detection-rules:
//   uid            rule.rule_id (a GUID; another shape is a warning)
//   title          rule.name;  line: the `[rule]` header's line
//   status         metadata.maturity (production, development, deprecated)
//   date/modified  metadata.creation_date / metadata.updated_date
//   rule_type      rule.type (eql, query, esql, new_terms, machine_learning,
//                  threshold, threat_match);  language: rule.language
//   data_sources   rule.index patterns ("logs-endpoint.events.process-*")
//   building_block rule.building_block_type is set
//   author, tags, references, falsepositives, description, query (64 KiB)
//   attack_refs    every `[[rule.threat]]` whose framework is
//                  "MITRE ATT&CK": its tactic (TA####, origin
//                  "rule.threat.tactic"), techniques ("rule.threat.technique")
//                  and sub-techniques ("rule.threat.technique.subtechnique"):
//                  per table the tactic first, then techniques in file
//                  order, each with the line of its `id` key
//   attack_names   "<id>=<name>" for every tactic/technique named there
//
// What counts: `enabled` is false, with `disabled_reason`, for a rule whose
// maturity is "deprecated" (never counts) and for a building block (counts
// only when the coverage query sets include_disabled).
//
// Diagnostics (codes, file:line:col):
//   errors   elastic-toml-syntax (position of toml++'s error; nothing
//            returned), elastic-input (size limit, invalid UTF-8),
//            elastic-missing-field (no [rule] table or no rule.rule_id;
//            nothing returned)
//   warnings elastic-invalid-field (a key of the wrong TOML type),
//            elastic-invalid-id (a tactic/technique ID of the wrong shape;
//            the reference is dropped), elastic-subtechnique-parent (a
//            sub-technique listed under another technique: kept, it is
//            still the ID the rule names), elastic-other-framework (a threat
//            table of another framework; skipped), elastic-not-uuid,
//            elastic-deprecated-folder (a rule under _deprecated/ whose
//            maturity is not "deprecated")
//
//   ElasticParser parser;
//   ParsedFile out = parser.Parse({"rules/windows/x.toml", bytes, "elastic"});
//
// Thread-safe: the parser is stateless.
#ifndef COV_INGEST_ELASTIC_ELASTIC_PARSER_H_
#define COV_INGEST_ELASTIC_ELASTIC_PARSER_H_

#include <cstddef>

#include "absl/strings/string_view.h"
#include "cov/v1/rules.pb.h"
#include "ingest/base/rule_parser.h"

namespace cov::ingest::elastic {

// Files larger than this are rejected (elastic-input). The largest rule of
// detection-rules v1.5.42 is under 100 KiB.
inline constexpr size_t kMaxElasticBytes = 4 << 20;
// Rule.query is cut to this many bytes.
inline constexpr size_t kMaxQueryBytes = 64 << 10;

struct ElasticParserOptions {
  // Empty unread `note`/`setup` strings before parsing (unread_strings.h).
  // False gives toml++ every byte: the reference the lean path is tested
  // against. Default: true.
  bool drop_unread_strings = true;
};

class ElasticParser : public RuleParser {
 public:
  ElasticParser() = default;
  explicit ElasticParser(ElasticParserOptions options) : options_(options) {}

  ParsedFile Parse(const SourceFile& file) const override;
  cov::v1::RuleFormat format() const override {
    return cov::v1::RULE_FORMAT_ELASTIC;
  }
  // *.toml (any case).
  bool Accepts(absl::string_view path) const override;

 private:
  ElasticParserOptions options_;
};

}  // namespace cov::ingest::elastic

#endif  // COV_INGEST_ELASTIC_ELASTIC_PARSER_H_
