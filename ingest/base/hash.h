// FNV-1a 64, the content hash of rules and files (Rule.content_hash,
// IngestedFile.content_hash): stable across runs, builds and platforms, so
// stored hashes stay comparable. Not for anything adversarial.
#ifndef COV_INGEST_BASE_HASH_H_
#define COV_INGEST_BASE_HASH_H_

#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"

namespace cov::ingest {

inline constexpr uint64_t kFnv1a64Offset = 14695981039346656037ULL;

// FNV-1a 64 of `s`, continuing from `seed` (pass a previous result to hash
// a concatenation piece by piece).
uint64_t Fnv1a64(absl::string_view s, uint64_t seed = kFnv1a64Offset);

// 16 lower-case hex digits.
std::string Hex64(uint64_t h);

inline std::string Fnv1a64Hex(absl::string_view s) { return Hex64(Fnv1a64(s)); }

}  // namespace cov::ingest

#endif  // COV_INGEST_BASE_HASH_H_
