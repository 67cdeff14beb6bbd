#include "ingest/alerts/internal/json_lines.h"

#include <cstring>

#include "ingest/base/diagnostics.h"

namespace cov::ingest::alerts::internal {

simdjson::error_code JsonLineParser::Parse(absl::string_view line,
                                           simdjson::dom::element* out) {
  const size_t need = line.size() + simdjson::SIMDJSON_PADDING;
  if (buffer_.size() < need) buffer_.resize(need);
  std::memcpy(buffer_.data(), line.data(), line.size());
  std::memset(buffer_.data() + line.size(), 0, simdjson::SIMDJSON_PADDING);
  return parser_.parse(buffer_.data(), line.size(), /*realloc_if_needed=*/false)
      .get(*out);
}

bool IsBlank(absl::string_view line) {
  for (char c : line) {
    if (c != ' ' && c != '\t' && c != '\r' && c != '\f' && c != '\v') {
      return false;
    }
  }
  return true;
}

void AddDiagnostic(const AlertReaderOptions& options, absl::string_view path,
                   cov::v1::Severity severity, int64_t line,
                   absl::string_view code, absl::string_view message,
                   AlertStats* stats) {
  if (stats->diagnostics.size() >= options.max_diagnostics) {
    ++stats->diagnostics_dropped;
    return;
  }
  stats->diagnostics.push_back(
      MakeDiagnostic(severity, path, static_cast<int>(line), 0, code, message));
}

bool GetInt64(simdjson::simdjson_result<simdjson::dom::element> v,
              int64_t* out) {
  int64_t i;
  if (v.get_int64().get(i) == simdjson::SUCCESS) {
    *out = i;
    return true;
  }
  return false;
}

bool GetString(simdjson::simdjson_result<simdjson::dom::element> v,
               std::string_view* out) {
  return v.get_string().get(*out) == simdjson::SUCCESS;
}

bool ReadObject(JsonLineParser& parser, absl::string_view line,
                LineOutcome* out, simdjson::dom::object* obj) {
  if (IsBlank(line)) return false;
  out->kind = LineKind::kMalformed;
  simdjson::dom::element root;
  if (simdjson::error_code e = parser.Parse(line, &root);
      e != simdjson::SUCCESS) {
    out->code = "alerts-invalid-json";
    out->error = absl::StrCat("invalid JSON: ", simdjson::error_message(e));
    return false;
  }
  if (root.get_object().get(*obj) != simdjson::SUCCESS) {
    out->code = "alerts-not-an-object";
    out->error = "JSON value is not an object";
    return false;
  }
  return true;
}

}  // namespace cov::ingest::alerts::internal
