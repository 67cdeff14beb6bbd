// The whole-file input check of the rule parsers, as a Diagnostic: a file
// over the size limit, or one that is not UTF-8 (positioned at the first
// invalid byte), is reported as "<code>" and not parsed further.
//
//   if (auto d = CheckInputDiagnostic(f.content, f.path, kMax, "splunk-input"))
//     { out.diagnostics.push_back(*d); return out; }
//
// Pure; thread-safe.
#ifndef COV_INGEST_BASE_INPUT_CHECK_H_
#define COV_INGEST_BASE_INPUT_CHECK_H_

#include <cstddef>
#include <optional>

#include "absl/strings/string_view.h"
#include "cov/v1/rules.pb.h"

namespace cov::ingest {

// nullopt when `text` is at most `max_bytes` and valid UTF-8; else an error
// Diagnostic of `code`: "file is N bytes; the limit is M" (line 0), or
// "file is not valid UTF-8" at the line:col of the first invalid byte.
std::optional<cov::v1::Diagnostic> CheckInputDiagnostic(absl::string_view text,
                                                        absl::string_view path,
                                                        size_t max_bytes,
                                                        absl::string_view code);

}  // namespace cov::ingest

#endif  // COV_INGEST_BASE_INPUT_CHECK_H_
