#include "ingest/events/internal/event_builder.h"

#include <utility>

#include "absl/strings/ascii.h"

namespace cov::ingest::events::internal {

uint64_t EventBuilder::Bit(absl::string_view name) {
  uint32_t h = 2166136261u;
  for (char c : name) {
    h = (h ^ static_cast<unsigned char>(absl::ascii_tolower(c))) * 16777619u;
  }
  return uint64_t{1} << ((h ^ (h >> 17)) & 63);
}

void EventBuilder::Reset(absl::string_view file, int64_t record) {
  while (!event_.fields.empty()) {
    spare_.push_back(std::move(event_.fields.back()));
    event_.fields.pop_back();
  }
  if (event_.file != file) event_.file.assign(file.data(), file.size());
  event_.record = record;
  event_.time_us = 0;
  event_.host.clear();
  bloom_ = 0;
}

bool EventBuilder::Has(absl::string_view name) const {
  if ((bloom_ & Bit(name)) == 0) return false;
  return event_.Find(name) != nullptr;
}

const EventField* EventBuilder::Find(absl::string_view name) const {
  if ((bloom_ & Bit(name)) == 0) return nullptr;
  return event_.Find(name);
}

EventField* EventBuilder::Add(absl::string_view name, absl::string_view value,
                              bool is_null) {
  const uint64_t bit = Bit(name);
  if ((bloom_ & bit) != 0 && event_.Find(name) != nullptr) return nullptr;
  bloom_ |= bit;
  if (spare_.empty()) {
    event_.fields.emplace_back();
  } else {
    event_.fields.push_back(std::move(spare_.back()));
    spare_.pop_back();
  }
  EventField& f = event_.fields.back();
  f.name.assign(name.data(), name.size());
  f.value.assign(value.data(), value.size());
  f.is_null = is_null;
  return &f;
}

}  // namespace cov::ingest::events::internal
