// Attack traces: what a recorded attack left in the logs for a technique no
// rule detected, summarised so a detection engineer can write the missing
// rule on it.
//
// A technique's data components (ATT&CK: "Process Creation", "Windows
// Registry Key Modification", ...) select Sigma logsource categories through
// the documented Sigma-logsource -> data-component mapping
// (ingest/profile/telemetry_map.h): every row of the logsource table
// (server/engine/sigma_eval/logsource_map.h) whose logsource maps to one of
// the components. An event belongs to a category when its Channel and
// EventID fall in that row (the first selected row wins); the row's field
// renames apply (Security 4688 NewProcessName is read as Image).
//
// Per category the summary holds the event count, time range, hosts, a few
// example records, and the most frequent values of the fields a rule is
// written on: Image, CommandLine, ParentImage, TargetObject, PipeName,
// TargetFilename, DestinationIp, DestinationPort, QueryName and
// ScriptBlockText (truncated), each with its count.
//
//   ASSIGN_OR_RETURN(std::vector<std::string> dcs,
//                    TechniqueComponents(kb, "T1547.001"));
//   TraceBuilder traces(SelectCategories(dcs));
//   for (const Event& e : events) traces.Add(e);
//   Traces t = traces.Finish();   // t.categories[0].category == "registry_set"
//
// Memory is bounded: at most TraceOptions::max_distinct_values distinct
// values are counted per field and category (later new values are counted
// as `untracked`), values are truncated. Pure; a TraceBuilder is not
// thread-safe (one per thread), the free functions are.
#ifndef COV_SERVER_REPLAY_TRACES_H_
#define COV_SERVER_REPLAY_TRACES_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "ingest/events/event.h"
#include "server/engine/knowledge_base.h"
#include "server/engine/sigma_eval/logsource_map.h"

namespace cov::server::replay {

// The fields summarised, in report order.
inline constexpr absl::string_view kTraceFields[] = {
    "Image",     "CommandLine",    "ParentImage",   "TargetObject",
    "PipeName",  "TargetFilename", "DestinationIp", "DestinationPort",
    "QueryName", "ScriptBlockText"};

struct TraceOptions {
  // Values listed per field. Default: 10.
  int top_n = 10;
  // Distinct values counted per field and category. Default: 10,000.
  size_t max_distinct_values = 10000;
  // Values are cut to this many bytes (at a UTF-8 boundary) and end in
  // "…" when cut. Default: 300; ScriptBlockText: script_chars (200).
  size_t max_value_chars = 300;
  size_t script_chars = 200;
  // Example records ("file:record") kept per category. Default: 3.
  int examples = 3;
};

// A selected category: its logsource rows and the wanted components they
// map to. Category rows come first; a service row (every event of a
// channel) is selected only for wanted components no selected category
// row already gives, so "Process Creation" reads Sysmon 1 / Security 4688,
// not every Sysmon event.
struct TraceCategory {
  std::string category;  // "process_creation", or "service:security"
  std::vector<const engine::sigma_eval::LogsourceRow*> rows;
  std::vector<std::string> components;  // sorted
};

struct TraceSelection {
  std::vector<std::string> components;    // as asked, catalogue names
  std::vector<TraceCategory> categories;  // in logsource-table order
  // Components no logsource row maps to (e.g. "Network Traffic Content":
  // no Windows event log holds it).
  std::vector<std::string> unmapped_components;
};

struct ValueCount {
  std::string value;
  int64_t count = 0;
};

struct FieldSummary {
  std::string field;
  int64_t events_with_field = 0;
  std::vector<ValueCount> top;  // count descending, then value
  int64_t distinct_values = 0;  // counted ones (<= max_distinct_values)
  int64_t untracked = 0;        // events whose value was not counted
};

struct CategoryTraces {
  std::string category;
  std::vector<std::string> components;
  int64_t events = 0;
  int64_t first_time_us = 0;  // 0 when no event had a time
  int64_t last_time_us = 0;
  std::vector<ValueCount> hosts;
  std::vector<std::string> examples;  // "file:record"
  // Only fields at least one event had, in kTraceFields order.
  std::vector<FieldSummary> fields;
};

struct Traces {
  std::vector<std::string> components;
  std::vector<std::string> unmapped_components;
  int64_t events_seen = 0;
  int64_t events_selected = 0;
  // Categories with at least one event, in logsource-table order.
  std::vector<CategoryTraces> categories;
};

// The data components of technique `id` in `kb` (pre-v18 `detects`, v18+
// analytics' log sources, as the knowledge base stores them). kNotFound
// for an unknown ID.
absl::StatusOr<std::vector<std::string>> TechniqueComponents(
    const engine::KnowledgeBase& kb, absl::string_view technique_id);

// The logsource rows whose Sigma logsource maps to any of `components`
// (names or DC IDs, any case; unknown names are listed unmapped).
TraceSelection SelectCategories(const std::vector<std::string>& components);

// Accumulates events into Traces.
class TraceBuilder {
 public:
  explicit TraceBuilder(TraceSelection selection, TraceOptions options = {});
  ~TraceBuilder();
  TraceBuilder(const TraceBuilder&) = delete;
  TraceBuilder& operator=(const TraceBuilder&) = delete;

  // Counts `event` under the first selected category it belongs to, if any.
  void Add(const ingest::events::Event& event);
  // The summary of every event added so far.
  Traces Finish() const;

 private:
  struct Acc;
  TraceSelection selection_;
  TraceOptions options_;
  int64_t seen_ = 0;
  std::vector<std::unique_ptr<Acc>> acc_;  // parallel to categories
};

// TraceBuilder over `events` for `components`, in one call.
Traces SummarizeTraces(absl::Span<const ingest::events::Event> events,
                       const std::vector<std::string>& components,
                       const TraceOptions& options = {});

}  // namespace cov::server::replay

#endif  // COV_SERVER_REPLAY_TRACES_H_
