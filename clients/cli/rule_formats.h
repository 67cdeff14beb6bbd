// The rule formats the CLI knows, from the table shared with the Python
// client (proto/rule_formats.txt): names users type, labels, and which files
// are rule files.
//
// Example:
//   FormatByName("snort") == cov::v1::RULE_FORMAT_SURICATA
//   IsRuleFileName("a/b.YAR") == true
//
// Thread-safe (constant data).
#ifndef COV_CLIENTS_CLI_RULE_FORMATS_H_
#define COV_CLIENTS_CLI_RULE_FORMATS_H_

#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "cov/v1/rules.pb.h"

namespace cov::clients::cli {

// The format named `name` or one of its aliases (ASCII case-insensitive);
// RULE_FORMAT_UNSPECIFIED when none.
cov::v1::RuleFormat FormatByName(absl::string_view name);

// Every name and alias, in table order (the kinds of `cov ingest`).
std::vector<std::string> RuleFormatNames();

// The table name of `format`, "?" for a format not in the table.
absl::string_view FormatLabel(cov::v1::RuleFormat format);

// True when `name` ends (case-insensitively) with an extension of a format.
bool IsRuleFileName(absl::string_view name);

}  // namespace cov::clients::cli

#endif  // COV_CLIENTS_CLI_RULE_FORMATS_H_
