#include "ingest/events/internal/normalize.h"

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/time/time.h"
#include "ingest/alerts/timestamp.h"

namespace cov::ingest::events::internal {
namespace {

struct Alias {
  absl::string_view target;
  std::vector<absl::string_view> sources;  // first present wins
};

const std::vector<Alias>& Aliases() {
  static const auto* const kAliases = new std::vector<Alias>{
      {"EventID", {"winlog.event_id", "event.code"}},
      {"Channel", {"winlog.channel"}},
      {"Provider_Name",
       {"SourceName", "ProviderName", "winlog.provider_name",
        "event.provider"}},
      {"Computer", {"Hostname", "winlog.computer_name", "host.name"}},
      {"EventRecordID", {"RecordNumber", "winlog.record_id"}},
  };
  return *kAliases;
}

// Nested event data offered under its leaf name ("winlog.event_data.Image"
// is also "Image").
constexpr absl::string_view kLeafPrefixes[] = {
    "winlog.event_data.", "winlog.user_data.", "event_data.", "user_data."};

constexpr absl::string_view kTimeFields[] = {"@timestamp", "TimeCreated",
                                             "EventTime", "UtcTime"};
constexpr absl::string_view kHostFields[] = {
    "Hostname", "Computer", "winlog.computer_name", "host.name", "host"};

bool ParseTime(absl::string_view text, int64_t* out) {
  absl::StatusOr<int64_t> t = cov::ingest::alerts::ParseTimestampMicros(text);
  if (!t.ok()) return false;
  *out = *t;
  return true;
}

}  // namespace

std::string FormatTimeMicros(int64_t time_us) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%E6SZ", absl::FromUnixMicros(time_us),
                          absl::UTCTimeZone());
}

void FinishWindowsEvent(EventBuilder& b) {
  Event& e = b.event();
  for (EventField& f : e.fields) {
    if (f.name == "TimeCreated" && !f.is_null) {
      if (ParseTime(f.value, &e.time_us)) f.value = FormatTimeMicros(e.time_us);
      break;
    }
  }
  if (e.time_us != 0) {
    for (EventField& f : e.fields) {
      if (f.name == "TimeCreated_SystemTime")
        f.value = FormatTimeMicros(e.time_us);
    }
  }
  if (const EventField* c = b.Find("Computer"); c != nullptr) {
    e.host = c->value;
  }
}

void FinishFlatEvent(EventBuilder& b) {
  Event& e = b.event();
  // Leaves of nested event data. Copied out first: Add may reallocate.
  std::vector<std::pair<std::string, std::string>> leaves;
  for (const EventField& f : e.fields) {
    if (f.name.find('.') == std::string::npos) continue;
    for (absl::string_view p : kLeafPrefixes) {
      if (absl::StartsWith(f.name, p) && f.name.size() > p.size() &&
          f.name.find('.', p.size()) == std::string::npos) {
        leaves.emplace_back(f.name.substr(p.size()), f.value);
        break;
      }
    }
  }
  for (auto& [name, value] : leaves) b.Add(name, value);
  for (const Alias& a : Aliases()) {
    if (b.Has(a.target)) continue;
    for (absl::string_view s : a.sources) {
      if (const EventField* f = b.Find(s); f != nullptr && !f->is_null) {
        const std::string value = f->value;
        b.Add(a.target, value);
        break;
      }
    }
  }
  for (absl::string_view name : kTimeFields) {
    const EventField* f = b.Find(name);
    if (f != nullptr && !f->is_null && ParseTime(f->value, &e.time_us)) break;
  }
  for (absl::string_view name : kHostFields) {
    const EventField* f = b.Find(name);
    if (f != nullptr && !f->is_null && !f->value.empty()) {
      e.host = f->value;
      break;
    }
  }
}

}  // namespace cov::ingest::events::internal
