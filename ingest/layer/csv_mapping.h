// CSV technique mappings for in-house product lists: one line per
// (technique, rule) pair, `technique_id,rule_id,rule_name[,tactic]`, read as
// cov.v1.Rule records (see layer_parser.h for the whole contract).
//
//   technique_id,rule_id,rule_name,tactic
//   T1059.001,EDR-0042,"PowerShell, encoded command",execution
//   T1027,EDR-0042,"PowerShell, encoded command",TA0005
//
// gives one Rule "<source>:EDR-0042" titled "PowerShell, encoded command"
// with references T1059.001, execution, T1027, TA0005 (rule_type
// kCsvRuleType, enabled). Pure; thread-safe.
#ifndef COV_INGEST_LAYER_CSV_MAPPING_H_
#define COV_INGEST_LAYER_CSV_MAPPING_H_

#include "absl/strings/string_view.h"
#include "ingest/base/rule_parser.h"

namespace cov::ingest::layer {

// Rule.rule_type of CSV-mapped rules.
inline constexpr absl::string_view kCsvRuleType = "csv-mapping";

// Parses a whole CSV mapping file (already checked for size and UTF-8).
ParsedFile ParseCsvMapping(const SourceFile& file);

}  // namespace cov::ingest::layer

#endif  // COV_INGEST_LAYER_CSV_MAPPING_H_
