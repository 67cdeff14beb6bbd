#include "server/check/unified_diff.h"

#include <algorithm>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace cov::server::check {
namespace {

// Lines of `s`, each with its '\n' (the last one may lack it).
std::vector<absl::string_view> SplitLines(absl::string_view s) {
  std::vector<absl::string_view> lines;
  size_t start = 0;
  while (start < s.size()) {
    size_t nl = s.find('\n', start);
    size_t end = nl == absl::string_view::npos ? s.size() : nl + 1;
    lines.push_back(s.substr(start, end - start));
    start = end;
  }
  return lines;
}

// Marks the lines of `a` deleted and of `b` inserted by a shortest edit
// script, by Myers' bisection (the "middle snake", linear space). Lines are
// compared by interned ID.
class Differ {
 public:
  Differ(const std::vector<int>& a, const std::vector<int>& b)
      : a_(a), b_(b), deleted_(a.size(), false), inserted_(b.size(), false) {}

  void Run() {
    Diff(0, static_cast<int>(a_.size()), 0, static_cast<int>(b_.size()));
  }
  const std::vector<bool>& deleted() const { return deleted_; }
  const std::vector<bool>& inserted() const { return inserted_; }

 private:
  void Diff(int x0, int x1, int y0, int y1) {
    while (x0 < x1 && y0 < y1 && a_[x0] == b_[y0]) ++x0, ++y0;
    while (x0 < x1 && y0 < y1 && a_[x1 - 1] == b_[y1 - 1]) --x1, --y1;
    if (x0 == x1 || y0 == y1) {
      MarkAll(x0, x1, y0, y1);
      return;
    }
    int sx, sy;
    if (!Bisect(x0, x1, y0, y1, &sx, &sy) || (sx == x0 && sy == y0) ||
        (sx == x1 && sy == y1)) {
      // No common line (or no progress possible): replace the whole range.
      MarkAll(x0, x1, y0, y1);
      return;
    }
    Diff(x0, sx, y0, sy);
    Diff(sx, x1, sy, y1);
  }

  void MarkAll(int x0, int x1, int y0, int y1) {
    for (int i = x0; i < x1; ++i) deleted_[i] = true;
    for (int j = y0; j < y1; ++j) inserted_[j] = true;
  }

  // Finds a point (*sx, *sy) on a shortest edit path through the range,
  // where a forward and a reverse search meet. False when the only path
  // deletes everything and inserts everything.
  bool Bisect(int x0, int x1, int y0, int y1, int* sx, int* sy) {
    const int n = x1 - x0, m = y1 - y0;
    const int max_d = (n + m + 1) / 2;
    const int offset = max_d;
    const int length = 2 * max_d + 2;
    v1_.assign(length, -1);
    v2_.assign(length, -1);
    v1_[offset + 1] = 0;
    v2_[offset + 1] = 0;
    const int delta = n - m;
    // With an odd delta the paths meet during a forward step.
    const bool front = (delta % 2) != 0;
    int k1start = 0, k1end = 0, k2start = 0, k2end = 0;
    for (int d = 0; d < max_d; ++d) {
      for (int k1 = -d + k1start; k1 <= d - k1end; k1 += 2) {
        const int k1o = offset + k1;
        int x = (k1 == -d || (k1 != d && v1_[k1o - 1] < v1_[k1o + 1]))
                    ? v1_[k1o + 1]
                    : v1_[k1o - 1] + 1;
        int y = x - k1;
        while (x < n && y < m && a_[x0 + x] == b_[y0 + y]) ++x, ++y;
        v1_[k1o] = x;
        if (x > n) {
          k1end += 2;
        } else if (y > m) {
          k1start += 2;
        } else if (front) {
          const int k2o = offset + delta - k1;
          if (k2o >= 0 && k2o < length && v2_[k2o] != -1 && x >= n - v2_[k2o]) {
            *sx = x0 + x;
            *sy = y0 + y;
            return true;
          }
        }
      }
      for (int k2 = -d + k2start; k2 <= d - k2end; k2 += 2) {
        const int k2o = offset + k2;
        int x = (k2 == -d || (k2 != d && v2_[k2o - 1] < v2_[k2o + 1]))
                    ? v2_[k2o + 1]
                    : v2_[k2o - 1] + 1;
        int y = x - k2;
        while (x < n && y < m && a_[x1 - 1 - x] == b_[y1 - 1 - y]) ++x, ++y;
        v2_[k2o] = x;
        if (x > n) {
          k2end += 2;
        } else if (y > m) {
          k2start += 2;
        } else if (!front) {
          const int k1o = offset + delta - k2;
          if (k1o >= 0 && k1o < length && v1_[k1o] != -1) {
            const int fx = v1_[k1o];
            const int fy = fx - (k1o - offset);
            if (fx >= n - x) {
              *sx = x0 + fx;
              *sy = y0 + fy;
              return true;
            }
          }
        }
      }
    }
    return false;
  }

