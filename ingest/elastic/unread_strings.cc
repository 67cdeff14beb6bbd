#include "ingest/elastic/unread_strings.h"

#include <cstddef>

#include "absl/strings/match.h"

namespace cov::ingest::elastic {
namespace {

constexpr size_t kNone = absl::string_view::npos;

bool IsBlank(char c) { return c == ' ' || c == '\t'; }

// A character TOML forbids inside strings (besides line breaks), or a C1
// control (U+0080..U+009F, left to toml++ to judge).
bool Forbidden(absl::string_view t, size_t p) {
  const unsigned char c = static_cast<unsigned char>(t[p]);
  if (c == '\t') return false;
  if (c < 0x20 || c == 0x7F) return true;
  return c == 0xC2 && p + 1 < t.size() &&
         static_cast<unsigned char>(t[p + 1]) >= 0x80 &&
         static_cast<unsigned char>(t[p + 1]) <= 0x9F;
}

// Bytes that need no look inside a string: printable ASCII but the quotes
// and the backslash, and every byte >= 0x80 but 0xC2 (a C1 control's lead).
struct PlainBytes {
  bool plain[256] = {};
  PlainBytes() {
    for (int c = 0x20; c < 0x7F; ++c) plain[c] = true;
    for (int c = 0x80; c < 0x100; ++c) plain[c] = true;
    plain[static_cast<unsigned char>('"')] = false;
    plain[static_cast<unsigned char>('\'')] = false;
    plain[static_cast<unsigned char>('\\')] = false;
    plain[0xC2] = false;
  }
};

// The first position at or after p whose byte is not plain.
size_t SkipPlain(absl::string_view t, size_t p) {
  static const PlainBytes kTable;
  const auto* d = reinterpret_cast<const unsigned char*>(t.data());
  const size_t n = t.size();
  while (p < n && kTable.plain[d[p]]) ++p;
  return p;
}

// The length of the run of `q` at p.
size_t Run(absl::string_view t, size_t p, char q) {
  size_t r = 0;
  while (p + r < t.size() && t[p + r] == q) ++r;
  return r;
}

// Scans the content of a multi-line string opened just before p with
// delimiter `q` (3 quotes), validating it as above and counting its '\n'.
// Returns the position of the closing delimiter, or kNone.
size_t ScanDroppable(absl::string_view t, size_t p, char q, int* newlines) {
  const bool basic = q == '"';
  while ((p = SkipPlain(t, p)) < t.size()) {
    const char c = t[p];
    if (c == q) {
      const size_t r = Run(t, p, q);
      if (r >= 3) return r == 3 ? p : kNone;
      p += r;
    } else if (c == '\\' && basic) {
      if (p + 1 >= t.size()) return kNone;
      const char e = t[p + 1];
      if (e == 'b' || e == 't' || e == 'n' || e == 'f' || e == 'r' ||
          e == '"' || e == '\\') {
        p += 2;
        continue;
      }
      // A line-ending backslash: blanks, then a line break.
      size_t k = p + 1;
      while (k < t.size() && IsBlank(t[k])) ++k;
      if (k < t.size() && t[k] == '\n') {
        p = k;
      } else if (k + 1 < t.size() && t[k] == '\r' && t[k + 1] == '\n') {
        p = k + 1;
      } else {
        return kNone;
      }
    } else if (c == '\n') {
      ++*newlines;
      ++p;
    } else if (c == '\r') {
      if (p + 1 >= t.size() || t[p + 1] != '\n') return kNone;
      ++p;
    } else if (Forbidden(t, p)) {
      return kNone;
    } else {
      ++p;
    }
  }
  return kNone;
}

// Skips a string opened at p (any of the four kinds); returns the position
// after it, or kNone when it does not close as TOML wants.
size_t SkipString(absl::string_view t, size_t p) {
  const char q = t[p];
  const bool basic = q == '"';
  if (Run(t, p, q) >= 3) {
    p += 3;
    while ((p = SkipPlain(t, p)) < t.size()) {
      if (t[p] == '\\' && basic) {
        p += 2;
      } else if (t[p] == q) {
        const size_t r = Run(t, p, q);
        if (r >= 3) return r <= 5 ? p + r : kNone;
        p += r;
      } else {
        ++p;
      }
    }
    return kNone;
  }
  for (++p; p < t.size(); ++p) {
    if (t[p] == '\n') return kNone;
    if (t[p] == '\\' && basic) {
      ++p;
    } else if (t[p] == q) {
      return p + 1;
    }
  }
  return kNone;
}

// At a top-level line start p: if a key of `keys` opens a multi-line string
// here, returns the position just after its opening delimiter.
size_t DroppableOpening(absl::string_view t, size_t p,
                        std::initializer_list<absl::string_view> keys) {
  while (p < t.size() && IsBlank(t[p])) ++p;
  for (absl::string_view key : keys) {
    if (!absl::StartsWith(t.substr(p), key)) continue;
    size_t k = p + key.size();
    while (k < t.size() && IsBlank(t[k])) ++k;
    if (k >= t.size() || t[k] != '=') continue;
    ++k;
    while (k < t.size() && IsBlank(t[k])) ++k;
    const absl::string_view rest = t.substr(k);
    if (absl::StartsWith(rest, "\"\"\"") || absl::StartsWith(rest, "'''")) {
      return k + 3;
    }
  }
  return kNone;
}

}  // namespace

std::optional<std::string> DropUnreadStrings(
    absl::string_view t, std::initializer_list<absl::string_view> keys) {
  std::string out;
  size_t copied = 0;  // t[copied, p) is still to be copied to out
  int depth = 0;
  bool line_start = true;
  size_t p = 0;
  while (p < t.size()) {
    if (line_start && depth == 0) {
      line_start = false;
      const size_t open = DroppableOpening(t, p, keys);
      if (open != kNone) {
        const char q = t[open - 1];
        int newlines = 0;
        const size_t close = ScanDroppable(t, open, q, &newlines);
        if (close == kNone) return std::nullopt;
        size_t end = close + 3;
        while (end < t.size() && IsBlank(t[end])) ++end;
        if (end < t.size() && t[end] == '\r') ++end;
        if (end >= t.size() || t[end] != '\n') return std::nullopt;
        if (out.empty()) out.reserve(t.size());
        out.append(t.data() + copied, open - copied);
        out.append(static_cast<size_t>(newlines), '\n');
        copied = close;
        p = end;  // the line break: the next line starts after it
        continue;
      }
    }
    switch (t[p]) {
      case '\n':
        line_start = true;
        ++p;
        break;
      case '#': {
        const size_t nl = t.find('\n', p);
        p = nl == kNone ? t.size() : nl;
        break;
      }
      case '"':
      case '\'':
        p = SkipString(t, p);
        if (p == kNone) return std::nullopt;
        break;
      case '[':
      case '{':
        ++depth;
        ++p;
        break;
      case ']':
      case '}':
        if (--depth < 0) return std::nullopt;
        ++p;
        break;
      default:
        ++p;
    }
  }
  if (copied == 0) return std::nullopt;
  out.append(t.data() + copied, t.size() - copied);
  return out;
}

}  // namespace cov::ingest::elastic
