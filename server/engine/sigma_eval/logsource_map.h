// The logsource table: which recorded Windows events a Sigma logsource
// (product, category, service) reads, and the field renames that make other
// event sources look like the one Sigma rules are written for (Security 4688
// NewProcessName is read as Image, ...). Documented, row by row, in
// deploy/profiles/logsource-mapping.md.
//
// Contract:
// - One row per (product, category) or (product, service): the channels
//   (compared ASCII case-insensitively: Security-Datasets writes "security")
//   and EventIDs (empty = every event of the channels) it covers, plus
//   renames applied only to events of that row.
// - A rule logsource resolves to the rows matching every part it names:
//   `category` alone (with product windows or none) -> the category's rows;
//   `service` -> the service's row; both -> category rows on the service's
//   channels; `product: windows` alone -> every Windows event. Anything the
//   table does not know is kNotFound with a message naming the logsource.
// - Field names resolve case-insensitively; renames never hide a field the
//   event really has.
//
//   absl::StatusOr<LogsourceSelection> sel =
//       ResolveLogsource("windows", "process_creation", "");
//   if (sel.ok() && sel->Contains("Security", 4688)) ...
//   bool in = EventInLogsource(event, "windows", "registry_set", "");
//
// Everything here is immutable static data: thread-safe.
#ifndef COV_SERVER_ENGINE_SIGMA_EVAL_LOGSOURCE_MAP_H_
#define COV_SERVER_ENGINE_SIGMA_EVAL_LOGSOURCE_MAP_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "ingest/events/event.h"

namespace cov::server::engine::sigma_eval {

// A field rename: a rule asking for `rule_field` reads `event_field`.
struct FieldRename {
  absl::string_view rule_field;
  absl::string_view event_field;
};

// One row of the table.
struct LogsourceRow {
  absl::string_view product;   // "windows"
  absl::string_view category;  // "" for service rows
  absl::string_view service;   // "" for category rows
  std::vector<absl::string_view> channels;
  std::vector<int> event_ids;  // empty: every event of the channels
  std::vector<FieldRename> renames;
};

// Every row, in documentation order.
const std::vector<LogsourceRow>& LogsourceTable();

// Distinct categories and services the table knows, sorted.
std::vector<absl::string_view> LogsourceCategories();
std::vector<absl::string_view> LogsourceServices();

// What a rule's logsource reads.
struct LogsourceSelection {
  // (channel, event IDs) pairs; an empty id list means every event.
  struct Part {
    absl::string_view channel;
    std::vector<int> event_ids;
    const LogsourceRow* row = nullptr;
  };
  std::vector<Part> parts;
  // True for `product: windows` with neither category nor service.
  bool any_windows_event = false;

  // True when an event of `channel` (any case) with `event_id` belongs.
  bool Contains(absl::string_view channel, int64_t event_id) const;
  // The renames of the part `channel`/`event_id` falls in (nullptr if none).
  const std::vector<FieldRename>* RenamesFor(absl::string_view channel,
                                             int64_t event_id) const;
};

// Resolves a rule's logsource (empty strings for absent parts; compared
// ASCII case-insensitively). kNotFound with the reason when the table does
// not cover it, e.g. "logsource product 'linux' category
// 'process_creation' is not in the logsource table (Windows event logs
// only)".
absl::StatusOr<LogsourceSelection> ResolveLogsource(absl::string_view product,
                                                    absl::string_view category,
                                                    absl::string_view service);

// The event's Channel and numeric EventID (false when either is missing or
// EventID is not a number).
bool EventChannelAndId(const ingest::events::Event& event,
                       absl::string_view* channel, int64_t* event_id);

// True when `event` belongs to the logsource; false also when the logsource
// is unknown to the table.
bool EventInLogsource(const ingest::events::Event& event,
                      absl::string_view product, absl::string_view category,
                      absl::string_view service);

}  // namespace cov::server::engine::sigma_eval

#endif  // COV_SERVER_ENGINE_SIGMA_EVAL_LOGSOURCE_MAP_H_
