#include "server/export/json_writer.h"

#include <charconv>
#include <cmath>
#include <optional>

#include "absl/strings/ascii.h"
#include "ingest/base/utf8.h"
#include "rapidjson/prettywriter.h"
#include "rapidjson/writer.h"

namespace cov::server::exporter {
namespace {

// A RapidJSON output stream appending to a std::string that turns RapidJSON's
// escaping into the HTML-safe one of the header. It relies on what a RapidJSON
// writer emits: outside string literals only ASCII punctuation, digits, white
// space and the letters of true/false/null, so every `<`, `>`, `&`, DEL or
// non-ASCII byte the stream sees is string content; inside them, `\` starts
// an escape and RapidJSON writes \u00XX with upper case hex digits.
class HtmlSafeStream {
 public:
  using Ch = char;  // the RapidJSON stream concept

  explicit HtmlSafeStream(std::string* out) : out_(out) {}

  void Put(char ch) {
    const unsigned char c = static_cast<unsigned char>(ch);
    if (hex_digits_left_ > 0) {
      --hex_digits_left_;
      out_->push_back(absl::ascii_tolower(c));
      return;
    }
    if (after_backslash_) {
      after_backslash_ = false;
      if (c == 'u') hex_digits_left_ = 4;
      out_->push_back(ch);
      return;
    }
    if (held_size_ > 0 || c == 0xE2 || c == 0xEF) {
      Hold(ch);
      return;
    }
    if (c == '\\') {
      after_backslash_ = true;
      out_->push_back(ch);
    } else if (c == '<' || c == '>' || c == '&' || c == 0x7F) {
      // `<`, `>` and `&` so that "</script>" or "<!--" never appears in an
      // HTML-embedded blob.
      AppendU(c);
    } else {
      out_->push_back(ch);
    }
  }

  void Flush() {
    out_->append(held_, held_size_);
    held_size_ = 0;
  }

 private:
  // UTF-8 sequences written as \u escapes: U+2028 and U+2029 end a line in
  // JavaScript source; U+FFFD is what invalid bytes became.
  struct Special {
    absl::string_view utf8;
    unsigned code;
  };
  static constexpr Special kSpecials[] = {{"\xE2\x80\xA8", 0x2028},
                                          {"\xE2\x80\xA9", 0x2029},
                                          {"\xEF\xBF\xBD", 0xFFFD}};

  // Holds `ch` while the held bytes may still begin a special sequence.
  void Hold(char ch) {
    held_[held_size_++] = ch;
    const absl::string_view held(held_, held_size_);
    for (const Special& s : kSpecials) {
      if (held == s.utf8) {
        held_size_ = 0;
        AppendU(s.code);
        return;
      }
      if (s.utf8.substr(0, held.size()) == held) return;
    }
    // Not special: release all but `ch`, which may begin a sequence itself.
    --held_size_;
    Flush();
    Put(ch);
  }

  void AppendU(unsigned code) {
    static constexpr char kHex[] = "0123456789abcdef";
    const char buf[6] = {'\\',
                         'u',
                         kHex[(code >> 12) & 0xf],
                         kHex[(code >> 8) & 0xf],
                         kHex[(code >> 4) & 0xf],
                         kHex[code & 0xf]};
    out_->append(buf, sizeof(buf));
  }

  std::string* out_;
  int hex_digits_left_ = 0;  // of a \uXXXX escape being written
  bool after_backslash_ = false;
  char held_[3];
  size_t held_size_ = 0;
};

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
  HtmlSafeStream stream(out);
  rapidjson::Writer<HtmlSafeStream> w(stream);
  WriteString(w, s, /*key=*/false);
}

void AppendJsonNumber(double v, std::string* out) {
  HtmlSafeStream stream(out);
  rapidjson::Writer<HtmlSafeStream> w(stream);
  WriteDouble(w, v);
}

class JsonWriter::Impl {
 public:
  Impl(std::string* out, int indent) : stream_(out) {
    if (indent > 0) {
      pretty_.emplace(stream_);
      pretty_->SetIndent(' ', static_cast<unsigned>(indent));
    } else {
      compact_.emplace(stream_);
    }
  }

  // Calls `f` with whichever RapidJSON writer is in use.
  template <typename F>
  void Apply(F&& f) {
    if (compact_) {
      f(*compact_);
    } else {
      f(*pretty_);
    }
  }

 private:
  HtmlSafeStream stream_;
  std::optional<rapidjson::Writer<HtmlSafeStream>> compact_;
  std::optional<rapidjson::PrettyWriter<HtmlSafeStream>> pretty_;
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
