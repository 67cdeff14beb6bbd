// The event model shared by the event readers (ingest/events) and the Sigma
// evaluation engine (server/engine/sigma_eval): one recorded log event as a
// flat list of named text values, plus where it came from.
//
// Contract:
// - Field names are kept as the log spells them. Windows System fields use
//   these names: "EventID", "Channel", "Provider_Name", "Computer",
//   "TimeCreated", "EventRecordID" (plus any other System child, e.g.
//   "Level", "Task", "Keywords"). EventData/UserData named values keep their
//   `Name` ("Image", "CommandLine", ...). Flat JSON keys are kept as written
//   (nested objects flattened with '.', e.g. "winlog.event_data.Image" is
//   also offered as "Image" by the JSON reader; see readers' headers).
// - Lookup is case-insensitive (Sigma's field names are); a name may appear
//   once per event (readers keep the first and drop later duplicates).
// - Values are text: numbers are their decimal form, booleans "true"/"false".
//   A JSON null, or an XML element without content, is `is_null` with an
//   empty value; a field that is absent is simply not in `fields`.
// - `where` names the record for diagnostics and for match reports:
//   "<file>:<record>" where file is the path given to the reader (an archive
//   member is "<archive>!<member>") and record is the evtx record number or
//   the 1-based line of a JSON-lines file.
#ifndef COV_INGEST_EVENTS_EVENT_H_
#define COV_INGEST_EVENTS_EVENT_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace cov::ingest::events {

struct EventField {
  std::string name;
  std::string value;
  bool is_null = false;
};

struct Event {
  // File (or "<archive>!<member>") the event was read from.
  std::string file;
  // evtx: EventRecordID; JSON lines: 1-based line; evtx_dump JSON: 1-based
  // position of the record in the file.
  int64_t record = 0;
  // Event time in Unix microseconds (System/TimeCreated, @timestamp,
  // EventTime, TimeCreated...); 0 when the event has none.
  int64_t time_us = 0;
  // Host name (System/Computer, Hostname, host.name); empty when unknown.
  std::string host;
  std::vector<EventField> fields;

  // The field named `name` (ASCII case-insensitive), or nullptr.
  const EventField* Find(absl::string_view name) const;
};

}  // namespace cov::ingest::events

#endif  // COV_INGEST_EVENTS_EVENT_H_
