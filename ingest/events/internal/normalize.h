// Internal: the field normalisation every reader applies once an event's
// fields are in (see json_events.h for the table it implements).
#ifndef COV_INGEST_EVENTS_INTERNAL_NORMALIZE_H_
#define COV_INGEST_EVENTS_INTERNAL_NORMALIZE_H_

#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"
#include "ingest/events/internal/event_builder.h"

namespace cov::ingest::events::internal {

// "2025-11-27T07:40:10.165324Z" (always six fraction digits, UTC).
std::string FormatTimeMicros(int64_t time_us);

// Windows-shaped events (evtx records, evtx_dump JSON): time_us from
// TimeCreated, whose value (and TimeCreated_SystemTime's) is rewritten to
// FormatTimeMicros so both sources spell it the same; host from Computer.
void FinishWindowsEvent(EventBuilder& b);

// Flat JSON events (Security-Datasets/NXLog, Winlogbeat): adds the Windows
// names the log lacks (Provider_Name, Computer, EventID, Channel,
// EventRecordID, EventData leaves), then time_us and host.
void FinishFlatEvent(EventBuilder& b);

}  // namespace cov::ingest::events::internal

#endif  // COV_INGEST_EVENTS_INTERNAL_NORMALIZE_H_
