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
#include "ingest/base/rule_parser.h"

namespace cov::ingest {

// Length (1-4) of the well-formed UTF-8 sequence starting at s[i], or 0 when
// the bytes there are ill-formed (as FirstInvalidUtf8 defines it). i < size.
size_t Utf8SequenceLength(absl::string_view s, size_t i);

// Offset of the first byte of `s` that is not part of a well-formed UTF-8
// sequence (overlong forms, surrogates and code points above U+10FFFF are
// ill-formed), or absl::string_view::npos. ASCII runs go 8 bytes at a time.
size_t FirstInvalidUtf8(absl::string_view s);

// True when `s` is well-formed UTF-8.
inline bool IsValidUtf8(absl::string_view s) {
  return FirstInvalidUtf8(s) == absl::string_view::npos;
}

// `s` with each byte that is not part of a valid sequence replaced by U+FFFD.
std::string ToValidUtf8(absl::string_view s);

// "UTF-16LE" or "UTF-16BE" when `text` starts with a UTF-16 byte-order mark
// or its first characters are ASCII interleaved with NUL bytes (UTF-16
// without a mark); "" otherwise. Parsers report such files as "UTF-16:
// convert to UTF-8" instead of calling them binary.
absl::string_view Utf16Encoding(absl::string_view text);

// Rewrites every invalid string field of `msg`, recursively. Cheap when
// everything is valid (no copies). Returns true when something changed.
bool SanitizeUtf8(google::protobuf::Message* msg);

// SanitizeUtf8 on every rule and diagnostic of a parser's output.
void SanitizeUtf8(ParsedFile* file);

}  // namespace cov::ingest

#endif  // COV_INGEST_BASE_UTF8_H_
