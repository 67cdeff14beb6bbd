// Internal: one parsed JSON object to an Event (simdjson stays inside
// //ingest/events). The shapes and the normalisation are documented in
// json_events.h.
#ifndef COV_INGEST_EVENTS_INTERNAL_JSON_EVENT_H_
#define COV_INGEST_EVENTS_INTERNAL_JSON_EVENT_H_

#include <string>

#include "ingest/events/internal/event_builder.h"
#include "simdjson.h"

namespace cov::ingest::events::internal {

// Fills `b` (already Reset) from `object`: the evtx_dump shape when it has
// an "Event" object holding "System", else the flat/Winlogbeat shape.
void JsonObjectToEvent(simdjson::dom::object object, EventBuilder& b);

}  // namespace cov::ingest::events::internal

#endif  // COV_INGEST_EVENTS_INTERNAL_JSON_EVENT_H_
