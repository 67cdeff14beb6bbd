#include "ingest/suricata/suricata_parser.h"

#include <algorithm>
#include <cstring>
#include <limits>
#include <string>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/container/inlined_vector.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "ingest/base/diagnostics.h"
#include "ingest/base/hash.h"
#include "ingest/base/rule_files.h"
#include "ingest/base/text_position.h"
#include "ingest/base/utf8.h"
#include "ingest/suricata/keywords.h"
#include "ingest/suricata/metadata.h"
#include "ingest/suricata/option_scanner.h"

namespace cov::ingest::suricata {
namespace {

using ::cov::v1::Diagnostic;
using ::cov::v1::Rule;

// After this many diagnostics in one file the rest are dropped (a large
// non-rule file named *.rules would otherwise yield one per line).
constexpr size_t kMaxDiagnosticsPerFile = 1000;

inline bool IsBlank(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' ||
         c == '\f';
}

// ---------------------------------------------------------------------------
// UTF-8

// ---------------------------------------------------------------------------
// Lines

// Iterates over the physical lines of a file, without "\n" / "\r\n".
class LineReader {
 public:
  explicit LineReader(absl::string_view text) : text_(text) {}

  bool Next(absl::string_view* line, int* number) {
    if (pos_ >= text_.size()) return false;
    const char* start = text_.data() + pos_;
    const void* nl = std::memchr(start, '\n', text_.size() - pos_);
    size_t len =
        nl ? static_cast<const char*>(nl) - start : text_.size() - pos_;
    pos_ += len + (nl ? 1 : 0);
    if (len > 0 && start[len - 1] == '\r') --len;
    *line = absl::string_view(start, len);
    *number = ++line_;
    return true;
  }

  // Position to return to after a look-ahead.
  std::pair<size_t, int> Mark() const { return {pos_, line_}; }
  void Reset(std::pair<size_t, int> mark) {
    pos_ = mark.first;
    line_ = mark.second;
  }

 private:
  absl::string_view text_;
  size_t pos_ = 0;
  int line_ = 0;
};

// Strips trailing blanks; true (and `*line` without the `\`) when the line
// then ends with a continuation backslash.
bool StripContinuation(absl::string_view* line) {
  absl::string_view s = *line;
  while (!s.empty() && IsBlank(s.back())) s.remove_suffix(1);
  if (s.empty() || s.back() != '\\') return false;
  s.remove_suffix(1);
  *line = s;
  return true;
}

// Where a piece of a logical rule came from.
struct Segment {
  size_t offset;  // in the logical text
  int line;       // 1-based physical line
  int column;     // 1-based column of `offset` in that line
};

// Suricata's DETECT_MAX_RULE_SIZE: its loader rejects longer rules.
constexpr size_t kSuricataMaxRuleBytes = 8192;

// One rule's text, possibly joined from continuation lines.
struct LogicalRule {
  absl::string_view text;
  std::string storage;  // backs `text` when lines were joined
  absl::InlinedVector<Segment, 1> segments;

