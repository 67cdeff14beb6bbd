// Building and printing cov.v1.Diagnostic records.
//
// Every parser reports problems as Diagnostics carrying file, 1-based line and
// column, a stable code and a message; they print as `file:line:col: msg`.
#ifndef COV_INGEST_BASE_DIAGNOSTICS_H_
#define COV_INGEST_BASE_DIAGNOSTICS_H_

#include <string>

#include "absl/strings/string_view.h"
#include "cov/v1/rules.pb.h"

namespace cov::ingest {

// Returns a Diagnostic with the given fields.
cov::v1::Diagnostic MakeDiagnostic(cov::v1::Severity severity,
                                   absl::string_view file, int line, int column,
                                   absl::string_view code,
                                   absl::string_view message);

inline cov::v1::Diagnostic Error(absl::string_view file, int line, int column,
                                 absl::string_view code,
                                 absl::string_view message) {
  return MakeDiagnostic(cov::v1::SEVERITY_ERROR, file, line, column, code,
                        message);
}

inline cov::v1::Diagnostic Warning(absl::string_view file, int line, int column,
                                   absl::string_view code,
                                   absl::string_view message) {
  return MakeDiagnostic(cov::v1::SEVERITY_WARNING, file, line, column, code,
                        message);
}

// "file:line:col: error: message [code]" (line/col omitted when 0).
std::string FormatDiagnostic(const cov::v1::Diagnostic& d);

}  // namespace cov::ingest

#endif  // COV_INGEST_BASE_DIAGNOSTICS_H_
