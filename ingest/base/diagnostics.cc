#include "ingest/base/diagnostics.h"

#include "absl/strings/str_cat.h"

namespace cov::ingest {

cov::v1::Diagnostic MakeDiagnostic(cov::v1::Severity severity,
                                   absl::string_view file, int line, int column,
                                   absl::string_view code,
                                   absl::string_view message) {
  cov::v1::Diagnostic d;
  d.set_severity(severity);
  d.set_file(std::string(file));
  d.set_line(line);
  d.set_column(column);
  d.set_code(std::string(code));
  d.set_message(std::string(message));
  return d;
}

std::string FormatDiagnostic(const cov::v1::Diagnostic& d) {
  std::string out = d.file().empty() ? "<input>" : d.file();
  if (d.line() > 0) {
    absl::StrAppend(&out, ":", d.line());
    if (d.column() > 0) absl::StrAppend(&out, ":", d.column());
  }
  absl::string_view sev = "error";
  if (d.severity() == cov::v1::SEVERITY_WARNING) sev = "warning";
  if (d.severity() == cov::v1::SEVERITY_INFO) sev = "info";
  absl::StrAppend(&out, ": ", sev, ": ", d.message());
  if (!d.object().empty()) absl::StrAppend(&out, " (", d.object(), ")");
  if (!d.code().empty()) absl::StrAppend(&out, " [", d.code(), "]");
  return out;
}

}  // namespace cov::ingest