  // Line and column of byte `offset` of `text`.
  LineCol Locate(size_t offset) const {
    auto it = std::upper_bound(
        segments.begin(), segments.end(), offset,
        [](size_t off, const Segment& s) { return off < s.offset; });
    const Segment& seg = it == segments.begin() ? segments.front() : *(it - 1);
    LineCol lc;
    lc.line = seg.line;
    lc.column = seg.column + static_cast<int>(offset - seg.offset);
    return lc;
  }
};

// The leading word of `s` if it is an action followed by a blank.
bool StartsWithAction(absl::string_view s, absl::string_view* action) {
  size_t i = 0;
  while (i < s.size() && absl::ascii_isalpha(s[i])) ++i;
  if (i == 0 || i >= s.size() || !IsBlank(s[i])) return false;
  if (!IsAction(s.substr(0, i))) return false;
  *action = s.substr(0, i);
  return true;
}

// ---------------------------------------------------------------------------
// Header

struct Token {
  absl::string_view text;
  size_t offset;  // in the logical rule text
};

// Splits the header on blanks, keeping blanks inside [...] lists.
absl::InlinedVector<Token, 8> SplitHeader(absl::string_view header,
                                          size_t base) {
  absl::InlinedVector<Token, 8> tokens;
  size_t i = 0;
  const size_t n = header.size();
  while (i < n) {
    while (i < n && IsBlank(header[i])) ++i;
    if (i >= n) break;
    const size_t start = i;
    int depth = 0;
    while (i < n && (depth > 0 || !IsBlank(header[i]))) {
      if (header[i] == '[') ++depth;
      if (header[i] == ']' && depth > 0) --depth;
      ++i;
    }
    tokens.push_back({header.substr(start, i - start), base + start});
  }
  return tokens;
}

bool BracketsBalanced(absl::string_view t) {
  int depth = 0;
  for (char c : t) {
    if (c == '[') ++depth;
    if (c == ']' && --depth < 0) return false;
  }
  return depth == 0;
}

inline bool IsIdentChar(char c) { return absl::ascii_isalnum(c) || c == '_'; }

// An address or port list: $VARs and values, with `separators` and blanks
// between them, and balanced brackets. `value(t, i)` reads the value that
// starts at t[i] (any other character than '$', a separator or a blank) and
// returns where it ends, or npos when it is not valid. True when the list
// holds at least one $VAR or value.
template <typename ValueFn>
bool ValidList(absl::string_view t, absl::string_view separators,
               ValueFn value) {
  if (t.empty() || !BracketsBalanced(t)) return false;
  size_t i = 0;
  bool has_value = false;
  while (i < t.size()) {
    const char c = t[i];
    if (separators.find(c) != absl::string_view::npos || IsBlank(c)) {
      ++i;
      continue;
    }
    size_t j = i + 1;
    if (c == '$') {
      while (j < t.size() && IsIdentChar(t[j])) ++j;
      if (j == i + 1) return false;
    } else {
      j = value(t, i);
      if (j == absl::string_view::npos) return false;
    }
    i = j;
    has_value = true;
  }
  return has_value;
}

// Address: any, $VAR, IPv4/IPv6 (CIDR or a-b range), with !, [..] and ,.
bool ValidAddress(absl::string_view t) {
  return ValidList(t, ".:/-![],", [](absl::string_view s, size_t i) {
    if (!absl::ascii_isalnum(s[i])) return absl::string_view::npos;
    size_t j = i;
    while (j < s.size() && absl::ascii_isalnum(s[j])) ++j;
    absl::string_view word = s.substr(i, j - i);
    if (!absl::EqualsIgnoreCase(word, "any")) {
      for (char w : word) {
        // IPv4/IPv6 digits
        if (!absl::ascii_isxdigit(w)) return absl::string_view::npos;
      }
    }
    return j;
  });
}

// Port: any, $VAR, numbers <= 65535, ranges a:b, with !, [..] and ,.
bool ValidPort(absl::string_view t) {
  return ValidList(t, ":![],", [](absl::string_view s, size_t i) {
    size_t j = i;
    if (absl::ascii_isdigit(s[i])) {
      uint32_t v = 0;
      while (j < s.size() && absl::ascii_isdigit(s[j])) {
        v = v * 10 + (s[j] - '0');
        if (v > 65535) return absl::string_view::npos;
        ++j;
      }
      if (j < s.size() && IsIdentChar(s[j])) return absl::string_view::npos;
      return j;
    }
    if (!absl::ascii_isalpha(s[i])) return absl::string_view::npos;
    while (j < s.size() && IsIdentChar(s[j])) ++j;
    if (!absl::EqualsIgnoreCase(s.substr(i, j - i), "any")) {
      return absl::string_view::npos;
    }
    return j;
  });
}

bool IsDirection(absl::string_view t) {
  return t == "->" || t == "<>" || t == "<-" || t == "=>";
}

// The protocol without a Suricata 8 hook suffix (`http1:request_headers`).
absl::string_view ProtocolName(absl::string_view t) {
  const size_t colon = t.find(':');
  return colon == absl::string_view::npos ? t : t.substr(0, colon);
}

// True when `tokens` form a header: protocol src sport dir dst dport, or a
// lone protocol (Snort 3 service-rule form).
bool LooksLikeHeader(const absl::InlinedVector<Token, 8>& tokens) {
  if (tokens.size() == 6) return IsDirection(tokens[3].text);
  if (tokens.size() == 1) return IsKnownProtocol(ProtocolName(tokens[0].text));
  return false;
}

// ---------------------------------------------------------------------------
// Options

// The options whose values the parser reads.
enum class MetaOption {
  kNone,
  kSid,
  kRev,
  kGid,
  kMsg,
  kClasstype,
  kReference,
  kMetadata
};

// Case-insensitive, as Suricata; dispatches on length first because this
// runs for every option of every rule.
MetaOption ClassifyOption(absl::string_view name) {
  switch (name.size()) {
    case 3:
      if (absl::EqualsIgnoreCase(name, "sid")) return MetaOption::kSid;
      if (absl::EqualsIgnoreCase(name, "rev")) return MetaOption::kRev;
      if (absl::EqualsIgnoreCase(name, "gid")) return MetaOption::kGid;
      if (absl::EqualsIgnoreCase(name, "msg")) return MetaOption::kMsg;
      break;
    case 8:
      if (absl::EqualsIgnoreCase(name, "metadata"))
        return MetaOption::kMetadata;
      break;
    case 9:
      if (absl::EqualsIgnoreCase(name, "classtype")) {
        return MetaOption::kClasstype;
      }
      if (absl::EqualsIgnoreCase(name, "reference")) {
        return MetaOption::kReference;
      }
      break;
  }
  return MetaOption::kNone;
}

// ---------------------------------------------------------------------------
// Numbers

bool ParseUnsigned(absl::string_view s, uint64_t max, uint64_t* out) {
  if (s.empty() || s.size() > 20) return false;
  for (char c : s) {
    if (!absl::ascii_isdigit(c)) return false;
  }
  uint64_t v;
  if (!absl::SimpleAtoi(s, &v) || v > max) return false;
  *out = v;
  return true;
}

std::string Shorten(absl::string_view s, size_t max = 40) {
  if (s.size() <= max) return std::string(s);
  return absl::StrCat(s.substr(0, max), "...");
}

// ---------------------------------------------------------------------------
// File parser

class FileParser {
 public:
  FileParser(const SourceFile& file, bool sanitize, ParsedFile* out)
      : file_(file), sanitize_(sanitize), out_(out) {}