  const std::vector<int>& a_;
  const std::vector<int>& b_;
  std::vector<bool> deleted_;
  std::vector<bool> inserted_;
  std::vector<int> v1_, v2_;
};

struct Op {
  char kind;  // ' ', '-', '+'
  int apos;   // lines of `before` consumed before this op
  int bpos;   // lines of `after` consumed before this op
};

std::string Range(int start_before, int count) {
  // An empty range names the line before it; otherwise 1-based start.
  const int start = count == 0 ? start_before : start_before + 1;
  if (count == 1) return absl::StrCat(start);
  return absl::StrCat(start, ",", count);
}

void AppendLine(char kind, absl::string_view line, std::string* out) {
  out->push_back(kind);
  out->append(line.data(), line.size());
  if (line.empty() || line.back() != '\n') {
    *out += "\n\\ No newline at end of file\n";
  }
}

// `prefix` + `path` as git writes it in diff headers: C-quoted ("...",
// with \" \\ \t \n ... and octal escapes) when the path holds a double
// quote, backslash, control character or non-ASCII byte (git's default
// core.quotepath); as is otherwise.
std::string GitQuotedName(absl::string_view prefix, absl::string_view path) {
  const auto needs_quote = [](unsigned char c) {
    return c < 0x20 || c == 0x7f || c == '"' || c == '\\' || c >= 0x80;
  };
  if (std::none_of(path.begin(), path.end(), needs_quote)) {
    return absl::StrCat(prefix, path);
  }
  std::string out = "\"";
  out.append(prefix.data(), prefix.size());
  for (const char ch : path) {
    const unsigned char c = static_cast<unsigned char>(ch);
    switch (c) {
      case '\a':
        out += "\\a";
        continue;
      case '\b':
        out += "\\b";
        continue;
      case '\t':
        out += "\\t";
        continue;
      case '\n':
        out += "\\n";
        continue;
      case '\v':
        out += "\\v";
        continue;
      case '\f':
        out += "\\f";
        continue;
      case '\r':
        out += "\\r";
        continue;
      case '"':
        out += "\\\"";
        continue;
      case '\\':
        out += "\\\\";
        continue;
      default:
        break;
    }
    if (needs_quote(c)) {
      out += '\\';
      out += static_cast<char>('0' + ((c >> 6) & 7));
      out += static_cast<char>('0' + ((c >> 3) & 7));
      out += static_cast<char>('0' + (c & 7));
    } else {
      out += ch;
    }
  }
  out += '"';
  return out;
}

// A `---`/`+++` line; like git, a TAB ends a name holding a space so that
// `patch` knows where the name stops.
std::string FileLine(absl::string_view marker, absl::string_view name) {
  return absl::StrCat(marker, " ", name,
                      absl::StrContains(name, ' ') ? "\t" : "", "\n");
}

}  // namespace

std::string UnifiedDiff(absl::string_view path, absl::string_view before,
                        absl::string_view after, int context) {
  if (before == after) return "";
  if (context < 0) context = 0;
  const std::vector<absl::string_view> a = SplitLines(before);
  const std::vector<absl::string_view> b = SplitLines(after);
  absl::flat_hash_map<absl::string_view, int> ids;
  std::vector<int> ai(a.size()), bi(b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    ai[i] = ids.emplace(a[i], static_cast<int>(ids.size())).first->second;
  }
  for (size_t j = 0; j < b.size(); ++j) {
    bi[j] = ids.emplace(b[j], static_cast<int>(ids.size())).first->second;
  }
  Differ differ(ai, bi);
  differ.Run();

  // Edit script: unchanged lines pair up in order; deletions before
  // insertions within a change.
  std::vector<Op> ops;
  ops.reserve(a.size() + b.size());
  const int n = static_cast<int>(a.size()), m = static_cast<int>(b.size());
  for (int i = 0, j = 0; i < n || j < m;) {
    if (i < n && differ.deleted()[i]) {
      ops.push_back({'-', i++, j});
    } else if (j < m && differ.inserted()[j]) {
      ops.push_back({'+', i, j++});
    } else {
      ops.push_back({' ', i++, j++});
    }
  }

  std::string out = absl::StrCat(FileLine("---", GitQuotedName("a/", path)),
                                 FileLine("+++", GitQuotedName("b/", path)));
  const int total = static_cast<int>(ops.size());
  int k = 0;
  while (k < total) {
    while (k < total && ops[k].kind == ' ') ++k;
    if (k == total) break;
    const int start = std::max(0, k - context);
    // Extend over changes separated by at most 2 * context unchanged lines.
    int end = k;
    while (true) {
      while (end < total && ops[end].kind != ' ') ++end;
      int next = end;
      while (next < total && ops[next].kind == ' ') ++next;
      if (next < total && next - end <= 2 * context) {
        end = next;
        continue;
      }
      break;
    }
    const int stop = std::min(total, end + context);
    int old_count = 0, new_count = 0;
    for (int i = start; i < stop; ++i) {
      if (ops[i].kind != '+') ++old_count;
      if (ops[i].kind != '-') ++new_count;
    }
    absl::StrAppend(&out, "@@ -", Range(ops[start].apos, old_count), " +",
                    Range(ops[start].bpos, new_count), " @@\n");
    for (int i = start; i < stop; ++i) {
      const Op& op = ops[i];
      AppendLine(op.kind, op.kind == '+' ? b[op.bpos] : a[op.apos], &out);
    }
    k = stop;
  }
  return out;
}

}  // namespace cov::server::check
