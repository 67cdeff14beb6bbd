#include "ingest/events/json_events.h"

#include <cstring>
#include <string>
#include <string_view>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "ingest/events/internal/event_builder.h"
#include "ingest/events/internal/json_event.h"
#include "ingest/events/internal/report.h"
#include "simdjson.h"

namespace cov::ingest::events {
namespace {

bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' ||
         c == '\v';
}

bool IsBlank(absl::string_view s) {
  for (char c : s) {
    if (!IsSpace(c)) return false;
  }
  return true;
}

constexpr absl::string_view kBom = "\xEF\xBB\xBF";
constexpr size_t kMaxHead = size_t{1} << 20;

// simdjson parser over a padded copy of each record.
class RecordParser {
 public:
  simdjson::error_code Parse(absl::string_view text,
                             simdjson::dom::element* out) {
    const size_t need = text.size() + simdjson::SIMDJSON_PADDING;
    if (buffer_.size() < need) buffer_.resize(need);
    std::memcpy(buffer_.data(), text.data(), text.size());
    std::memset(buffer_.data() + text.size(), 0, simdjson::SIMDJSON_PADDING);
    return parser_.parse(buffer_.data(), text.size(), false).get(*out);
  }
  void Release() { std::string().swap(buffer_); }

 private:
  simdjson::dom::parser parser_;
  std::string buffer_;
};

}  // namespace

class JsonEventReader::Impl {
 public:
  Impl(absl::string_view file, const ReaderOptions& options, EventSink& sink,
       ReadStats& stats)
      : report_(file, options, sink, stats), options_(options) {}

  void Feed(absl::string_view chunk) {
    report_.stats().bytes += static_cast<int64_t>(chunk.size());
    if (mode_ == Mode::kUndecided) {
      head_.append(chunk.data(), chunk.size());
      if (!Decide(false)) return;
      DispatchHead();
      return;
    }
    Dispatch(chunk);
  }

  void Finish() {
    if (mode_ == Mode::kUndecided) {
      Decide(true);
      DispatchHead();
    }
    switch (mode_) {
      case Mode::kLines:
        if (!pending_.empty() || overflow_) EndLine();
        break;
      case Mode::kStream:
        if (depth_ > 0) {
          report_.BadRecord(
              start_line_, "events-truncated",
              "JSON object starting here is not closed at end of file");
        }
        break;
      case Mode::kArray:
        ParseArray();
        break;
      default:
        break;
    }
    mode_ = Mode::kDone;
  }

 private:
  enum class Mode { kUndecided, kLines, kStream, kArray, kDone };

  // Picks the layout from the first non-blank line; false while unknown.
  bool Decide(bool at_end) {
    absl::string_view h = head_;
    if (h.substr(0, 3) == kBom) h.remove_prefix(3);
    size_t i = 0;
    while (i < h.size() && IsSpace(h[i])) ++i;
    if (i == h.size()) {
      if (!at_end && h.size() < kMaxHead) return false;
      mode_ = Mode::kLines;
      return true;
    }
    if (h[i] == '[') {
      mode_ = Mode::kArray;
      return true;
    }
    if (h[i] == '{') {
      const size_t nl = h.find('\n', i);
      if (nl == absl::string_view::npos && !at_end && h.size() < kMaxHead) {
        return false;
      }
      const absl::string_view rest =
          h.substr(i + 1, nl == absl::string_view::npos ? h.npos : nl - i - 1);
      mode_ = IsBlank(rest) && nl != absl::string_view::npos ? Mode::kStream
                                                             : Mode::kLines;
      return true;
    }
    mode_ = Mode::kLines;
    return true;
  }

  void DispatchHead() {
    std::string head = std::move(head_);
    head_.clear();
    absl::string_view h = head;
    if (h.substr(0, 3) == kBom) h.remove_prefix(3);
    Dispatch(h);
  }

  void Dispatch(absl::string_view chunk) {
    switch (mode_) {
      case Mode::kLines:
        FeedLines(chunk);
        break;
      case Mode::kStream:
        FeedStream(chunk);
        break;
      case Mode::kArray:
        FeedArray(chunk);
        break;
      default:
        break;
    }
  }

