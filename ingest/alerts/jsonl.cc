#include "ingest/alerts/jsonl.h"

#include <string_view>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "ingest/alerts/internal/json_lines.h"
#include "ingest/alerts/timestamp.h"
#include "simdjson.h"

namespace cov::ingest::alerts {
namespace {

using internal::AV;
using simdjson::dom::element;
using simdjson::dom::element_type;

using internal::LineOutcome;

// A non-empty string or an integer, as text.
bool IdText(simdjson::simdjson_result<element> v, std::string* out) {
  element e;
  if (v.get(e) != simdjson::SUCCESS) return false;
  switch (e.type()) {
    case element_type::STRING: {
      std::string_view s = e.get_string().value_unsafe();
      if (s.empty()) return false;
      out->assign(s.data(), s.size());
      return true;
    }
    case element_type::INT64:
      *out = absl::StrCat(e.get_int64().value_unsafe());
      return true;
    case element_type::UINT64:
      *out = absl::StrCat(e.get_uint64().value_unsafe());
      return true;
    default:
      return false;
  }
}

// Fills *micros from a timestamp value; false with *error on failure.
bool Timestamp(const element& e, int64_t* micros, std::string* error) {
  absl::StatusOr<int64_t> t;
  switch (e.type()) {
    case element_type::STRING: {
      const absl::string_view s = AV(e.get_string().value_unsafe());
      double seconds;
      // A string of Unix seconds, or else RFC 3339.
      if (!s.empty() &&
          s.find_first_not_of("0123456789.-") == absl::string_view::npos &&
          absl::SimpleAtod(s, &seconds)) {
        t = UnixSecondsToMicros(seconds);
      } else {
        t = ParseTimestampMicros(s);
      }
      break;
    }
    case element_type::INT64:
      t = UnixSecondsToMicros(
          static_cast<double>(e.get_int64().value_unsafe()));
      break;
    case element_type::UINT64:
      t = UnixSecondsToMicros(
          static_cast<double>(e.get_uint64().value_unsafe()));
      break;
    case element_type::DOUBLE:
      t = UnixSecondsToMicros(e.get_double().value_unsafe());
      break;
    default:
      *error = "timestamp is neither a string nor a number";
      return false;
  }
  if (!t.ok()) {
    *error = std::string(t.status().message());
    return false;
  }
  *micros = *t;
  return true;
}

LineOutcome ReadLine(internal::JsonLineParser& parser, absl::string_view line,
                     RuleAlert* alert) {
  LineOutcome out;
  simdjson::dom::object obj;
  if (!internal::ReadObject(parser, line, &out, &obj)) return out;
  if (!IdText(obj["rule_id"], &alert->rule_id) &&
      !IdText(obj["ruleId"], &alert->rule_id) &&
      !IdText(obj["sigma_id"], &alert->rule_id) &&
      !IdText(obj["rule.id"], &alert->rule_id) &&
      !IdText(obj["rule"]["id"], &alert->rule_id) &&
      !IdText(obj["signature_id"], &alert->rule_id)) {
    out.kind = LineKind::kSkipped;
    out.code = "alerts-missing-rule-id";
    out.error =
        "no rule ID (rule_id, ruleId, sigma_id, rule.id or signature_id)";
    return out;
  }
  out.kind = LineKind::kAlert;
  element ts;
  if (obj["timestamp"].get(ts) != simdjson::SUCCESS &&
      obj["@timestamp"].get(ts) != simdjson::SUCCESS &&
      obj["time"].get(ts) != simdjson::SUCCESS) {
    out.error = "alert without timestamp, @timestamp or time";
    return out;
  }
  if (Timestamp(ts, &alert->timestamp_micros, &out.error)) {
    alert->has_timestamp = true;
  }
  return out;
}

}  // namespace

// JSON lines: a line that is not an alert gets a warning naming why.
template <>
class AlertFileReader<RuleAlert>::Impl
    : public internal::AlertLineReader<RuleAlert> {
 public:
  Impl(absl::string_view path, Sink sink, const AlertReaderOptions& options)
      : AlertLineReader(
            path, std::move(sink), options, &ReadLine,
            [this](int64_t n, const LineOutcome& o, AlertStats* stats) {
              internal::AddDiagnostic(this->options(), this->path(),
                                      cov::v1::SEVERITY_WARNING, n, o.code,
                                      o.error, stats);
            }) {}
};

template class AlertFileReader<RuleAlert>;

JsonlFile ParseAlertJsonl(absl::string_view content, absl::string_view path,
                          const AlertReaderOptions& options) {
  return internal::ReadWholeFile<RuleAlert>(content, path, options);
}

LineKind ParseAlertJsonlLine(absl::string_view line, RuleAlert* alert,
                             std::string* error) {
  return internal::ReadOneLine<RuleAlert>(&ReadLine, line, alert, error);
}

}  // namespace cov::ingest::alerts
