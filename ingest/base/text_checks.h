// Small checks the YAML parsers share: whole-file input limits, UUIDs,
// membership in a fixed vocabulary, and a file name's stem.
#ifndef COV_INGEST_BASE_TEXT_CHECKS_H_
#define COV_INGEST_BASE_TEXT_CHECKS_H_

#include <cstddef>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace cov::ingest {

// OK when `text` is at most `max_bytes` long and valid UTF-8; else
// kInvalidArgument naming `path` and the size limit, or path:line:col of the
// first invalid byte. For formats parsed as a whole (yaml-cpp would accept
// neither a huge file cheaply nor invalid bytes safely).
absl::Status CheckTextInput(absl::string_view text, absl::string_view path,
                            size_t max_bytes);

// 8-4-4-4-12 hexadecimal digits (either case).
bool IsUuid(absl::string_view s);

// The file name of `path` without folders ('/' or '\\') and without its
// last extension: "atomics/T1197/T1197.yaml" -> "T1197".
absl::string_view FileStem(absl::string_view path);

// True when `v` is one of `set`.
template <size_t N>
bool OneOf(absl::string_view v, const absl::string_view (&set)[N]) {
  for (absl::string_view s : set) {
    if (v == s) return true;
  }
  return false;
}

}  // namespace cov::ingest

#endif  // COV_INGEST_BASE_TEXT_CHECKS_H_