  // --- JSON lines -------------------------------------------------------
  void FeedLines(absl::string_view chunk) {
    while (!chunk.empty()) {
      const void* p = std::memchr(chunk.data(), '\n', chunk.size());
      if (p == nullptr) {
        AppendPending(chunk);
        return;
      }
      const size_t nl = static_cast<const char*>(p) - chunk.data();
      const absl::string_view piece = chunk.substr(0, nl);
      chunk.remove_prefix(nl + 1);
      if (pending_.empty() && !overflow_) {
        ++line_;
        Line(piece, piece.size() > options_.max_line_bytes);
      } else {
        AppendPending(piece);
        EndLine();
      }
    }
  }

  void AppendPending(absl::string_view piece) {
    if (overflow_) return;
    if (pending_.size() + piece.size() > options_.max_line_bytes) {
      overflow_ = true;
      std::string().swap(pending_);
      return;
    }
    pending_.append(piece.data(), piece.size());
  }

  void EndLine() {
    ++line_;
    Line(pending_, overflow_);
    pending_.clear();
    overflow_ = false;
  }

  void Line(absl::string_view line, bool too_long) {
    if (too_long) {
      report_.BadRecord(
          line_, "events-line-too-long",
          absl::StrCat("line longer than ", options_.max_line_bytes,
                       " bytes; skipped"));
      return;
    }
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (IsBlank(line)) return;
    Record(line, line_, line_);
  }

  // --- evtx_dump object stream ------------------------------------------
  void FeedStream(absl::string_view chunk) {
    size_t begin = 0;  // start of the part of chunk inside an object
    for (size_t i = 0; i < chunk.size(); ++i) {
      const char c = chunk[i];
      if (c == '\n') ++stream_line_;
      if (depth_ == 0) {
        if (IsSpace(c)) continue;
        if (c == '{') {
          depth_ = 1;
          in_string_ = escape_ = false;
          start_line_ = stream_line_ + 1;
          object_.clear();
          object_overflow_ = false;
          begin = i;
          continue;
        }
        if (!junk_reported_) {
          junk_reported_ = true;
          const unsigned char b = static_cast<unsigned char>(c);
          const std::string what =
              b >= 0x20 && b < 0x7f ? absl::StrCat("'", std::string(1, c), "'")
                                    : absl::StrFormat("byte 0x%02x", b);
          report_.BadRecord(stream_line_ + 1, "events-invalid-json",
                            absl::StrCat("unexpected ", what,
                                         " between JSON objects; skipped"));
        }
        continue;
      }
      if (in_string_) {
        if (escape_) {
          escape_ = false;
        } else if (c == '\\') {
          escape_ = true;
        } else if (c == '"') {
          in_string_ = false;
        }
        continue;
      }
      if (c == '"') {
        in_string_ = true;
      } else if (c == '{' || c == '[') {
        ++depth_;
      } else if (c == '}' || c == ']') {
        if (--depth_ == 0) {
          AppendObject(chunk.substr(begin, i + 1 - begin));
          EndObject();
        }
      }
    }
    if (depth_ > 0) AppendObject(chunk.substr(begin));
  }

  void AppendObject(absl::string_view piece) {
    if (object_overflow_) return;
    if (object_.size() + piece.size() > options_.max_line_bytes) {
      object_overflow_ = true;
      std::string().swap(object_);
      return;
    }
    object_.append(piece.data(), piece.size());
  }

  void EndObject() {
    ++objects_;
    if (object_overflow_) {
      report_.BadRecord(
          start_line_, "events-line-too-long",
          absl::StrCat("JSON object longer than ", options_.max_line_bytes,
                       " bytes; skipped"));
    } else {
      Record(object_, objects_, start_line_);
    }
    object_.clear();
    junk_reported_ = false;
  }