  void Run();

 private:
  // One rule being parsed.
  struct RuleContext {
    const LogicalRule* text;
    bool enabled;
    std::vector<Diagnostic> diagnostics;
  };

  void ParseRule(const LogicalRule& logical, bool enabled, bool indented,
                 bool trailing_continuation);
  void Report(RuleContext* ctx, absl::string_view code,
              absl::string_view message, size_t offset, bool is_error);
  void AddDiagnostic(Diagnostic d);
  void NoteCapped();
  std::string Text(absl::string_view s) const {
    return sanitize_ ? ToValidUtf8(s) : std::string(s);
  }

  const SourceFile& file_;
  const bool sanitize_;
  ParsedFile* out_;
  // Set once the budget is spent; the note is appended at the end of Run.
  bool diagnostics_capped_ = false;
  Diagnostic capped_note_;

  struct SeenSid {
    int line;
    bool enabled;
  };
  absl::flat_hash_map<std::pair<int32_t, int64_t>, SeenSid> sids_;

  // Reused across rules to avoid allocations.
  std::vector<RuleOption> options_;
  std::vector<ScanProblem> problems_;
  std::vector<MetadataEntry> metadata_;
  std::vector<ExtractedAttackRef> attack_refs_;
  std::vector<AttackRefProblem> attack_problems_;
};

void FileParser::AddDiagnostic(Diagnostic d) {
  if (out_->diagnostics.size() < kMaxDiagnosticsPerFile) {
    out_->diagnostics.push_back(std::move(d));
    return;
  }
  NoteCapped();
}

void FileParser::NoteCapped() {
  if (diagnostics_capped_) return;
  diagnostics_capped_ = true;
  capped_note_ = Warning(
      file_.path, 0, 0, "suricata-too-many-diagnostics",
      absl::StrCat("more than ", kMaxDiagnosticsPerFile,
                   " problems in this file; the rest are not reported"));
}

void FileParser::Report(RuleContext* ctx, absl::string_view code,
                        absl::string_view message, size_t offset,
                        bool is_error) {
  if (out_->diagnostics.size() + ctx->diagnostics.size() >=
      kMaxDiagnosticsPerFile) {
    // Over the file's budget: building the record would only waste memory
    // (a 50 MB rule can hold millions of problems).
    NoteCapped();
    return;
  }
  const LineCol lc = ctx->text->Locate(offset);
  std::string msg = Text(message);
  if (!ctx->enabled) absl::StrAppend(&msg, " (in a disabled rule)");
  ctx->diagnostics.push_back(
      is_error && ctx->enabled
          ? Error(file_.path, lc.line, lc.column, code, msg)
          : Warning(file_.path, lc.line, lc.column, code, msg));
}

void FileParser::Run() {
  // ET Open averages ~570 bytes per rule; avoid most regrowth copies.
  out_->rules.reserve(file_.content.size() / 600 + 1);
  LineReader reader(file_.content);
  absl::string_view line;
  int number = 0;
  while (reader.Next(&line, &number)) {
    size_t i = 0;
    while (i < line.size() && IsBlank(line[i])) ++i;
    if (i == line.size()) continue;
    // Suricata skips lines that start with '#' or a blank. Such a line is
    // a disabled rule when it holds one; an indented rule is flagged, as
    // Suricata silently never loads it.
    const bool indented = i > 0;
    bool commented = false;
    if (line[i] == '#') {
      size_t j = i;
      while (j < line.size() && line[j] == '#') ++j;
      while (j < line.size() && IsBlank(line[j])) ++j;
      i = j;
      commented = true;
    }
    absl::string_view action;
    // Only skipped lines that start with an action can be disabled rules.
    if ((commented || indented) && !StartsWithAction(line.substr(i), &action)) {
      continue;
    }
    const bool disabled = commented || indented;

    LogicalRule logical;
    logical.segments.push_back({0, number, static_cast<int>(i) + 1});
    absl::string_view first = line.substr(i);
    bool trailing_continuation = false;
    if (!StripContinuation(&first)) {
      logical.text = first;
    } else {
      logical.storage.assign(first.data(), first.size());
      while (true) {
        const auto mark = reader.Mark();
        absl::string_view next;
        int next_number;
        if (!reader.Next(&next, &next_number)) {
          trailing_continuation = true;
          break;
        }
        size_t k = 0;
        if (disabled) {
          // A disabled rule continues only on lines Suricata skips too
          // (commented ones for a commented rule); any other line is the
          // next rule or comment.
          while (k < next.size() && IsBlank(next[k])) ++k;
          const bool fits = commented ? k < next.size() && next[k] == '#'
                                      : k > 0 && k < next.size();
          if (!fits) {
            reader.Reset(mark);
            trailing_continuation = true;
            break;
          }
          while (commented && k < next.size() && next[k] == '#') ++k;
        }
        logical.segments.push_back(
            {logical.storage.size(), next_number, static_cast<int>(k) + 1});
        absl::string_view piece = next.substr(k);
        const bool more = StripContinuation(&piece);
        logical.storage.append(piece.data(), piece.size());
        if (!more) break;
      }
      logical.text = logical.storage;
    }
    ParseRule(logical, !disabled, indented && !commented,
              trailing_continuation);
  }
  if (diagnostics_capped_) out_->diagnostics.push_back(std::move(capped_note_));
}

void FileParser::ParseRule(const LogicalRule& logical, bool enabled,
                           bool indented, bool trailing_continuation) {
  absl::string_view text = logical.text;
  while (!text.empty() && IsBlank(text.back())) text.remove_suffix(1);

  RuleContext ctx{&logical, enabled, {}};
  auto flush = [&](absl::string_view uid) {
    for (Diagnostic& d : ctx.diagnostics) {
      if (!uid.empty()) d.set_object(std::string(uid));
      AddDiagnostic(std::move(d));
    }
  };

  // Action.
  size_t pos = 0;
  while (pos < text.size() && !IsBlank(text[pos]) && text[pos] != '(') ++pos;
  const absl::string_view action = text.substr(0, pos);
  if (!IsAction(action)) {
    // Only enabled lines get here: comments were filtered by the caller.
    Report(&ctx, "suricata-bad-action",
           absl::StrCat("line does not start with a rule action (alert, "
                        "drop, pass, reject, ...): '",
                        Shorten(action), "'"),
           0, true);
    flush("");
    return;
  }

  // Header and option list.
  const size_t open = text.find('(', pos);
  const bool closed = !text.empty() && text.back() == ')';
  const absl::string_view header = text.substr(
      pos, (open == absl::string_view::npos ? text.size() : open) - pos);
  const auto tokens = SplitHeader(header, pos);
  if (!enabled && (open == absl::string_view::npos || !closed ||
                   !LooksLikeHeader(tokens))) {
    return;  // an ordinary comment that happens to start with an action
  }
  if (indented) {
    Report(&ctx, "suricata-indented-rule",
           "rule line starts with whitespace, which Suricata skips like a "
           "comment: the rule is never loaded",
           0, false);
  }
  if (text.size() > kSuricataMaxRuleBytes) {
    Report(&ctx, "suricata-rule-too-long",
           absl::StrCat("rule is ", text.size(),
                        " bytes; Suricata reads at most 8192 bytes per rule "
                        "(DETECT_MAX_RULE_SIZE) and rejects longer ones"),
           0, false);
  }
  if (open == absl::string_view::npos) {
    Report(&ctx, "suricata-unterminated-rule",
           "rule has no option list: '(' not found (truncated rule?)",
           text.size(), true);
    flush("");
    return;
  }
  if (!closed) {
    Report(&ctx, "suricata-unterminated-rule",
           "rule does not end with ')' (truncated rule or unbalanced "
           "parentheses)",
           text.size(), true);
  } else if (trailing_continuation) {
    Report(&ctx, "suricata-dangling-continuation",
           "rule ends with a line continuation '\\' but no line follows",
           text.size(), false);
  }

  // Header checks.
  if (tokens.size() == 1) {
    Report(&ctx, "suricata-short-header",
           "header has only a protocol (Snort 3 service rule); Suricata "
           "expects 'proto src_addr src_port direction dst_addr dst_port'",
           tokens[0].offset, false);
  } else if (tokens.size() != 6) {
    Report(&ctx, "suricata-bad-header",
           absl::StrCat("header has ", tokens.size(),
                        " fields; expected 'proto src_addr src_port "
                        "direction dst_addr dst_port'"),
           tokens.empty() ? pos : tokens[0].offset, true);
  }
  if (!tokens.empty()) {
    const absl::string_view proto = ProtocolName(tokens[0].text);
    if (!IsKnownProtocol(proto)) {
      Report(&ctx, "suricata-unknown-protocol",
             absl::StrCat("unknown protocol '", Shorten(proto), "'"),
             tokens[0].offset, false);
    }
  }
  if (tokens.size() == 6) {
    const absl::string_view dir = tokens[3].text;
    if (dir == "<-") {
      Report(&ctx, "suricata-reverse-direction",
             "direction '<-' is not supported by Suricata; use '->' with "
             "source and destination swapped",
             tokens[3].offset, false);
    } else if (!IsDirection(dir)) {
      Report(&ctx, "suricata-bad-direction",
             absl::StrCat("invalid direction '", Shorten(dir),
                          "'; expected '->' or '<>'"),
             tokens[3].offset, true);
    }
    for (int k : {1, 4}) {
      if (!ValidAddress(tokens[k].text)) {
        Report(&ctx, "suricata-bad-address",
               absl::StrCat("invalid ", k == 1 ? "source" : "destination",
                            " address '", Shorten(tokens[k].text), "'"),
               tokens[k].offset, true);
      }
    }
    for (int k : {2, 5}) {
      if (!ValidPort(tokens[k].text)) {
        Report(&ctx, "suricata-bad-port",
               absl::StrCat("invalid ", k == 2 ? "source" : "destination",
                            " port '", Shorten(tokens[k].text), "'"),
               tokens[k].offset, true);
      }
    }
  }

  // Options.
  const size_t body_start = open + 1;
  const size_t body_end =
      closed && text.size() - 1 >= body_start ? text.size() - 1 : text.size();
  const absl::string_view body = text.substr(body_start, body_end - body_start);
  options_.clear();
  problems_.clear();
  ScanOptions(body, &options_, &problems_, /*expect_final_semicolon=*/closed);
  for (const ScanProblem& p : problems_) {
    Report(&ctx, p.code, p.message, body_start + p.offset, p.is_error);
  }

  // Built in place; dropped again when the rule has no usable sid.
  Rule& rule = out_->rules.emplace_back();
  bool have_sid = false, bad_sid = false;
  bool seen_msg = false, seen_rev = false, seen_gid = false,
       seen_classtype = false;
  int64_t sid = 0;
  int32_t gid = 1;
  metadata_.clear();
  auto offset_of = [&](absl::string_view piece) -> size_t {
    return static_cast<size_t>(piece.data() - text.data());
  };
  auto duplicate = [&](bool* seen, const RuleOption& o) {
    if (*seen) {
      Report(&ctx, "suricata-duplicate-option",
             absl::StrCat("option '", o.name, "' appears more than once"),
             body_start + o.name_offset, true);
    }
    *seen = true;
  };

  for (const RuleOption& o : options_) {
    const absl::string_view name = o.name;
    const size_t name_at = body_start + o.name_offset;
    const size_t value_at = body_start + o.value_offset;
    const MetaOption meta = ClassifyOption(name);
    if (meta == MetaOption::kSid) {
      uint64_t v;
      if (have_sid || bad_sid) {
        Report(&ctx, "suricata-duplicate-option",
               "option 'sid' appears more than once", name_at, true);
        continue;
      }
      if (ParseUnsigned(o.value, std::numeric_limits<uint32_t>::max(), &v) &&
          v > 0) {
        sid = static_cast<int64_t>(v);
        have_sid = true;
      } else {
        bad_sid = true;
        Report(&ctx, "suricata-bad-sid",
               absl::StrCat("sid '", Shorten(o.value),
                            "' is not a number in 1..4294967295"),
               value_at, true);
      }
    } else if (meta == MetaOption::kRev) {
      duplicate(&seen_rev, o);
      uint64_t v;
      if (ParseUnsigned(o.value, std::numeric_limits<int32_t>::max(), &v)) {
        rule.set_rev(static_cast<int32_t>(v));
      } else {
        Report(&ctx, "suricata-bad-rev",
               absl::StrCat("rev '", Shorten(o.value), "' is not a number"),
               value_at, true);
      }
    } else if (meta == MetaOption::kGid) {
      duplicate(&seen_gid, o);
      uint64_t v;
      if (ParseUnsigned(o.value, std::numeric_limits<int32_t>::max(), &v)) {
        gid = static_cast<int32_t>(v);
      } else {
        Report(&ctx, "suricata-bad-gid",
               absl::StrCat("gid '", Shorten(o.value), "' is not a number"),
               value_at, true);
      }
    } else if (meta == MetaOption::kMsg) {
      duplicate(&seen_msg, o);
      rule.set_title(Text(UnquoteAndUnescape(o.value)));
    } else if (meta == MetaOption::kClasstype) {
      duplicate(&seen_classtype, o);
      rule.set_classtype(Text(o.value));
    } else if (meta == MetaOption::kReference) {
      const size_t comma = o.value.find(',');
      absl::string_view type = absl::StripAsciiWhitespace(o.value.substr(
          0, comma == absl::string_view::npos ? o.value.size() : comma));
      if (comma == absl::string_view::npos || type.empty()) {
        Report(&ctx, "suricata-bad-reference",
               absl::StrCat("reference '", Shorten(o.value),
                            "' is not 'type,value'"),
               value_at, true);
        if (!o.value.empty()) rule.add_references(Text(o.value));
      } else {
        rule.add_references(Text(absl::StrCat(
            type, ",", absl::StripAsciiWhitespace(o.value.substr(comma + 1)))));
      }
    } else if (meta == MetaOption::kMetadata) {
      const size_t before = metadata_.size();
      SplitMetadata(o.value, &metadata_);
      for (size_t k = before; k < metadata_.size(); ++k) {
        rule.add_metadata(Text(FormatMetadataEntry(metadata_[k])));
      }
    } else if (!IsKnownKeyword(name)) {
      // Names with invalid characters were already reported by the scanner.
      bool valid = !name.empty();
      for (char c : name) {
        valid &= absl::ascii_isalnum(c) || c == '_' || c == '.' || c == '-';
      }
      if (valid) {
        Report(&ctx, "suricata-unknown-option",
               absl::StrCat("unknown rule option '", Shorten(name), "'"),
               name_at, false);
      }
    }
  }

  if (!have_sid) {
    if (!bad_sid) {
      Report(&ctx, "suricata-missing-sid", "rule has no 'sid' option", 0, true);
    }
    out_->rules.pop_back();
    flush("");
    return;
  }

  std::string uid = gid == 1 ? absl::StrCat(file_.source, ":", sid)
                             : absl::StrCat(file_.source, ":", gid, ":", sid);

  // ATT&CK references from mitre_* metadata.
  attack_refs_.clear();
  attack_problems_.clear();
  ExtractAttackRefs(metadata_, &attack_refs_, &attack_problems_);
  for (const AttackRefProblem& p : attack_problems_) {
    // Metadata never stops Suricata from loading a rule: a warning.
    Report(&ctx, "suricata-bad-attack-id", p.message,
           offset_of(metadata_[p.entry_index].key), false);
  }
  for (const ExtractedAttackRef& r : attack_refs_) {
    cov::v1::AttackRef* ref = rule.add_attack_refs();
    ref->set_raw(Text(r.raw));
    ref->set_id(r.id);
    ref->set_kind(std::string(r.kind));
    ref->set_line(logical.Locate(offset_of(metadata_[r.entry_index].key)).line);
    ref->set_origin(absl::StrCat("metadata:", absl::AsciiStrToLower(r.key)));
  }

  // Duplicate sid within the file.
  auto [it, inserted] =
      sids_.try_emplace(std::make_pair(gid, sid),
                        SeenSid{logical.segments.front().line, enabled});
  if (!inserted) {
    const bool both_enabled = enabled && it->second.enabled;
    ctx.diagnostics.push_back((both_enabled ? Error : Warning)(
        file_.path, logical.segments.front().line, 0, "suricata-duplicate-sid",
        absl::StrCat("sid ", sid, gid == 1 ? "" : absl::StrCat(" gid ", gid),
                     " is already used by the ",
                     it->second.enabled ? "" : "disabled ", "rule at line ",
                     it->second.line)));
  }

  rule.set_uid(uid);
  rule.set_format(cov::v1::RULE_FORMAT_SURICATA);
  rule.set_source(file_.source);
  rule.set_file(file_.path);
  rule.set_line(logical.segments.front().line);
  rule.set_enabled(enabled);
  rule.set_action(std::string(action));
  rule.set_sid(sid);
  rule.set_gid(gid);
  rule.set_content_hash(Hex64(Fnv1a64(text)));
  flush(uid);
}

}  // namespace

ParsedFile SuricataParser::Parse(const SourceFile& file) const {
  ParsedFile out;
  const absl::string_view content = file.content;
  if (const absl::string_view enc = Utf16Encoding(content); !enc.empty()) {
    out.diagnostics.push_back(
        Error(file.path, 1, 1, "suricata-utf16-file",
              absl::StrCat("file is ", enc,
                           ", not UTF-8: convert it to UTF-8 (e.g. iconv -f "
                           "UTF-16 -t UTF-8); not parsed")));
    return out;
  }
  if (const void* nul = std::memchr(content.data(), '\0', content.size())) {
    const size_t at = static_cast<const char*>(nul) - content.data();
    const int line = 1 + static_cast<int>(std::count(
                             content.data(), content.data() + at, '\n'));
    out.diagnostics.push_back(
        Error(file.path, line, 0, "suricata-binary-file",
              "file contains NUL bytes (binary data, not a rule file); "
              "skipped"));
    return out;
  }
  const size_t bad = FirstInvalidUtf8(content);
  if (bad != absl::string_view::npos) {
    const char* begin = content.data();
    const int line = 1 + static_cast<int>(std::count(begin, begin + bad, '\n'));
    const char* line_start = begin + bad;
    while (line_start > begin && line_start[-1] != '\n') --line_start;
    out.diagnostics.push_back(Warning(
        file.path, line, static_cast<int>(begin + bad - line_start) + 1,
        "suricata-invalid-utf8",
        "file is not valid UTF-8; invalid bytes in rule text are replaced "
        "by U+FFFD"));
  }
  FileParser(file, bad != absl::string_view::npos, &out).Run();
  return out;
}

cov::v1::RuleFormat SuricataParser::format() const {
  return cov::v1::RULE_FORMAT_SURICATA;
}

bool SuricataParser::Accepts(absl::string_view path) const {
  return FormatReads(format(), path);
}

std::vector<Diagnostic> FindDuplicateSids(
    absl::Span<const ParsedFile* const> files) {
  struct First {
    const Rule* rule;
  };
  absl::flat_hash_map<absl::string_view, First> first;
  std::vector<Diagnostic> out;
  for (const ParsedFile* file : files) {
    if (file == nullptr) continue;
    for (const Rule& rule : file->rules) {
      auto [it, inserted] = first.try_emplace(rule.uid(), First{&rule});
      if (inserted) continue;
      const Rule& prev = *it->second.rule;
      if (prev.file() == rule.file()) continue;  // reported by Parse
      const bool both_enabled = prev.enabled() && rule.enabled();
      Diagnostic d = (both_enabled ? Error : Warning)(
          rule.file(), rule.line(), 0, "suricata-duplicate-sid",
          absl::StrCat("sid ", rule.sid(), " (uid ", rule.uid(),
                       ") is already used by the ",
                       prev.enabled() ? "" : "disabled ", "rule at ",
                       prev.file(), ":", prev.line()));
      d.set_object(rule.uid());
      out.push_back(std::move(d));
    }
  }
  return out;
}

std::vector<Diagnostic> FindDuplicateSids(
    const std::vector<ParsedFile>& files) {
  std::vector<const ParsedFile*> ptrs;
  ptrs.reserve(files.size());
  for (const ParsedFile& f : files) ptrs.push_back(&f);
  return FindDuplicateSids(ptrs);
}

}  // namespace cov::ingest::suricata
