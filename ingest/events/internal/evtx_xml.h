// Internal: the XML libevtx renders for one record to Event fields, with
// the names documented in evtx_events.h (the same the evtx_dump JSON shape
// gets in internal/json_event.cc).
#ifndef COV_INGEST_EVENTS_INTERNAL_EVTX_XML_H_
#define COV_INGEST_EVENTS_INTERNAL_EVTX_XML_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "ingest/events/internal/event_builder.h"

namespace cov::ingest::events::internal {

// Fills `b` (already Reset). kInvalidArgument when `xml` is not well formed
// (the fields read so far stay). Names of fields whose value holds U+FFFD
// (libevtx's replacement for invalid UTF-16) are appended to *replaced.
absl::Status EvtxXmlToEvent(absl::string_view xml, EventBuilder& b,
                            std::vector<std::string>* replaced);

}  // namespace cov::ingest::events::internal

#endif  // COV_INGEST_EVENTS_INTERNAL_EVTX_XML_H_
