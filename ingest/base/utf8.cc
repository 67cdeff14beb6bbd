#include "ingest/base/utf8.h"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <vector>

namespace cov::ingest {
size_t Utf8SequenceLength(absl::string_view s, size_t i) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const size_t n = s.size();
  const unsigned char c = p[i];
  if (c < 0x80) return 1;
  size_t len;
  unsigned char lo = 0x80, hi = 0xBF;  // allowed range of the 2nd byte
  if (c >= 0xC2 && c <= 0xDF) {
    len = 2;
  } else if (c >= 0xE0 && c <= 0xEF) {
    len = 3;
    if (c == 0xE0) lo = 0xA0;  // no overlong forms
    if (c == 0xED) hi = 0x9F;  // no surrogates
  } else if (c >= 0xF0 && c <= 0xF4) {
    len = 4;
    if (c == 0xF0) lo = 0x90;  // no overlong forms
    if (c == 0xF4) hi = 0x8F;  // nothing past U+10FFFF
  } else {
    return 0;
  }
  if (i + len > n || p[i + 1] < lo || p[i + 1] > hi) return 0;
  for (size_t k = 2; k < len; ++k) {
    if (p[i + k] < 0x80 || p[i + k] > 0xBF) return 0;
  }
  return len;
}

size_t FirstInvalidUtf8(absl::string_view s) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const size_t n = s.size();
  size_t i = 0;
  while (i < n) {
    if (i + 8 <= n) {
      uint64_t w;
      std::memcpy(&w, p + i, 8);
      if ((w & 0x8080808080808080ULL) == 0) {
        i += 8;
        continue;
      }
    }
    const unsigned char c = p[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    const size_t len = Utf8SequenceLength(s, i);
    if (len == 0) return i;
    i += len;
  }
  return absl::string_view::npos;
}

std::string ToValidUtf8(absl::string_view s) {
  std::string out;
  out.reserve(s.size());
  while (!s.empty()) {
    const size_t bad = FirstInvalidUtf8(s);
    if (bad == absl::string_view::npos) {
      out.append(s.data(), s.size());
      break;
    }
    out.append(s.data(), bad);
    out.append("\xEF\xBF\xBD");
    s.remove_prefix(bad + 1);
  }
  return out;
}

bool SanitizeUtf8(google::protobuf::Message* msg) {
  const google::protobuf::Reflection* refl = msg->GetReflection();
  std::vector<const google::protobuf::FieldDescriptor*> fields;
  refl->ListFields(*msg, &fields);
  bool changed = false;
  std::string scratch;
  for (const google::protobuf::FieldDescriptor* f : fields) {
    if (f->type() == google::protobuf::FieldDescriptor::TYPE_STRING) {
      if (f->is_repeated()) {
        for (int i = 0; i < refl->FieldSize(*msg, f); ++i) {
          const std::string& v =
              refl->GetRepeatedStringReference(*msg, f, i, &scratch);
          if (IsValidUtf8(v)) continue;
          refl->SetRepeatedString(msg, f, i, ToValidUtf8(v));
          changed = true;
        }
      } else {
        const std::string& v = refl->GetStringReference(*msg, f, &scratch);
        if (IsValidUtf8(v)) continue;
        refl->SetString(msg, f, ToValidUtf8(v));
        changed = true;
      }
    } else if (f->type() == google::protobuf::FieldDescriptor::TYPE_MESSAGE) {
      if (f->is_repeated()) {
        for (int i = 0; i < refl->FieldSize(*msg, f); ++i) {
          changed |= SanitizeUtf8(refl->MutableRepeatedMessage(msg, f, i));
        }
      } else {
        changed |= SanitizeUtf8(refl->MutableMessage(msg, f));
      }
    }
  }
  return changed;
}

absl::string_view Utf16Encoding(absl::string_view text) {
  if (text.size() >= 2) {
    if (text[0] == '\xFF' && text[1] == '\xFE') return "UTF-16LE";
    if (text[0] == '\xFE' && text[1] == '\xFF') return "UTF-16BE";
  }
  // Without a mark: the first (up to) 16 code units are printable ASCII or
  // whitespace in one byte and NUL in the other.
  const size_t units = std::min<size_t>(text.size() / 2, 16);
  if (units < 2) return "";
  bool le = true, be = true;
  for (size_t i = 0; i < units; ++i) {
    const unsigned char a = static_cast<unsigned char>(text[2 * i]);
    const unsigned char b = static_cast<unsigned char>(text[2 * i + 1]);
    const auto ascii = [](unsigned char c) {
      return (c >= 0x20 && c < 0x7f) || c == '\n' || c == '\r' || c == '\t';
    };
    le = le && ascii(a) && b == 0;
    be = be && a == 0 && ascii(b);
  }
  if (le) return "UTF-16LE";
  if (be) return "UTF-16BE";
  return "";
}

void SanitizeUtf8(ParsedFile* file) {
  for (cov::v1::Rule& r : file->rules) SanitizeUtf8(&r);
  for (cov::v1::Diagnostic& d : file->diagnostics) SanitizeUtf8(&d);
}

}  // namespace cov::ingest
