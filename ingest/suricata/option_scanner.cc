#include "ingest/suricata/option_scanner.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace cov::ingest::suricata {
namespace {

inline bool IsBlank(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' ||
         c == '\f';
}

inline bool IsNameChar(char c) {
  return absl::ascii_isalnum(c) || c == '_' || c == '.' || c == '-';
}

// Trims blanks from [*begin, *end).
void TrimRange(const char* s, size_t* begin, size_t* end) {
  while (*begin < *end && IsBlank(s[*begin])) ++*begin;
  while (*end > *begin && IsBlank(s[*end - 1])) --*end;
}

// True when a `"` just before `i` closes a quoted string: the next non-blank
// character is `;` or the end of the list. Only blanks are skipped, and the
// main loop walks over them once more, so the scan stays linear.
bool ClosesString(const char* s, size_t i, size_t n) {
  while (i < n && IsBlank(s[i])) ++i;
  return i >= n || s[i] == ';';
}

// Finds the end of a value in Suricata's way: the first `;` not escaped.
size_t FindUnescapedSemicolon(const char* s, size_t pos, size_t n) {
  while (pos < n) {
    const char c = s[pos];
    if (c == '\\') {
      pos += 2;
      continue;
    }
    if (c == ';') return pos;
    ++pos;
  }
  return n;
}

void CheckName(absl::string_view name, size_t offset,
               std::vector<ScanProblem>* problems) {
  if (name.empty()) {
    problems->push_back({"suricata-bad-option-name",
                         "option has a value but no keyword", offset, true});
    return;
  }
  for (char c : name) {
    if (!IsNameChar(c)) {
      // Show at most a short prefix: the "name" may be a whole runaway value.
      absl::string_view shown = name.substr(0, 40);
      problems->push_back(
          {"suricata-bad-option-name",
           absl::StrCat("invalid option keyword '", shown,
                        shown.size() < name.size() ? "...'" : "'",
                        " (a missing ';' or ':'?)"),
           offset, true});
      return;
    }
  }
}

// The last option of a list that lacks its final `;`.
ScanProblem MissingSemicolon(absl::string_view name, size_t offset) {
  return {"suricata-missing-semicolon",
          absl::StrCat("option '", name.substr(0, 40),
                       "' is not terminated by ';'"),
          offset, true};
}

}  // namespace

void ScanOptions(absl::string_view body, std::vector<RuleOption>* options,
                 std::vector<ScanProblem>* problems,
                 bool expect_final_semicolon) {
  const char* s = body.data();
  const size_t n = body.size();
  size_t pos = 0;
  // Set after an unterminated string: from then on values end at the first
  // unescaped `;`, so a broken rule cannot make the scan quadratic.
  bool suricata_mode = false;
  while (true) {
    while (pos < n && IsBlank(s[pos])) ++pos;
    if (pos >= n) break;
    const size_t name_start = pos;
    while (pos < n && s[pos] != ':' && s[pos] != ';') ++pos;
    size_t nb = name_start, ne = pos;
    TrimRange(s, &nb, &ne);
    RuleOption opt;
    opt.name = body.substr(nb, ne - nb);
    opt.name_offset = nb;
    opt.value_offset = pos;

    if (pos >= n || s[pos] == ';') {
      // Bare option (`nocase;`), or trailing text without `;`.
      const bool terminated = pos < n;
      if (opt.name.empty()) {
        // Only reachable for `;` (blanks were skipped above).
        problems->push_back(
            {"suricata-empty-option", "empty option (stray ';')", pos, false});
        ++pos;
        continue;
      }
      CheckName(opt.name, nb, problems);
      options->push_back(opt);
      if (!terminated) {
        if (expect_final_semicolon) {
          problems->push_back(MissingSemicolon(opt.name, name_start));
        }
        break;
      }
      ++pos;
      continue;
    }

    // s[pos] == ':'
    ++pos;
    const size_t value_start = pos;
    if (!suricata_mode) {
      bool in_quote = false;
      size_t quote_pos = 0;
      while (pos < n) {
        const char c = s[pos];
        if (c == '\\') {
          pos += 2;
          continue;
        }
        if (c == '"') {
          if (!in_quote) {
            in_quote = true;
            quote_pos = pos;
          } else if (ClosesString(s, pos + 1, n)) {
            in_quote = false;
          }
        } else if (c == ';' && !in_quote) {
          break;
        }
        ++pos;
      }
      if (pos > n) pos = n;
      if (in_quote) {
        problems->push_back({"suricata-unterminated-string",
                             absl::StrCat("unterminated quoted string in '",
                                          opt.name.substr(0, 40), "' value"),
                             quote_pos, true});
        suricata_mode = true;
        pos = value_start;
      }
    }
    if (suricata_mode) pos = FindUnescapedSemicolon(s, pos, n);
    if (pos > n) pos = n;

    size_t vb = value_start, ve = pos;
    TrimRange(s, &vb, &ve);
    opt.value = body.substr(vb, ve - vb);
    opt.value_offset = vb;
    opt.has_value = true;
    CheckName(opt.name, name_start, problems);
    options->push_back(opt);
    if (pos >= n) {
      if (expect_final_semicolon) {
        problems->push_back(MissingSemicolon(opt.name, name_start));
      }
      break;
    }
    ++pos;  // the `;`
  }
}

std::string UnquoteAndUnescape(absl::string_view value) {
  value = absl::StripAsciiWhitespace(value);
  if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
    value = value.substr(1, value.size() - 2);
  }
  std::string out;
  out.reserve(value.size());
  for (size_t i = 0; i < value.size(); ++i) {
    if (value[i] == '\\' && i + 1 < value.size()) ++i;
    out.push_back(value[i]);
  }
  return out;
}

}  // namespace cov::ingest::suricata
