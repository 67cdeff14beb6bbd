// Maps byte offsets in a text to 1-based line and column numbers.
//
// Parsers report positions as `path:line:col`; simdjson and hand-written
// scanners know only byte offsets, so this index converts them. Building the
// index is O(n) once; each lookup is O(log lines).
//
//   TextPosition pos(content);
//   LineCol lc = pos.At(offset);  // lc.line, lc.column are 1-based
#ifndef COV_INGEST_BASE_TEXT_POSITION_H_
#define COV_INGEST_BASE_TEXT_POSITION_H_

#include <cstddef>
#include <vector>

#include "absl/strings/string_view.h"

namespace cov::ingest {

struct LineCol {
  int line = 0;    // 1-based
  int column = 0;  // 1-based, in bytes
};

class TextPosition {
 public:
  // `text` must outlive this object.
  explicit TextPosition(absl::string_view text);

  // Position of byte `offset`; offsets past the end map to the last position.
  LineCol At(size_t offset) const;

  int line_count() const { return static_cast<int>(line_starts_.size()); }

 private:
  absl::string_view text_;
  std::vector<size_t> line_starts_;
};

}  // namespace cov::ingest

#endif  // COV_INGEST_BASE_TEXT_POSITION_H_
