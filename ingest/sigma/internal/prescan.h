// A single linear pass over a Sigma file's bytes, run BEFORE yaml-cpp sees
// them. It finds what must never reach yaml-cpp (NUL bytes, nesting so deep
// that yaml-cpp's recursive descent could overflow the stack, floods of
// aliases), checks UTF-8, and splits the stream into YAML documents at
// column-0 `---` / `...` markers so that one broken document does not hide
// the others.
//
// The scanner knows just enough YAML to measure nesting: block indentation,
// `- ` sequence entries, flow brackets, quoted scalars (also multi-line),
// block scalars (`|`, `>`), plain multi-line continuations and comments.
// It errs on the side of counting too little rather than too much, so a
// valid Sigma rule is never rejected; yaml-cpp's own DepthGuard remains as a
// second line of defence.
//
// Thread-safe: pure function of its input.
#ifndef COV_INGEST_SIGMA_INTERNAL_PRESCAN_H_
#define COV_INGEST_SIGMA_INTERNAL_PRESCAN_H_

#include <cstddef>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace cov::ingest::sigma::internal {

struct PrescanLimits {
  // Deepest nesting (block levels + open flow brackets) accepted.
  int max_depth = 64;
  // Most `*alias` references accepted in one file.
  int max_aliases = 1000;
};

// One YAML document's bytes (possibly with leading comments or directives).
struct Chunk {
  size_t begin = 0;    // byte offset of the first byte
  size_t end = 0;      // one past the last byte
  int first_line = 0;  // 0-based line number of `begin`
  // False when the chunk holds only blank lines, comments and markers.
  bool has_content = false;
  // 1-based line where nesting first exceeded max_depth; 0 if it never did.
  int too_deep_line = 0;
};

struct PrescanResult {
  // 1-based line of the first NUL byte; 0 when there is none.
  int nul_line = 0;
  // 1-based line/column (bytes) of the first byte that is not valid UTF-8.
  int invalid_utf8_line = 0;
  int invalid_utf8_column = 0;
  // Number of alias references seen, and the 1-based line of the reference
  // that went past max_aliases (0 when the limit was not passed).
  int alias_count = 0;
  int alias_limit_line = 0;
  std::vector<Chunk> chunks;
};

// Scans `text`. When a NUL byte is found the result carries only nul_line
// (the rest of the scan is skipped: the file is binary).
PrescanResult Prescan(absl::string_view text, const PrescanLimits& limits);

// 1-based line and column of byte `offset` in `text` (O(offset)).
void LineColumnAt(absl::string_view text, size_t offset, int* line,
                  int* column);

}  // namespace cov::ingest::sigma::internal

#endif  // COV_INGEST_SIGMA_INTERNAL_PRESCAN_H_
