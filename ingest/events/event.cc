#include "ingest/events/event.h"

#include "absl/strings/match.h"

namespace cov::ingest::events {

const EventField* Event::Find(absl::string_view name) const {
  for (const EventField& f : fields) {
    if (f.name.size() == name.size() && absl::EqualsIgnoreCase(f.name, name)) {
      return &f;
    }
  }
  return nullptr;
}

}  // namespace cov::ingest::events
