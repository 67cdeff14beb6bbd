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

struct LineOutcome {
  LineKind kind = LineKind::kBlank;
  absl::string_view code;       // for kMalformed
  std::string error;            // kMalformed reason or timestamp problem
  std::string_view event_type;  // for kSkipped; valid until the next parse
};

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

class EveReader::Impl {
 public:
  Impl(absl::string_view path, Sink sink, const AlertReaderOptions& options)
      : path_(path),
        sink_(std::move(sink)),
        options_(options),
        splitter_(options.max_line_bytes) {}

  void Feed(absl::string_view chunk) {
    splitter_.Feed(chunk, [this](int64_t n, absl::string_view line,
                                 bool too_long) { Line(n, line, too_long); });
  }
  void Finish() {
    splitter_.Finish([this](int64_t n, absl::string_view line, bool too_long) {
      Line(n, line, too_long);
    });
  }
  const AlertStats& stats() const { return stats_; }

 private:
  void Line(int64_t n, absl::string_view line, bool too_long) {
    ++stats_.lines;
    if (too_long) {
      ++stats_.malformed;
      internal::AddDiagnostic(
          options_, path_, cov::v1::SEVERITY_ERROR, n, "alerts-line-too-long",
          absl::StrCat("line longer than ", options_.max_line_bytes, " bytes"),
          &stats_);
      return;
    }
    EveAlert alert;
    LineOutcome o = ReadLine(parser_, line, &alert);
    switch (o.kind) {
      case LineKind::kBlank:
        ++stats_.blank;
        return;
      case LineKind::kMalformed:
        ++stats_.malformed;
        internal::AddDiagnostic(options_, path_, cov::v1::SEVERITY_ERROR, n,
                                o.code, o.error, &stats_);
        return;
      case LineKind::kSkipped: {
        ++stats_.skipped;
        auto it = stats_.skipped_event_types.find(o.event_type);
        if (it != stats_.skipped_event_types.end()) {
          ++it->second;
        } else if (stats_.skipped_event_types.size() < kMaxEventTypes) {
          stats_.skipped_event_types.emplace(Str(o.event_type), 1);
        } else {
          ++stats_.skipped_event_types["(other)"];
        }
        return;
      }
      case LineKind::kAlert:
        ++stats_.alerts;
        if (!alert.has_timestamp) {
          ++stats_.without_timestamp;
          internal::AddDiagnostic(options_, path_, cov::v1::SEVERITY_WARNING, n,
                                  "alerts-bad-timestamp",
                                  absl::StrCat(o.error, " (alert kept)"),
                                  &stats_);
        }
        alert.line = n;
        sink_(std::move(alert));
        return;
    }
  }

  std::string path_;
  Sink sink_;
  AlertReaderOptions options_;
  internal::LineSplitter splitter_;
  internal::JsonLineParser parser_;
  AlertStats stats_;
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
  // One parser per thread: its buffers outlive the call.
  thread_local internal::JsonLineParser parser;
  EveAlert a;
  LineOutcome o = ReadLine(parser, line, &a);
  if (error != nullptr) *error = o.error;
  if (o.kind == LineKind::kAlert) *alert = std::move(a);
  return o.kind;
}

}  // namespace cov::ingest::alerts
