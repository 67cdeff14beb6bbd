// Test helper: an EventSink that keeps copies of every event and the
// printed diagnostics.
#ifndef COV_INGEST_EVENTS_INTERNAL_TEST_SINK_H_
#define COV_INGEST_EVENTS_INTERNAL_TEST_SINK_H_

#include <string>
#include <vector>

#include "ingest/base/diagnostics.h"
#include "ingest/events/reader_options.h"

namespace cov::ingest::events::internal {

class CollectingSink : public EventSink {
 public:
  void OnEvent(const Event& event) override { events.push_back(event); }
  void OnDiagnostic(const cov::v1::Diagnostic& d) override {
    diagnostics.push_back(FormatDiagnostic(d));
  }
  // Value of field `name` of event `i`, "<absent>" when missing, "<null>"
  // when null.
  std::string Value(size_t i, const std::string& name) const {
    const EventField* f = events.at(i).Find(name);
    if (f == nullptr) return "<absent>";
    if (f->is_null) return "<null>";
    return f->value;
  }

  std::vector<Event> events;
  std::vector<std::string> diagnostics;
};

}  // namespace cov::ingest::events::internal

#endif  // COV_INGEST_EVENTS_INTERNAL_TEST_SINK_H_
