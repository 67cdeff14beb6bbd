// Telemetry of Elastic, Splunk and Sentinel rules (issue 13), as ATT&CK data
// components: the extension of telemetry_map.h for formats whose rules name
// their data in Rule.data_sources.
//
//   * Elastic: an EQL query's event category (`process where ...`) first;
//     otherwise each `rule.index` pattern ("logs-endpoint.events.file-*").
//   * Splunk: each `data_source` name ("Sysmon Event ID 11").
//   * Sentinel: each required table ("table:SecurityEvent") and connector.
//   * Layers and CSV mappings name no telemetry (vendor controls): empty.
//
// Rows are tried in order per data source and the first match wins; a rule
// needs the union over its data sources. Patterns are case-insensitive
// globs ('*' matches any run of characters). Component names are catalogue
// names (DataComponentCatalog()). Documented in
// deploy/profiles/telemetry-mapping.md ("Vendor rule formats").
//
//   VendorComponents(rule)  // {"File Creation", "File Deletion", ...}
//
// Thread-safe; the tables are immutable.
#ifndef COV_INGEST_PROFILE_TELEMETRY_MAP_VENDOR_H_
#define COV_INGEST_PROFILE_TELEMETRY_MAP_VENDOR_H_

#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "cov/v1/rules.pb.h"

namespace cov::ingest::profile {

// A row of VendorDataSourceTable().
struct VendorDataSourceMapping {
  cov::v1::RuleFormat format;
  // Glob over the data source as the format writes it; for Elastic EQL
  // categories "eql:<category>".
  const char* pattern;
  std::vector<std::string> components;  // sorted, no duplicates
  const char* why;
};

absl::Span<const VendorDataSourceMapping> VendorDataSourceTable();

// True for the formats this file maps (Elastic, Splunk, Sentinel, layer).
bool IsVendorFormat(cov::v1::RuleFormat format);

// Case-insensitive glob match ('*' = any run, possibly empty).
bool GlobMatches(absl::string_view pattern, absl::string_view text);

// Data components `rule` needs (sorted, no duplicates); empty when none of
// its data sources is mapped.
std::vector<std::string> VendorComponents(const cov::v1::Rule& rule);

// The table as a markdown section (for telemetry-mapping.md).
std::string VendorMappingMarkdown();

}  // namespace cov::ingest::profile

#endif  // COV_INGEST_PROFILE_TELEMETRY_MAP_VENDOR_H_
