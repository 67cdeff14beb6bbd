#include "ingest/base/utf8.h"

#include <vector>

namespace cov::ingest {
namespace {

// Length of the valid sequence starting at s[i], or 0.
size_t SequenceLength(absl::string_view s, size_t i) {
  const unsigned char c = static_cast<unsigned char>(s[i]);
  if (c < 0x80) return 1;
  size_t n;
  uint32_t cp;
  if ((c & 0xE0) == 0xC0) {
    n = 2;
    cp = c & 0x1F;
  } else if ((c & 0xF0) == 0xE0) {
    n = 3;
    cp = c & 0x0F;
  } else if ((c & 0xF8) == 0xF0) {
    n = 4;
    cp = c & 0x07;
  } else {
    return 0;
  }
  if (i + n > s.size()) return 0;
  for (size_t k = 1; k < n; ++k) {
    const unsigned char cc = static_cast<unsigned char>(s[i + k]);
    if ((cc & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (cc & 0x3F);
  }
  if ((n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) ||
      (n == 4 && cp < 0x10000) || cp > 0x10FFFF ||
      (cp >= 0xD800 && cp <= 0xDFFF)) {
    return 0;
  }
  return n;
}

}  // namespace

bool IsValidUtf8(absl::string_view s) {
  for (size_t i = 0; i < s.size();) {
    size_t n = SequenceLength(s, i);
    if (n == 0) return false;
    i += n;
  }
  return true;
}

std::string ToValidUtf8(absl::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    size_t n = SequenceLength(s, i);
    if (n == 0) {
      out += "\xEF\xBF\xBD";
      ++i;
    } else {
      out.append(s.data() + i, n);
      i += n;
    }
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

}  // namespace cov::ingest
