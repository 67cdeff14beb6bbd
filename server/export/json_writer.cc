#include "server/export/json_writer.h"

#include <charconv>
#include <cmath>

#include "absl/strings/str_cat.h"
#include "ingest/base/utf8.h"

namespace cov::server::exporter {
namespace {

constexpr char kHex[] = "0123456789abcdef";

void AppendU(unsigned code, std::string* out) {
  char buf[6] = {'\\',
                 'u',
                 kHex[(code >> 12) & 0xf],
                 kHex[(code >> 8) & 0xf],
                 kHex[(code >> 4) & 0xf],
                 kHex[code & 0xf]};
  out->append(buf, 6);
}

// Length of the well-formed UTF-8 sequence starting at s[i] (a byte >= 0x80),
// or 0 when it is malformed (overlong, surrogate, beyond U+10FFFF, truncated).

}  // namespace

void AppendJsonString(absl::string_view s, std::string* out) {
  out->reserve(out->size() + s.size() + 2);
  out->push_back('"');
  size_t run = 0;  // start of the pending run of bytes copied verbatim
  const auto flush = [&](size_t i) { out->append(s.data() + run, i - run); };
  for (size_t i = 0; i < s.size();) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c >= 0x80) {
      const size_t n = cov::ingest::Utf8SequenceLength(s, i);
      if (n == 0) {
        flush(i);
        AppendU(0xFFFD, out);
        run = ++i;
      } else if (n == 3 && c == 0xE2 &&
                 static_cast<unsigned char>(s[i + 1]) == 0x80 &&
                 (static_cast<unsigned char>(s[i + 2]) & 0xFE) == 0xA8) {
        // U+2028/U+2029 end a line in JavaScript source.
        flush(i);
        AppendU(0x2028 + (static_cast<unsigned char>(s[i + 2]) & 1), out);
        run = i += 3;
      } else {
        i += n;
      }
      continue;
    }
    const char* esc = nullptr;
    switch (c) {
      case '"':
        esc = "\\\"";
        break;
      case '\\':
        esc = "\\\\";
        break;
      case '\n':
        esc = "\\n";
        break;
      case '\r':
        esc = "\\r";
        break;
      case '\t':
        esc = "\\t";
        break;
      case '\b':
        esc = "\\b";
        break;
      case '\f':
        esc = "\\f";
        break;
      default:
        break;
    }
    if (esc != nullptr) {
      flush(i);
      out->append(esc);
      run = ++i;
    } else if (c < 0x20 || c == 0x7f || c == '<' || c == '>' || c == '&') {
      // `<`, `>` and `&` so that "</script>" or "<!--" never appears in an
      // HTML-embedded blob.
      flush(i);
      AppendU(c, out);
      run = ++i;
    } else {
      ++i;
    }
  }
  flush(s.size());
  out->push_back('"');
}

void AppendJsonNumber(double v, std::string* out) {
  if (!std::isfinite(v)) {
    out->append("null");
    return;
  }
  char buf[32];
  const auto r = std::to_chars(buf, buf + sizeof(buf), v);
  out->append(buf, r.ptr - buf);
}

void JsonWriter::Separate() {
  if (after_key_) {
    after_key_ = false;
    return;
  }
  if (!first_.empty()) {
    if (!first_.back()) out_->push_back(',');
    first_.back() = false;
  }
}

void JsonWriter::BeginObject() {
  Separate();
  out_->push_back('{');
  first_.push_back(true);
}

void JsonWriter::EndObject() {
  first_.pop_back();
  out_->push_back('}');
}

void JsonWriter::BeginArray() {
  Separate();
  out_->push_back('[');
  first_.push_back(true);
}

void JsonWriter::EndArray() {
  first_.pop_back();
  out_->push_back(']');
}

void JsonWriter::Key(absl::string_view key) {
  Separate();
  AppendJsonString(key, out_);
  out_->push_back(':');
  after_key_ = true;
}

void JsonWriter::String(absl::string_view v) {
  Separate();
  AppendJsonString(v, out_);
}

void JsonWriter::Int(int64_t v) {
  Separate();
  absl::StrAppend(out_, v);
}

void JsonWriter::Double(double v) {
  Separate();
  AppendJsonNumber(v, out_);
}

void JsonWriter::Bool(bool v) {
  Separate();
  out_->append(v ? "true" : "false");
}

void JsonWriter::Null() {
  Separate();
  out_->append("null");
}

}  // namespace cov::server::exporter
