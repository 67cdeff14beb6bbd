#include "ingest/base/text_position.h"

#include <algorithm>

namespace cov::ingest {

TextPosition::TextPosition(absl::string_view text) : text_(text) {
  line_starts_.push_back(0);
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\n') line_starts_.push_back(i + 1);
  }
}

LineCol TextPosition::At(size_t offset) const {
  offset = std::min(offset, text_.size());
  auto it = std::upper_bound(line_starts_.begin(), line_starts_.end(), offset);
  size_t line_index = static_cast<size_t>(it - line_starts_.begin()) - 1;
  LineCol lc;
  lc.line = static_cast<int>(line_index) + 1;
  lc.column = static_cast<int>(offset - line_starts_[line_index]) + 1;
  return lc;
}

}  // namespace cov::ingest
