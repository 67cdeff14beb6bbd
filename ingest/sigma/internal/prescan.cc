#include "ingest/sigma/internal/prescan.h"

#include <algorithm>
#include <cstdint>
#include <cstring>

#include "ingest/base/utf8.h"

namespace cov::ingest::sigma::internal {
namespace {

constexpr size_t kNpos = absl::string_view::npos;

bool IsSpace(char c) { return c == ' ' || c == '\t'; }

bool IsFlowIndicator(char c) {
  return c == ',' || c == '[' || c == ']' || c == '{' || c == '}';
}

// True for `---` / `...` at column 0 followed by a blank or the line end.
bool IsMarker(absl::string_view line, char c) {
  return line.size() >= 3 && line[0] == c && line[1] == c && line[2] == c &&
         (line.size() == 3 || IsSpace(line[3]));
}

// Line-by-line state machine; see the header for what it models.
class Scanner {
 public:
  Scanner(const PrescanLimits& limits, PrescanResult* out)
      : limits_(limits), out_(out) {}

  // Forgets all structure (at a document marker).
  void Reset() {
    indents_.clear();
    flow_ = 0;
    flow_vs_ = true;
    quote_ = 0;
    block_scalar_ = false;
    plain_cont_ = false;
  }

  // The rest of a `---` line (`--- |`, `--- !tag`, ...).
  void AfterMarker(absl::string_view rest, int line_no, Chunk* chunk) {
    size_t i = 0;
    while (i < rest.size() && IsSpace(rest[i])) ++i;
    if (i == rest.size() || rest[i] == '#') return;
    chunk->has_content = true;
    // A root block scalar: every following line is its content.
    Content(rest, i, /*line_indent=*/-1, /*vs=*/true, line_no, chunk);
  }

  void Line(absl::string_view line, int line_no, Chunk* chunk) {
    size_t indent = 0;
    while (indent < line.size() && line[indent] == ' ') ++indent;
    size_t first = indent;
    while (first < line.size() && IsSpace(line[first])) ++first;
    const bool blank = first == line.size();
    if (block_scalar_) {
      if (blank || static_cast<int>(indent) > block_indent_) return;
      block_scalar_ = false;
    }
    if (quote_ != 0) {
      chunk->has_content = true;
      size_t end = ScanQuoted(line, 0, quote_);
      if (end == kNpos) return;
      quote_ = 0;
      Content(line, end, static_cast<int>(indent), /*vs=*/false, line_no,
              chunk);
      return;
    }
    if (blank) return;
    if (line[first] == '#') {
      plain_cont_ = false;  // a comment ends a plain multi-line scalar
      return;
    }
    if (flow_ == 0 && indent == 0 && line[0] == '%') return;  // directive
    chunk->has_content = true;
    if (flow_ > 0) {
      Content(line, first, static_cast<int>(indent), flow_vs_, line_no, chunk);
      return;
    }
    if (plain_cont_ && static_cast<int>(indent) > plain_indent_) return;
    plain_cont_ = false;
    const int ind = static_cast<int>(indent);
    while (!indents_.empty() && indents_.back() > ind) indents_.pop_back();
    if (indents_.empty() || indents_.back() < ind) indents_.push_back(ind);
    NoteDepth(line_no, chunk);
    Content(line, first, ind, /*vs=*/true, line_no, chunk);
  }

 private:
  // Column of the innermost open block node (e.g. 2 for `- key: |`): block
  // scalar content and plain continuation lines must be indented more than
  // it. Erring high only makes the scan count more levels, never fewer.
  int InnermostIndent(int line_indent) const {
    return indents_.empty() ? line_indent
                            : std::max(line_indent, indents_.back());
  }

  void NoteDepth(int line_no, Chunk* chunk) {
    const int depth = static_cast<int>(indents_.size()) + flow_;
    if (depth > limits_.max_depth && chunk->too_deep_line == 0) {
      chunk->too_deep_line = line_no + 1;
    }
  }

  void CountAlias(int line_no) {
    ++out_->alias_count;
    if (out_->alias_count > limits_.max_aliases &&
        out_->alias_limit_line == 0) {
      out_->alias_limit_line = line_no + 1;
    }
  }

  // Scans a quoted scalar from `pos` (just after the opening quote, or the
  // start of a continuation line); returns the offset after the closing
  // quote, or kNpos when the line ends inside the scalar.
  static size_t ScanQuoted(absl::string_view s, size_t pos, char q) {
    const size_t n = s.size();
    while (pos < n) {
      const char c = s[pos];
      if (q == '\'') {
        if (c == '\'') {
          if (pos + 1 < n && s[pos + 1] == '\'') {
            pos += 2;
            continue;
          }
          return pos + 1;
        }
      } else {
        if (c == '\\') {
          pos += 2;
          continue;
        }
        if (c == '"') return pos + 1;
      }
      ++pos;
    }
    return kNpos;
  }

