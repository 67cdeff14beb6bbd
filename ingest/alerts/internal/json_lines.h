// Internal machinery of the alert readers: line splitting over arbitrary
// chunks, a reusable simdjson parser, and capped diagnostics. Not part of
// the public API (simdjson types stay inside //ingest/alerts).
#ifndef COV_INGEST_ALERTS_INTERNAL_JSON_LINES_H_
#define COV_INGEST_ALERTS_INTERNAL_JSON_LINES_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>  // simdjson hands out std::string_view

#include "absl/strings/string_view.h"
#include "ingest/alerts/alert_file.h"
#include "simdjson.h"

namespace cov::ingest::alerts::internal {

// absl::string_view is not std::string_view in Debian's Abseil.
inline absl::string_view AV(std::string_view s) { return {s.data(), s.size()}; }

// Splits a stream fed in chunks of any size into lines. Complete lines
// inside a chunk are passed without copying; only a line cut by a chunk end
// is buffered, and never more than max_line_bytes of it.
class LineSplitter {
 public:
  explicit LineSplitter(size_t max_line_bytes) : max_(max_line_bytes) {}

  // fn(int64_t line_number, absl::string_view line, bool too_long) for each
  // line completed by `chunk`. `line` lacks '\n', a final '\r' and, on line
  // 1, a UTF-8 BOM; it is empty when too_long.
  template <typename Fn>
  void Feed(absl::string_view chunk, Fn&& fn) {
    while (!chunk.empty()) {
      const size_t nl = chunk.find('\n');
      if (nl == absl::string_view::npos) {
        Append(chunk);
        return;
      }
      const absl::string_view piece = chunk.substr(0, nl);
      chunk.remove_prefix(nl + 1);
      if (pending_.empty() && !overflow_) {
        Emit(piece, piece.size() > max_, fn);
      } else {
        Append(piece);
        Emit(pending_, overflow_, fn);
        pending_.clear();
        overflow_ = false;
      }
    }
  }

  // Emits a last line that has no '\n'.
  template <typename Fn>
  void Finish(Fn&& fn) {
    if (!pending_.empty() || overflow_) Emit(pending_, overflow_, fn);
    pending_.clear();
    overflow_ = false;
  }

 private:
  void Append(absl::string_view piece) {
    if (overflow_) return;
    if (pending_.size() + piece.size() > max_) {
      overflow_ = true;
      std::string().swap(pending_);  // release the memory
      return;
    }
    pending_.append(piece.data(), piece.size());
  }

  template <typename Fn>
  void Emit(absl::string_view line, bool too_long, Fn& fn) {
    ++line_number_;
    if (too_long) {
      fn(line_number_, absl::string_view(), true);
      return;
    }
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line_number_ == 1 && line.size() >= 3 && line[0] == '\xEF' &&
        line[1] == '\xBB' && line[2] == '\xBF') {
      line.remove_prefix(3);
    }
    fn(line_number_, line, false);
  }

  size_t max_;
  std::string pending_;
  bool overflow_ = false;
  int64_t line_number_ = 0;
};

// simdjson DOM parser reused across lines (its buffers are allocated once
// and grown as needed); lines are copied into a padded buffer.
class JsonLineParser {
 public:
  simdjson::error_code Parse(absl::string_view line,
                             simdjson::dom::element* out);

 private:
  simdjson::dom::parser parser_;
  std::string buffer_;
};

// True when `line` holds only blanks.
bool IsBlank(absl::string_view line);

// Appends a diagnostic unless the cap is reached (then counts it dropped).
void AddDiagnostic(const AlertReaderOptions& options, absl::string_view path,
                   cov::v1::Severity severity, int64_t line,
                   absl::string_view code, absl::string_view message,
                   AlertStats* stats);

// Reads a JSON integer (signed or unsigned up to INT64_MAX).
bool GetInt64(simdjson::simdjson_result<simdjson::dom::element> v,
              int64_t* out);

// Reads a JSON string.
bool GetString(simdjson::simdjson_result<simdjson::dom::element> v,
               std::string_view* out);

}  // namespace cov::ingest::alerts::internal

#endif  // COV_INGEST_ALERTS_INTERNAL_JSON_LINES_H_
