// What telemetry a detection rule needs, as ATT&CK data components.
//
// A telemetry profile (profile_parser.h) lists the data components a team
// owns; coverage "potential" is the set of techniques whose data components
// intersect them. This file maps rules onto those components:
//
//   * Sigma rules by their `logsource` (product, category, service), through
//     a table compiled into the binary (SigmaLogsourceTable()). Rows are
//     tried in order and the first match wins, so specific rows come first.
//   * Suricata and YARA rules by their format (FormatTable()).
//   * Sigma products to ATT&CK platforms (SigmaPlatformTable()), used by
//     profile inference.
//
// Every component name is the exact name of an active Enterprise data
// component in ATT&CK 18.1 (DataComponentCatalog()). The tables are
// documented, row for row, in deploy/profiles/telemetry-mapping.md, whose
// generated part is TelemetryMappingMarkdown(); a test keeps both equal.
// After editing a table, regenerate the document from the workspace root:
//
//   DOC=deploy/profiles/telemetry-mapping.md
//   bazel run //ingest/profile:telemetry_map_doc -- "$DOC"
//
// Example:
//
//   ComponentsForSigmaLogsource("windows", "process_creation", "")
//     // {"Command Execution", "Process Creation"}
//   ComponentsForFormat(cov::v1::RULE_FORMAT_SURICATA)
//     // {"Network Connection Creation", "Network Traffic Content",
//     //  "Network Traffic Flow"}
//   NormalizeComponentName("dc0085")  // "Network Traffic Content"
//
// Thread-safety: every function here is safe to call concurrently; the
// tables are immutable after first use.
#ifndef COV_INGEST_PROFILE_TELEMETRY_MAP_H_
#define COV_INGEST_PROFILE_TELEMETRY_MAP_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "cov/v1/rules.pb.h"

namespace cov::ingest::profile {

// An active Enterprise data component of ATT&CK 18.1.
struct DataComponent {
  const char* id;    // "DC0085"
  const char* name;  // "Network Traffic Content"
};

// The 106 active (not deprecated, not revoked) Enterprise data components of
// ATT&CK 18.1, sorted by name. Later releases may add or rename components;
// callers holding a loaded release should resolve names against it and use
// this catalogue only where no release is at hand.
absl::Span<const DataComponent> DataComponentCatalog();

// The catalogue name of a data component given by name or ID, matched
// without regard to case and to runs of white space: "network traffic
// content", " Network  Traffic Content ", "DC0085" and "dc0085" all give
// "Network Traffic Content". Returns "" when the catalogue has no match.
std::string NormalizeComponentName(absl::string_view name_or_id);

// The ID ("DC0085") of a component given by name or ID, as above; "" when
// unknown.
std::string ComponentId(absl::string_view name_or_id);

// One row of a logsource table. Each of product, category and service is
// either "*" (any value, including none), "" (the field must be absent or
// empty) or a value compared without regard to case.
struct LogsourcePattern {
  const char* product;
  const char* category;
  const char* service;
};

// A row of SigmaLogsourceTable().
struct SigmaLogsourceMapping {
  LogsourcePattern pattern;
  // Catalogue names, sorted and without duplicates.
  std::vector<std::string> components;
  // Why these components (documentation; shown in the markdown table).
  const char* why;
};

// A row of FormatTable().
struct FormatMapping {
  cov::v1::RuleFormat format;
  std::vector<std::string> components;  // sorted, no duplicates
  const char* why;
};

// A row of SigmaPlatformTable(): ATT&CK platforms a logsource implies.
struct SigmaPlatformMapping {
  LogsourcePattern pattern;
  // ATT&CK 18.1 platform names; empty means platform-neutral telemetry
  // (network sensors, applications) that can see any platform.
  std::vector<std::string> platforms;
  const char* why;
};

// The tables, in match order. The returned spans live for the program.
absl::Span<const SigmaLogsourceMapping> SigmaLogsourceTable();
absl::Span<const FormatMapping> FormatTable();
absl::Span<const SigmaPlatformMapping> SigmaPlatformTable();

// True when `pattern` matches the logsource (see LogsourcePattern).
bool LogsourceMatches(const LogsourcePattern& pattern,
                      absl::string_view product, absl::string_view category,
                      absl::string_view service);

// The first SigmaLogsourceTable() row matching the logsource, or nullptr.
const SigmaLogsourceMapping* FindSigmaLogsourceMapping(
    absl::string_view product, absl::string_view category,
    absl::string_view service);

// Data components a Sigma rule with this logsource needs: the components of
// the first matching row (sorted), or empty when no row matches; the caller
// reports unmapped logsources. Values are compared without regard to case
// and surrounding white space.
std::vector<std::string> ComponentsForSigmaLogsource(absl::string_view product,
                                                     absl::string_view category,
                                                     absl::string_view service);

// Data components a rule of a non-Sigma format needs (sorted). Sigma and
// RULE_FORMAT_UNSPECIFIED give empty: Sigma depends on the logsource.
std::vector<std::string> ComponentsForFormat(cov::v1::RuleFormat format);

// Data components `rule` needs: by logsource for Sigma detection rules, by
// format otherwise. Sigma correlation rules need nothing of their own (their
// base rules carry the telemetry) and give empty.
std::vector<std::string> ComponentsForRule(const cov::v1::Rule& rule);

// The first SigmaPlatformTable() row matching the logsource, or nullptr
// (unknown product: no platform is implied).
const SigmaPlatformMapping* FindSigmaPlatformMapping(absl::string_view product,
                                                     absl::string_view category,
                                                     absl::string_view service);

// The generated part of deploy/profiles/telemetry-mapping.md: the three
// tables and the catalogue as markdown, ending with a newline.
std::string TelemetryMappingMarkdown();

// Markers around the generated part of the document, each on a line of its
// own.
inline constexpr char kMarkdownBegin[] =
    "<!-- BEGIN GENERATED by //ingest/profile:telemetry_map_doc; do not edit "
    "-->";
inline constexpr char kMarkdownEnd[] = "<!-- END GENERATED -->";

// `document` with the text between the markers replaced by
// TelemetryMappingMarkdown() (blank lines around it). Returns
// kInvalidArgument when the markers are missing, repeated or out of order.
absl::StatusOr<std::string> SpliceTelemetryMappingMarkdown(
    absl::string_view document);

}  // namespace cov::ingest::profile

#endif  // COV_INGEST_PROFILE_TELEMETRY_MAP_H_
