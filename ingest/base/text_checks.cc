#include "ingest/base/text_checks.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "ingest/base/text_position.h"
#include "ingest/base/utf8.h"

namespace cov::ingest {

absl::Status CheckTextInput(absl::string_view text, absl::string_view path,
                            size_t max_bytes) {
  if (text.size() > max_bytes) {
    return absl::InvalidArgumentError(absl::StrCat(
        path, ": file is ", text.size(), " bytes; the limit is ", max_bytes));
  }
  if (const size_t bad = FirstInvalidUtf8(text);
      bad != absl::string_view::npos) {
    const LineCol lc = TextPosition(text).At(bad);
    return absl::InvalidArgumentError(absl::StrCat(
        path, ":", lc.line, ":", lc.column, ": file is not valid UTF-8"));
  }
  return absl::OkStatus();
}

bool IsUuid(absl::string_view s) {
  if (s.size() != 36) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (s[i] != '-') return false;
    } else if (!absl::ascii_isxdigit(static_cast<unsigned char>(s[i]))) {
      return false;
    }
  }
  return true;
}

absl::string_view FileStem(absl::string_view path) {
  const size_t slash = path.find_last_of("/\\");
  if (slash != absl::string_view::npos) path.remove_prefix(slash + 1);
  const size_t dot = path.rfind('.');
  if (dot != absl::string_view::npos) path = path.substr(0, dot);
  return path;
}

}  // namespace cov::ingest
