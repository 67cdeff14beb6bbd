// Vendor and product coverage mappings as a rule source: ATT&CK Navigator
// layers (JSON, layer format 4.x) and simple CSV mappings. Each mapped
// technique becomes a cov.v1.Rule, so coverage by source, gaps, profiles
// and checks treat "Defender's mapped controls" like any rule repository.
//
// Navigator layer (*.json): one Rule per `techniques[]` entry that has a
// score, either the standard `score` or the non-standard `score_num` (CTID
// security-stack mappings; their `score_display` Minimal/Partial/Significant
// becomes score_label and `category` Protect/Detect/Respond/Mixed
// rule_type). Entries without any score are not rules (one info diagnostic
// per file counts them).
//   uid          "<source>:<file>:<techniqueID>" (+ ":<tactic>" when the
//                entry names one)
//   title        "<layer name>: <techniqueID>"; line: the entry's
//                `"techniqueID"` key (1 when the keys in the text and the
//                entries do not pair up, e.g. an escaped key in a comment)
//   description  `comment`, then the `metadata` entries as "name: value"
//                lines (a divider becomes an empty line)
//   attack_refs  the technique (origin "techniqueID") and the entry's
//                `tactic` (origin "tactic") when given
//   enabled      the entry's `enabled` (default true) and score >= min_score
//                (default kDefaultMinScore: any positive score counts);
//                otherwise disabled_reason says why
//
// CSV mapping (*.csv): `technique_id,rule_id,rule_name[,tactic]` per line,
// an optional header line starting "technique_id", RFC 4180 quoting, blank
// lines and lines starting '#' skipped. Rows sharing a rule_id make one Rule
// (uid "<source>:<rule_id>") with one reference per row; a tactic may be a
// TA#### ID, a shortname or a name ("Defense Evasion").
//
// Diagnostics (codes, file:line:col):
//   errors   layer-input (size, UTF-8), layer-json-syntax (simdjson error;
//            nothing returned), layer-missing-field (no `techniques` list),
//            layer-csv-columns (a row of other than 3 or 4 fields; skipped),
//            layer-csv-quote (unterminated quoted field; rest skipped)
//   warnings layer-invalid-id (not T####/T####.###; entry skipped),
//            layer-invalid-field (wrong JSON type), layer-version (layer
//            format other than 4.x: read as 4.x), layer-unknown-tactic
//            (tactic dropped), layer-duplicate-entry (a technique/tactic
//            listed twice; the first is kept)
//   info     layer-unscored (entries without a score)
//
//   LayerParser parser;   // or LayerParser(/*min_score=*/50)
//   ParsedFile out = parser.Parse({"Azure/platform.json", bytes, "azure"});
//
// Thread-safe: the parser holds only its immutable threshold.
#ifndef COV_INGEST_LAYER_LAYER_PARSER_H_
#define COV_INGEST_LAYER_LAYER_PARSER_H_

#include <cstddef>

#include "absl/strings/string_view.h"
#include "cov/v1/rules.pb.h"
#include "ingest/base/rule_parser.h"

namespace cov::ingest::layer {

// Larger files are rejected (layer-input).
inline constexpr size_t kMaxLayerBytes = 64 << 20;
// Default threshold: a scored entry counts when its score is > 0.
inline constexpr double kDefaultMinScore = 0;

class LayerParser : public RuleParser {
 public:
  // Entries scored below `min_score` (or at 0 when min_score is 0) are
  // ingested disabled.
  explicit LayerParser(double min_score = kDefaultMinScore)
      : min_score_(min_score) {}
  ParsedFile Parse(const SourceFile& file) const override;
  cov::v1::RuleFormat format() const override {
    return cov::v1::RULE_FORMAT_LAYER;
  }
  // *.json and *.csv (any case).
  bool Accepts(absl::string_view path) const override;

 private:
  double min_score_;
};

// Disables a layer rule scored below `min_score` (the ingest request's
// min_score, applied after parsing); enabled rules at or above it are left
// alone. No effect on rules without a score (CSV mappings).
void ApplyMinScore(double min_score, cov::v1::Rule* rule);

}  // namespace cov::ingest::layer

#endif  // COV_INGEST_LAYER_LAYER_PARSER_H_
