// Rendering helpers shared by the command handlers of the `cov` CLI: JSON
// output of a response, usage errors, text truncation and wrapping, times,
// diagnostics, and column widths computed from the data.
//
// Example:
//   if (JsonOutput()) { PrintJson(resp); return 0; }
//   int w = ColumnWidth(22, names);  // >= 22, fits the longest name
//   std::printf("%-*s ...\n", w, name.c_str());
//
// Thread-compatible (writes to stdout/stderr).
#ifndef COV_CLIENTS_CLI_OUTPUT_H_
#define COV_CLIENTS_CLI_OUTPUT_H_

#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"
#include "cov/v1/cov.pb.h"
#include "google/protobuf/message.h"

namespace cov::clients::cli {

// Prints "cov: MESSAGE" (when not empty) and the --help hint on stderr;
// returns the usage exit code 2.
int Usage(absl::string_view message);

// True when --format json.
bool JsonOutput();

// Prints `m` in the proto3 JSON mapping (lowerCamelCase, defaults included,
// indented) and a newline.
void PrintJson(const google::protobuf::Message& m);

// The release of --domain / --attack_version (empty: the default release).
cov::v1::ReleaseRef ReleaseFromFlags();

// `s` on one line, cut at `n` bytes (on a UTF-8 boundary) with "...".
std::string Truncate(absl::string_view s, size_t n);

// `text` re-flowed to lines of at most `width` bytes, each prefixed with
// `indent` and ended by a newline.
std::string Wrap(absl::string_view text, size_t width,
                 absl::string_view indent);

// "2024-04-21 09:55:00Z" for seconds since the epoch (UTC).
std::string FormatTime(int64_t unix_seconds);

// path:line:col: severity: message [code]
std::string FormatDiag(const cov::v1::Diagnostic& d);

// A bar of `width` cells, ratio in [0, 1] filled.
std::string Bar(double ratio, int width);

// The width of a text column: `min_width`, or the longest of `values` when
// longer, so a long value (inhibit-response-function) never shifts the
// columns after it.
template <typename Strings>
int ColumnWidth(int min_width, const Strings& values) {
  int width = min_width;
  for (const auto& v : values) {
    if (static_cast<int>(v.size()) > width) width = static_cast<int>(v.size());
  }
  return width;
}

}  // namespace cov::clients::cli

#endif  // COV_CLIENTS_CLI_OUTPUT_H_
