// Streaming reader of JSON event logs: JSON lines, the JSON that evtx_dump
// writes (one pretty-printed object after another, or one per line), and a
// JSON array of events. Bytes are fed in chunks of any size; each complete
// record is parsed (simdjson) and handed to the sink as an Event.
//
// Layout, decided from the first non-blank line (a UTF-8 BOM is dropped):
//   '['            one array of event objects, read whole up to
//                  ReaderOptions::max_json_array_bytes; record = position
//   '{' alone      a stream of (pretty-printed) objects; record = position,
//                  diagnostics name the line where the object starts
//   anything else  JSON lines, one object a line ('\n', optional '\r');
//                  record = 1-based line; blank lines are skipped silently
// A record longer than max_line_bytes is reported and skipped without being
// buffered whole; a line that is not a JSON object is reported and skipped.
//
// Shapes and normalisation (so a Sigma rule sees the same fields from an
// .evtx, its evtx_dump JSON and a Security-Datasets/Winlogbeat export):
// - evtx_dump (`{"Event": {"System": ..., "EventData": ...}}`): exactly the
//   names of the evtx reader (evtx_events.h): System children by element
//   name (EventID, Version, Level, Task, Opcode, Keywords, EventRecordID,
//   Channel, Computer), an element's attributes as "<element>_<attribute>"
//   (Provider_Name, Provider_Guid, Execution_ProcessID, Security_UserID,
//   EventID_Qualifiers, TimeCreated_SystemTime), TimeCreated = its
//   SystemTime rewritten as "YYYY-MM-DDTHH:MM:SS.ffffffZ"; EventData and
//   UserData values by leaf name (attributes dropped), several unnamed
//   `Data` values joined with one space. null stays null.
// - flat (Security-Datasets/NXLog: `Channel`, `EventID`, `SourceName`,
//   `Hostname`, `@timestamp`, `EventTime`, event fields at top level) and
//   Winlogbeat (`winlog.event_data.Image`, ...): every key kept as written,
//   nested objects flattened with '.', arrays as their minified JSON.
//   Then, when absent, these are added (first source present wins):
//     EventID       <- winlog.event_id, event.code
//     Channel       <- winlog.channel
//     Provider_Name <- SourceName, ProviderName, winlog.provider_name,
//                      event.provider
//     Computer      <- Hostname, winlog.computer_name, host.name
//     EventRecordID <- RecordNumber, winlog.record_id
//     <leaf>        <- winlog.event_data.<leaf>, winlog.user_data.<leaf>,
//                      event_data.<leaf>, user_data.<leaf>
//   Values are never rewritten (Security-Datasets' channel "security" stays
//   lower case: field matching is case-insensitive anyway).
// - time_us: the first of @timestamp, TimeCreated, EventTime, UtcTime that
//   parses (RFC 3339 and "YYYY-MM-DD HH:MM:SS[.f]"; no offset = UTC, so
//   NXLog's local EventTime is only used when @timestamp is missing).
// - host: the first non-empty of Hostname, Computer, winlog.computer_name,
//   host.name, host (NXLog's `host` names the collector, hence last).
//
// Example:
//   JsonEventReader reader("sysmon.json", options, sink, stats);
//   while (read(chunk)) reader.Feed(chunk);
//   reader.Finish();
//
// Not thread-safe; one reader per file.
#ifndef COV_INGEST_EVENTS_JSON_EVENTS_H_
#define COV_INGEST_EVENTS_JSON_EVENTS_H_

#include <memory>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "ingest/events/event.h"
#include "ingest/events/reader_options.h"

namespace cov::ingest::events {

class JsonEventReader {
 public:
  // `file` names the input in events and diagnostics. `options`, `sink` and
  // `stats` must outlive the reader.
  JsonEventReader(absl::string_view file, const ReaderOptions& options,
                  EventSink& sink, ReadStats& stats);
  ~JsonEventReader();
  JsonEventReader(const JsonEventReader&) = delete;
  JsonEventReader& operator=(const JsonEventReader&) = delete;

  void Feed(absl::string_view chunk);
  // Ends the input: flushes a last line without '\n', reports an object
  // left open, parses an array file.
  void Finish();

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

// One JSON object (either shape above) to an Event; kInvalidArgument with
// simdjson's reason when `json` is not a JSON object. For tests and tools.
absl::StatusOr<Event> ParseJsonEvent(absl::string_view json,
                                     absl::string_view file = "",
                                     int64_t record = 0);

}  // namespace cov::ingest::events

#endif  // COV_INGEST_EVENTS_JSON_EVENTS_H_
