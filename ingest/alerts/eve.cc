#include "ingest/alerts/eve.h"

#include <string_view>
#include <utility>

#include "absl/strings/str_cat.h"
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
  if (internal::IsBlank(line)) return out;
  out.kind = LineKind::kMalformed;
  simdjson::dom::element root;
  if (simdjson::error_code e = parser.Parse(line, &root);
      e != simdjson::SUCCESS) {
    out.code = "alerts-invalid-json";
    out.error = absl::StrCat("invalid JSON: ", simdjson::error_message(e));
    return out;
  }
  simdjson::dom::object obj;
  if (root.get_object().get(obj) != simdjson::SUCCESS) {
    out.code = "alerts-not-an-object";
    out.error = "JSON value is not an object";
    return out;
  }
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
class EveReader::Impl : public internal::AlertLineReader<EveAlert> {
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

EveReader::EveReader(absl::string_view path, Sink sink,
                     const AlertReaderOptions& options)
    : impl_(std::make_unique<Impl>(path, std::move(sink), options)) {}
EveReader::~EveReader() = default;
void EveReader::Feed(absl::string_view chunk) { impl_->Feed(chunk); }
void EveReader::Finish() { impl_->Finish(); }
const AlertStats& EveReader::stats() const { return impl_->stats(); }

EveFile ParseEve(absl::string_view content, absl::string_view path,
                 const AlertReaderOptions& options) {
  EveFile file;
  EveReader reader(
      path, [&file](EveAlert&& a) { file.alerts.push_back(std::move(a)); },
      options);
  reader.Feed(content);
  reader.Finish();
  file.stats = reader.stats();
  return file;
}

LineKind ParseEveLine(absl::string_view line, EveAlert* alert,
                      std::string* error) {
  return internal::ReadOneLine<EveAlert>(&ReadLine, line, alert, error);
}

}  // namespace cov::ingest::alerts