  // Scans one line's content from `pos`. `vs` is true where a new node may
  // start (after indentation, `- `, `key: `, `[`, `{` or `,`).
  void Content(absl::string_view s, size_t pos, int line_indent, bool vs,
               int line_no, Chunk* chunk) {
    const size_t n = s.size();
    bool in_plain = false;
    while (pos < n) {
      const char c = s[pos];
      if (IsSpace(c)) {
        ++pos;
        continue;
      }
      if (c == '#' && (pos == 0 || IsSpace(s[pos - 1]))) break;  // comment
      if (vs) {
        if (flow_ == 0 && (c == '-' || c == '?' || c == ':') &&
            (pos + 1 == n || IsSpace(s[pos + 1]))) {
          size_t p = pos + 1;
          while (p < n && IsSpace(s[p])) ++p;
          // `- x`: the entry's content opens one more block level at its
          // column. A bare `-` gets its level from the next line's indent.
          if (c == '-' && p < n && s[p] != '#') {
            indents_.push_back(static_cast<int>(p));
            NoteDepth(line_no, chunk);
          }
          pos = p;
          continue;
        }
        if (c == '\'' || c == '"') {
          const size_t end = ScanQuoted(s, pos + 1, c);
          if (end == kNpos) {
            quote_ = c;
            plain_cont_ = false;
            return;
          }
          pos = end;
          vs = false;
          continue;
        }
        if (c == '[' || c == '{') {
          ++flow_;
          NoteDepth(line_no, chunk);
          ++pos;
          continue;
        }
        if (c == '*' || c == '&' || c == '!') {
          if (c == '*') CountAlias(line_no);
          ++pos;
          // Anchor, tag and alias names end at a flow indicator even in
          // block context (`!t[` opens a flow sequence for yaml-cpp).
          while (pos < n && !IsSpace(s[pos]) && !IsFlowIndicator(s[pos])) {
            ++pos;
          }
          if (c == '*') vs = false;
          continue;
        }
        if (flow_ == 0 && (c == '|' || c == '>')) {
          block_scalar_ = true;
          block_indent_ = InnermostIndent(line_indent);
          plain_cont_ = false;
          return;
        }
        if (flow_ > 0) {
          if (c == ']' || c == '}') {
            --flow_;
            ++pos;
            vs = false;
            continue;
          }
          if (c == ',') {
            ++pos;
            continue;
          }
        }
        vs = false;  // start of a plain scalar
        in_plain = true;
        ++pos;
        continue;
      }
      if (flow_ > 0) {
        if (c == ',') {
          vs = true;
          in_plain = false;
        } else if (c == ']' || c == '}') {
          --flow_;
          in_plain = false;
        } else if (c == '[' || c == '{') {
          ++flow_;
          NoteDepth(line_no, chunk);
          vs = true;
          in_plain = false;
        } else if (c == ':' && (pos + 1 == n || IsSpace(s[pos + 1]) ||
                                IsFlowIndicator(s[pos + 1]))) {
          vs = true;
          in_plain = false;
        }
      } else if (c == ':' && (pos + 1 == n || IsSpace(s[pos + 1]))) {
        vs = true;
        in_plain = false;
      }
      ++pos;
    }
    if (flow_ > 0) {
      flow_vs_ = vs;
      plain_cont_ = false;
    } else {
      plain_cont_ = in_plain;
      plain_indent_ = InnermostIndent(line_indent);
    }
  }

  const PrescanLimits& limits_;
  PrescanResult* out_;
  std::vector<int> indents_;  // open block levels (their columns)
  int flow_ = 0;              // open flow brackets
  bool flow_vs_ = true;       // value-start state carried across flow lines
  char quote_ = 0;            // quote of a scalar continuing on next line
  bool block_scalar_ = false;
  int block_indent_ = 0;     // content lines are indented more than this
  bool plain_cont_ = false;  // last line ended inside a plain scalar
  int plain_indent_ = 0;
};

}  // namespace

void LineColumnAt(absl::string_view text, size_t offset, int* line,
                  int* column) {
  if (offset > text.size()) offset = text.size();
  int l = 1;
  size_t line_start = 0;
  const char* p = text.data();
  const char* end = p + offset;
  while (true) {
    const void* nl = std::memchr(p, '\n', end - p);
    if (nl == nullptr) break;
    ++l;
    p = static_cast<const char*>(nl) + 1;
    line_start = p - text.data();
  }
  *line = l;
  *column = static_cast<int>(offset - line_start) + 1;
}

PrescanResult Prescan(absl::string_view text, const PrescanLimits& limits) {
  PrescanResult r;
  if (const void* nul = std::memchr(text.data(), '\0', text.size())) {
    int col;
    LineColumnAt(text, static_cast<const char*>(nul) - text.data(), &r.nul_line,
                 &col);
    return r;
  }
  if (size_t bad = FirstInvalidUtf8(text); bad != kNpos) {
    LineColumnAt(text, bad, &r.invalid_utf8_line, &r.invalid_utf8_column);
  }
  const bool bom = text.size() >= 3 && text.substr(0, 3) == "\xEF\xBB\xBF";
  Scanner scanner(limits, &r);
  Chunk cur;
  size_t pos = 0;
  int line_no = 0;
  while (pos < text.size()) {
    const size_t nl = text.find('\n', pos);
    const size_t line_end = nl == kNpos ? text.size() : nl;
    const size_t next = nl == kNpos ? text.size() : nl + 1;
    absl::string_view line = text.substr(pos, line_end - pos);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line_no == 0 && bom) line.remove_prefix(3);
    if (IsMarker(line, '-')) {
      if (cur.has_content) {
        cur.end = pos;
        r.chunks.push_back(cur);
        cur = Chunk();
        cur.begin = pos;
        cur.first_line = line_no;
      }
      scanner.Reset();
      scanner.AfterMarker(line.substr(3), line_no, &cur);
    } else if (IsMarker(line, '.')) {
      scanner.Reset();
      cur.end = next;
      r.chunks.push_back(cur);
      cur = Chunk();
      cur.begin = next;
      cur.first_line = line_no + 1;
    } else {
      scanner.Line(line, line_no, &cur);
    }
    pos = next;
    ++line_no;
  }
  if (cur.begin < text.size() || r.chunks.empty()) {
    cur.end = text.size();
    r.chunks.push_back(cur);
  }
  return r;
}

}  // namespace cov::ingest::sigma::internal
