// Internal machinery of the alert readers: line splitting over arbitrary
// chunks, a reusable simdjson parser, and capped diagnostics. Not part of
// the public API (simdjson types stay inside //ingest/alerts).
#ifndef COV_INGEST_ALERTS_INTERNAL_JSON_LINES_H_
#define COV_INGEST_ALERTS_INTERNAL_JSON_LINES_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>  // simdjson hands out std::string_view
#include <utility>

#include "absl/strings/str_cat.h"
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

// What one line came to, as a format's ReadLine reports it.
struct LineOutcome {
  LineKind kind = LineKind::kBlank;
  absl::string_view code;       // diagnostic code (kMalformed, kSkipped)
  std::string error;            // the reason, or the timestamp problem
  std::string_view event_type;  // EVE kSkipped; valid until the next parse
};

// Starts reading `line` as a JSON object: false when the line is blank
// (out->kind stays kBlank) or no JSON object (kMalformed, with code and
// error set); else true with out->kind set to kMalformed for the format to
// change, and *obj the object.
bool ReadObject(JsonLineParser& parser, absl::string_view line,
                LineOutcome* out, simdjson::dom::object* obj);

// The streaming reader both formats share: splits chunks into lines, parses
// each with `read_line`, counts, reports capped diagnostics, and passes each
// alert (with its line number) to the sink. Formats differ only in how a
// line is read and in what a skipped line means (`on_skipped`).
template <typename Alert>
class AlertLineReader {
 public:
  using ReadLineFn = LineOutcome (*)(JsonLineParser&, absl::string_view,
                                     Alert*);
  using Sink = std::function<void(Alert&&)>;
  // Called for kSkipped after stats->skipped is counted.
  using SkippedFn =
      std::function<void(int64_t line, const LineOutcome&, AlertStats*)>;

  AlertLineReader(absl::string_view path, Sink sink,
                  const AlertReaderOptions& options, ReadLineFn read_line,
                  SkippedFn on_skipped)
      : path_(path),
        sink_(std::move(sink)),
        options_(options),
        read_line_(read_line),
        on_skipped_(std::move(on_skipped)),
        splitter_(options.max_line_bytes) {}

  void Feed(absl::string_view chunk) {
    splitter_.Feed(chunk, [this](int64_t n, absl::string_view line,
                                 bool too_long) { Line(n, line, too_long); });
  }
  void Finish() {
    splitter_.Finish([this](int64_t n, absl::string_view line, bool too_long) {
      Line(n, line, too_long);
    });
  }
  const AlertStats& stats() const { return stats_; }
  const std::string& path() const { return path_; }
  const AlertReaderOptions& options() const { return options_; }

 private:
  void Line(int64_t n, absl::string_view line, bool too_long) {
    ++stats_.lines;
    if (too_long) {
      ++stats_.malformed;
      AddDiagnostic(
          options_, path_, cov::v1::SEVERITY_ERROR, n, "alerts-line-too-long",
          absl::StrCat("line longer than ", options_.max_line_bytes, " bytes"),
          &stats_);
      return;
    }
    Alert alert;
    LineOutcome o = read_line_(parser_, line, &alert);
    switch (o.kind) {
      case LineKind::kBlank:
        ++stats_.blank;
        return;
      case LineKind::kMalformed:
        ++stats_.malformed;
        AddDiagnostic(options_, path_, cov::v1::SEVERITY_ERROR, n, o.code,
                      o.error, &stats_);
        return;
      case LineKind::kSkipped:
        ++stats_.skipped;
        on_skipped_(n, o, &stats_);
        return;
      case LineKind::kAlert:
        ++stats_.alerts;
        if (!alert.has_timestamp) {
          ++stats_.without_timestamp;
          AddDiagnostic(options_, path_, cov::v1::SEVERITY_WARNING, n,
                        "alerts-bad-timestamp",
                        absl::StrCat(o.error, " (alert kept)"), &stats_);
        }
        alert.line = n;
        sink_(std::move(alert));
        return;
    }
  }

  std::string path_;
  Sink sink_;
  AlertReaderOptions options_;
  ReadLineFn read_line_;
  SkippedFn on_skipped_;
  LineSplitter splitter_;
  JsonLineParser parser_;
  AlertStats stats_;
};

// One line read on its own (ParseEveLine, ParseAlertJsonlLine), with a
// parser per thread whose buffers outlive the call.
template <typename Alert>
LineKind ReadOneLine(typename AlertLineReader<Alert>::ReadLineFn read_line,
                     absl::string_view line, Alert* alert, std::string* error) {
  thread_local JsonLineParser parser;
  Alert a;
  LineOutcome o = read_line(parser, line, &a);
  if (error != nullptr) *error = o.error;
  if (o.kind == LineKind::kAlert) *alert = std::move(a);
  return o.kind;
}

// A whole file held in memory read by AlertFileReader<Alert> (ParseEve,
// ParseAlertJsonl).
template <typename Alert>
AlertFile<Alert> ReadWholeFile(absl::string_view content,
                               absl::string_view path,
                               const AlertReaderOptions& options) {
  AlertFile<Alert> file;
  AlertFileReader<Alert> reader(
      path, [&file](Alert&& a) { file.alerts.push_back(std::move(a)); },
      options);
  reader.Feed(content);
  reader.Finish();
  file.stats = reader.stats();
  return file;
}

}  // namespace cov::ingest::alerts::internal

namespace cov::ingest::alerts {

// The members of AlertFileReader (alert_file.h). A format's .cc defines
// AlertFileReader<ItsAlert>::Impl, constructible from (path, sink, options),
// then instantiates: template class AlertFileReader<ItsAlert>;
template <typename Alert>
AlertFileReader<Alert>::AlertFileReader(absl::string_view path, Sink sink,
                                        const AlertReaderOptions& options)
    : impl_(std::make_unique<Impl>(path, std::move(sink), options)) {}
template <typename Alert>
AlertFileReader<Alert>::~AlertFileReader() = default;
template <typename Alert>
void AlertFileReader<Alert>::Feed(absl::string_view chunk) {
  impl_->Feed(chunk);
}
template <typename Alert>
void AlertFileReader<Alert>::Finish() {
  impl_->Finish();
}
template <typename Alert>
const AlertStats& AlertFileReader<Alert>::stats() const {
  return impl_->stats();
}

}  // namespace cov::ingest::alerts

#endif  // COV_INGEST_ALERTS_INTERNAL_JSON_LINES_H_
