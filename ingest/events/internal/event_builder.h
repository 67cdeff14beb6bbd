// Internal: fills an Event field by field for the readers, reusing the
// strings of earlier events (a reader builds millions of events), and keeps
// the first of duplicate names (ASCII case-insensitive), as event.h says.
#ifndef COV_INGEST_EVENTS_INTERNAL_EVENT_BUILDER_H_
#define COV_INGEST_EVENTS_INTERNAL_EVENT_BUILDER_H_

#include <cstddef>
#include <cstdint>
#include <vector>

#include "absl/strings/string_view.h"
#include "ingest/events/event.h"

namespace cov::ingest::events::internal {

class EventBuilder {
 public:
  // Starts a new event; fields of the previous one are recycled.
  void Reset(absl::string_view file, int64_t record);

  // Adds a field unless one of that name exists. Returns the new field, or
  // nullptr for a duplicate.
  EventField* Add(absl::string_view name, absl::string_view value,
                  bool is_null = false);

  // True when a field of that name was added.
  bool Has(absl::string_view name) const;
  const EventField* Find(absl::string_view name) const;

  // The event under construction (set time_us/host on it directly).
  Event& event() { return event_; }
  size_t size() const { return event_.fields.size(); }

 private:
  static uint64_t Bit(absl::string_view name);

  Event event_;
  std::vector<EventField> spare_;  // recycled fields, strings keep capacity
  uint64_t bloom_ = 0;             // one bit per name hash
};

}  // namespace cov::ingest::events::internal

#endif  // COV_INGEST_EVENTS_INTERNAL_EVENT_BUILDER_H_
