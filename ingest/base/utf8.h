// UTF-8 hygiene for parser output: protobuf string fields must hold valid
// UTF-8 (a record with invalid bytes serialises with an error and does not
// parse back). Input files may be Latin-1, and YAML escapes such as "\N"
// (U+0085) come out of yaml-cpp as raw single bytes, so every parser passes
// its records through SanitizeUtf8 before returning them.
#ifndef COV_INGEST_BASE_UTF8_H_
#define COV_INGEST_BASE_UTF8_H_

#include <string>

#include "absl/strings/string_view.h"
#include "google/protobuf/message.h"

namespace cov::ingest {

// True when `s` is well-formed UTF-8 (no overlongs, surrogates or code
// points above U+10FFFF).
bool IsValidUtf8(absl::string_view s);

// `s` with each byte that is not part of a valid sequence replaced by U+FFFD.
std::string ToValidUtf8(absl::string_view s);

// Rewrites every invalid string field of `msg`, recursively. Cheap when
// everything is valid (no copies). Returns true when something changed.
bool SanitizeUtf8(google::protobuf::Message* msg);

}  // namespace cov::ingest

#endif  // COV_INGEST_BASE_UTF8_H_
