#include "server/export/json_writer.h"

#include <array>
#include <charconv>
#include <cmath>
#include <optional>

#include "absl/base/optimization.h"
#include "absl/strings/ascii.h"
#include "ingest/base/utf8.h"

// RapidJSON copies runs of plain string bytes 16 at a time with SSE2 (every
// x86-64 CPU has it). Only this file includes RapidJSON.
#if defined(__SSE2__) && !defined(RAPIDJSON_SSE2)
#define RAPIDJSON_SSE2
#endif
#include "rapidjson/prettywriter.h"
#include "rapidjson/stringbuffer.h"
#include "rapidjson/writer.h"

namespace cov::server::exporter {
namespace {

// Which bytes of RapidJSON's output AppendHtmlSafe looks at.
constexpr std::array<bool, 256> kNotVerbatim = [] {
  std::array<bool, 256> t{};
  for (unsigned char c : {'\\', '<', '>', '&', '\x7F', '\xE2', '\xEF'}) {
    t[c] = true;
  }
  return t;
}();

void AppendU(unsigned code, std::string* out) {
  static constexpr char kHex[] = "0123456789abcdef";
  const char buf[6] = {'\\',
                       'u',
                       kHex[(code >> 12) & 0xf],
                       kHex[(code >> 8) & 0xf],
                       kHex[(code >> 4) & 0xf],
                       kHex[code & 0xf]};
  out->append(buf, sizeof(buf));
}

// Appends `json`, complete values or structure written by a RapidJSON writer
// from valid UTF-8, to `*out` with its escaping turned into the HTML-safe one
// of the header. It relies on what RapidJSON emits: outside string literals
// only ASCII punctuation, digits, white space and the letters of
// true/false/null, so every `<`, `>`, `&`, DEL or non-ASCII byte is string
// content; inside them `\` starts an escape, and \u00XX has upper case hex.
void AppendHtmlSafe(absl::string_view json, std::string* out) {
  const auto byte = [json](size_t i) {
    return static_cast<unsigned char>(json[i]);
  };
  size_t run = 0;  // start of the pending run of bytes copied verbatim
  const auto flush = [&](size_t i) { out->append(json.data() + run, i - run); };
  for (size_t i = 0; i < json.size();) {
    const unsigned char c = byte(i);
    if (ABSL_PREDICT_TRUE(!kNotVerbatim[c])) {
      ++i;
      continue;
    }
    if (c == '\\') {
      if (i + 5 < json.size() && json[i + 1] == 'u') {
        flush(i);
        out->append("\\u");
        for (size_t k = i + 2; k < i + 6; ++k) {
          out->push_back(absl::ascii_tolower(byte(k)));
        }
        run = i += 6;
      } else {
        i += 2;  // \" \\ \n ...: the second byte is no escape of its own
      }
    } else if (c == 0xE2 || c == 0xEF) {
      // U+2028 and U+2029 end a line in JavaScript source; U+FFFD is what
      // invalid bytes became.
      unsigned code = 0;
      if (i + 2 < json.size()) {
        const absl::string_view seq = json.substr(i, 3);
        if (seq == "\xE2\x80\xA8" || seq == "\xE2\x80\xA9") {
          code = 0x2028 + (byte(i + 2) & 1);
        } else if (seq == "\xEF\xBF\xBD") {
          code = 0xFFFD;
        }
      }
      if (code == 0) {
        ++i;
        continue;
      }
      flush(i);
      AppendU(code, out);
      run = i += 3;
    } else {
      // `<`, `>` and `&` so that "</script>" or "<!--" never appears in an
      // HTML-embedded blob; DEL, which RapidJSON leaves as it is.
      flush(i);
      AppendU(c, out);
      run = ++i;
    }
  }
  flush(json.size());
}

// String() and Key() of RapidJSON writer `w` with invalid UTF-8 replaced.
template <typename Writer>
void WriteString(Writer& w, absl::string_view s, bool key) {
  std::string valid;
  if (!cov::ingest::IsValidUtf8(s)) {
    valid = cov::ingest::ToValidUtf8(s);
    s = valid;
  }
  const auto size = static_cast<rapidjson::SizeType>(s.size());
  if (key) {
    w.Key(s.data(), size);
  } else {
    w.String(s.data(), size);
  }
}

template <typename Writer>
void WriteDouble(Writer& w, double v) {
  if (!std::isfinite(v)) {
    w.Null();
    return;
  }
  char buf[32];
  const auto r = std::to_chars(buf, buf + sizeof(buf), v);
  w.RawValue(buf, static_cast<size_t>(r.ptr - buf), rapidjson::kNumberType);
}

}  // namespace

void AppendJsonString(absl::string_view s, std::string* out) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  WriteString(w, s, /*key=*/false);
  AppendHtmlSafe(absl::string_view(buffer.GetString(), buffer.GetSize()), out);
}

void AppendJsonNumber(double v, std::string* out) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  WriteDouble(w, v);
  out->append(buffer.GetString(), buffer.GetSize());
}

class JsonWriter::Impl {
 public:
  Impl(std::string* out, int indent) : out_(out) {
    if (indent > 0) {
      pretty_.emplace(buffer_);
      pretty_->SetIndent(' ', static_cast<unsigned>(indent));
    } else {
      compact_.emplace(buffer_);
    }
  }

  // Calls `f` with whichever RapidJSON writer is in use, then moves what it
  // wrote to the output: `*out_` is up to date after every call.
  template <typename F>
  void Apply(F&& f) {
    if (compact_) {
      f(*compact_);
    } else {
      f(*pretty_);
    }
    AppendHtmlSafe(absl::string_view(buffer_.GetString(), buffer_.GetSize()),
                   out_);
    buffer_.Clear();
  }

 private:
  std::string* out_;
  rapidjson::StringBuffer buffer_;
  std::optional<rapidjson::Writer<rapidjson::StringBuffer>> compact_;
  std::optional<rapidjson::PrettyWriter<rapidjson::StringBuffer>> pretty_;
};

JsonWriter::JsonWriter(std::string* out) : JsonWriter(out, 0) {}

JsonWriter::JsonWriter(std::string* out, int indent)
    : impl_(std::make_unique<Impl>(out, indent)) {}

JsonWriter::~JsonWriter() = default;

void JsonWriter::BeginObject() {
  impl_->Apply([](auto& w) { w.StartObject(); });
}

void JsonWriter::EndObject() {
  impl_->Apply([](auto& w) { w.EndObject(); });
}

void JsonWriter::BeginArray() {
  impl_->Apply([](auto& w) { w.StartArray(); });
}

void JsonWriter::EndArray() {
  impl_->Apply([](auto& w) { w.EndArray(); });
}

void JsonWriter::Key(absl::string_view key) {
  impl_->Apply([key](auto& w) { WriteString(w, key, /*key=*/true); });
}

void JsonWriter::String(absl::string_view v) {
  impl_->Apply([v](auto& w) { WriteString(w, v, /*key=*/false); });
}

void JsonWriter::Int(int64_t v) {
  impl_->Apply([v](auto& w) { w.Int64(v); });
}

void JsonWriter::Double(double v) {
  impl_->Apply([v](auto& w) { WriteDouble(w, v); });
}

void JsonWriter::Bool(bool v) {
  impl_->Apply([v](auto& w) { w.Bool(v); });
}

void JsonWriter::Null() {
  impl_->Apply([](auto& w) { w.Null(); });
}

}  // namespace cov::server::exporter
