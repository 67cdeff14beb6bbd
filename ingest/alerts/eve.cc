#include "ingest/alerts/eve.h"

#include <string_view>
#include <utility>

#include "ingest/alerts/internal/json_lines.h"
#include "ingest/alerts/timestamp.h"
#include "simdjson.h"

namespace cov::ingest::alerts {
namespace {

using internal::AV;
using internal::GetInt64;
using internal::GetString;

constexpr size_t kMaxEventTypes = 64;

using internal::LineOutcome;

std::string Str(std::string_view s) { return std::string(s.data(), s.size()); }

// Reads one line with `parser`; fills *alert for kAlert.
LineOutcome ReadLine(internal::JsonLineParser& parser, absl::string_view line,
                     EveAlert* alert) {
  LineOutcome out;
  simdjson::dom::object obj;
  if (!internal::ReadObject(parser, line, &out, &obj)) return out;
  std::string_view event_type;
  if (!GetString(obj["event_type"], &event_type)) {
    out.code = "alerts-missing-event-type";
    out.error = "EVE record without a string 'event_type'";
    return out;
  }
  if (event_type != "alert") {
    out.kind = LineKind::kSkipped;
    out.event_type = event_type;
    return out;
  }
  simdjson::dom::object a;
  if (obj["alert"].get_object().get(a) != simdjson::SUCCESS ||
      !GetInt64(a["signature_id"], &alert->signature_id)) {
    out.code = "alerts-missing-signature-id";
    out.error = "alert without an integer 'alert.signature_id'";
    return out;
  }
  out.kind = LineKind::kAlert;
  GetInt64(a["gid"], &alert->gid);
  GetInt64(a["rev"], &alert->rev);
  std::string_view s;
  if (GetString(a["signature"], &s)) alert->signature = Str(s);
  if (GetString(obj["src_ip"], &s)) alert->src_ip = Str(s);
  if (GetString(obj["dest_ip"], &s)) alert->dest_ip = Str(s);
  if (GetString(obj["proto"], &s)) alert->proto = Str(s);
  int64_t port;
  if (GetInt64(obj["src_port"], &port))
    alert->src_port = static_cast<int>(port);
  if (GetInt64(obj["dest_port"], &port))
    alert->dest_port = static_cast<int>(port);
  simdjson::dom::object http;
  if (obj["http"].get_object().get(http) == simdjson::SUCCESS) {
    if (GetString(http["http_user_agent"], &s)) alert->http_user_agent = Str(s);
    if (GetString(http["hostname"], &s)) alert->http_hostname = Str(s);
    if (GetString(http["url"], &s)) alert->http_url = Str(s);
  }
  if (!GetString(obj["timestamp"], &s)) {
    out.error = "alert without a string 'timestamp'";
    return out;
  }
  absl::StatusOr<int64_t> t = ParseTimestampMicros(AV(s));
  if (!t.ok()) {
    out.error = std::string(t.status().message());
    return out;
  }
  alert->has_timestamp = true;
  alert->timestamp_micros = *t;
  return out;
}

}  // namespace

// EVE: a line of another event_type is counted by type, without a
// diagnostic (flows, DNS, TLS... are expected in an EVE file).
template <>
class AlertFileReader<EveAlert>::Impl
    : public internal::AlertLineReader<EveAlert> {
 public:
  Impl(absl::string_view path, Sink sink, const AlertReaderOptions& options)
      : AlertLineReader(path, std::move(sink), options, &ReadLine,
                        [](int64_t, const LineOutcome& o, AlertStats* stats) {
                          CountSkippedType(o.event_type, stats);
                        }) {}

 private:
  static void CountSkippedType(std::string_view type, AlertStats* stats) {
    auto it = stats->skipped_event_types.find(type);
    if (it != stats->skipped_event_types.end()) {
      ++it->second;
    } else if (stats->skipped_event_types.size() < kMaxEventTypes) {
      stats->skipped_event_types.emplace(Str(type), 1);
    } else {
      ++stats->skipped_event_types["(other)"];
    }
  }
};

template class AlertFileReader<EveAlert>;

EveFile ParseEve(absl::string_view content, absl::string_view path,
                 const AlertReaderOptions& options) {
  return internal::ReadWholeFile<EveAlert>(content, path, options);
}

LineKind ParseEveLine(absl::string_view line, EveAlert* alert,
                      std::string* error) {
  return internal::ReadOneLine<EveAlert>(&ReadLine, line, alert, error);
}

}  // namespace cov::ingest::alerts