  // --- JSON array -------------------------------------------------------
  void FeedArray(absl::string_view chunk) {
    if (array_overflow_) return;
    if (array_.size() + chunk.size() > options_.max_json_array_bytes) {
      array_overflow_ = true;
      std::string().swap(array_);
      report_.BadRecord(
          0, "events-file-too-large",
          absl::StrCat("JSON array file larger than ",
                       options_.max_json_array_bytes, " bytes; not read"));
      return;
    }
    array_.append(chunk.data(), chunk.size());
  }

  void ParseArray() {
    if (array_overflow_) return;
    simdjson::dom::element root;
    absl::string_view text = array_;
    if (text.substr(0, 3) == kBom) text.remove_prefix(3);
    if (auto err = parser_.Parse(text, &root); err != simdjson::SUCCESS) {
      report_.BadRecord(
          1, "events-invalid-json",
          absl::StrCat("invalid JSON array: ", simdjson::error_message(err)));
      return;
    }
    std::string().swap(array_);
    simdjson::dom::array items;
    if (root.get_array().get(items) != simdjson::SUCCESS) return;
    int64_t n = 0;
    for (simdjson::dom::element item : items) {
      ++n;
      simdjson::dom::object obj;
      if (item.get_object().get(obj) != simdjson::SUCCESS) {
        report_.BadRecord(
            n, "events-not-an-object",
            absl::StrCat("array item ", n, " is not a JSON object; skipped"));
        continue;
      }
      Emit(obj, n);
    }
    parser_.Release();
  }

  // --- one record ---------------------------------------------------------
  void Record(absl::string_view text, int64_t record, int64_t line) {
    simdjson::dom::element root;
    if (auto err = parser_.Parse(text, &root); err != simdjson::SUCCESS) {
      report_.BadRecord(
          line, "events-invalid-json",
          absl::StrCat("invalid JSON: ", simdjson::error_message(err)));
      return;
    }
    simdjson::dom::object obj;
    if (root.get_object().get(obj) != simdjson::SUCCESS) {
      report_.BadRecord(line, "events-not-an-object",
                        "JSON value is not an object; skipped");
      return;
    }
    Emit(obj, record);
  }

  void Emit(simdjson::dom::object obj, int64_t record) {
    builder_.Reset(report_.file(), record);
    internal::JsonObjectToEvent(obj, builder_);
    report_.Event(builder_.event());
  }

  internal::FileReport report_;
  const ReaderOptions& options_;
  Mode mode_ = Mode::kUndecided;
  std::string head_;
  // lines
  std::string pending_;
  bool overflow_ = false;
  int64_t line_ = 0;
  // stream
  int depth_ = 0;
  bool in_string_ = false;
  bool escape_ = false;
  bool junk_reported_ = false;
  int64_t stream_line_ = 0;  // newlines seen
  int64_t start_line_ = 0;
  int64_t objects_ = 0;
  std::string object_;
  bool object_overflow_ = false;
  // array
  std::string array_;
  bool array_overflow_ = false;

  RecordParser parser_;
  internal::EventBuilder builder_;
};

JsonEventReader::JsonEventReader(absl::string_view file,
                                 const ReaderOptions& options, EventSink& sink,
                                 ReadStats& stats)
    : impl_(std::make_unique<Impl>(file, options, sink, stats)) {}

JsonEventReader::~JsonEventReader() = default;

void JsonEventReader::Feed(absl::string_view chunk) { impl_->Feed(chunk); }

void JsonEventReader::Finish() { impl_->Finish(); }

absl::StatusOr<Event> ParseJsonEvent(absl::string_view json,
                                     absl::string_view file, int64_t record) {
  RecordParser parser;
  simdjson::dom::element root;
  if (auto err = parser.Parse(json, &root); err != simdjson::SUCCESS) {
    return absl::InvalidArgumentError(
        absl::StrCat("invalid JSON: ", simdjson::error_message(err)));
  }
  simdjson::dom::object obj;
  if (root.get_object().get(obj) != simdjson::SUCCESS) {
    return absl::InvalidArgumentError("JSON value is not an object");
  }
  internal::EventBuilder builder;
  builder.Reset(file, record);
  internal::JsonObjectToEvent(obj, builder);
  return std::move(builder.event());
}

}  // namespace cov::ingest::events
