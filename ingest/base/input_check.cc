#include "ingest/base/input_check.h"

#include "absl/strings/str_cat.h"
#include "ingest/base/diagnostics.h"
#include "ingest/base/text_position.h"
#include "ingest/base/utf8.h"

namespace cov::ingest {

std::optional<cov::v1::Diagnostic> CheckInputDiagnostic(
    absl::string_view text, absl::string_view path, size_t max_bytes,
    absl::string_view code) {
  if (text.size() > max_bytes) {
    return Error(path, 0, 0, code,
                 absl::StrCat("file is ", text.size(), " bytes; the limit is ",
                              max_bytes));
  }
  if (const size_t bad = FirstInvalidUtf8(text);
      bad != absl::string_view::npos) {
    const LineCol lc = TextPosition(text).At(bad);
    return Error(path, lc.line, lc.column, code, "file is not valid UTF-8");
  }
  return std::nullopt;
}

}  // namespace cov::ingest
