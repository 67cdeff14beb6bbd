// Splits the option list of a Suricata rule, the text between the rule's
// outer parentheses, into `name:value;` and bare `name;` options.
//
// Suricata itself ends an option value at the first `;` not preceded by a
// backslash. Real rules also quote values (`msg:"a; b"`), and ET Open has
// pcre values with bare `"` inside (`pcre:"/["']x/"`), so the scanner tracks
// quoted strings with one rule: a `"` opens a string, and a later `"` closes
// it only when the next non-blank character is `;` or the end of the list.
// Backslash escapes the next character everywhere (`\;`, `\"`, `\\`).
// When a string is never closed, the rest of the list falls back to
// Suricata's own rule, which keeps the scan linear.
//
//   std::vector<RuleOption> opts;
//   std::vector<ScanProblem> problems;
//   ScanOptions(R"(msg:"x"; sid:1; nocase;)", &opts, &problems);
//   // opts: {msg, "\"x\""}, {sid, "1"}, {nocase, ""}
//
// Linear in the size of the input; thread-safe (no shared state).
#ifndef COV_INGEST_SURICATA_OPTION_SCANNER_H_
#define COV_INGEST_SURICATA_OPTION_SCANNER_H_

#include <cstddef>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace cov::ingest::suricata {

// One option. Views point into the scanned text.
struct RuleOption {
  // Keyword, trimmed, as written (case preserved).
  absl::string_view name;
  // Raw value with surrounding blanks trimmed, quotes and escapes kept;
  // empty for bare options.
  absl::string_view value;
  // True when a `:` followed the name (even if the value is empty).
  bool has_value = false;
  // Byte offsets of `name` and `value` in the scanned text.
  size_t name_offset = 0;
  size_t value_offset = 0;
};

// A syntax problem found while scanning. `code` is a stable diagnostic code.
struct ScanProblem {
  // "suricata-missing-semicolon", "suricata-unterminated-string",
  // "suricata-bad-option-name" or "suricata-empty-option".
  absl::string_view code;
  std::string message;
  // Byte offset in the scanned text where the problem is.
  size_t offset = 0;
  // False for problems Suricata tolerates (an empty option `;;`).
  bool is_error = true;
};

// Appends the options of `body` to `options` and any problems to
// `problems` (neither is cleared). Never fails: every byte of `body` ends up
// in some option or in a problem. When `expect_final_semicolon` is false the
// last option may lack its `;` without a problem (the caller has already
// reported why the list is cut short).
void ScanOptions(absl::string_view body, std::vector<RuleOption>* options,
                 std::vector<ScanProblem>* problems,
                 bool expect_final_semicolon = true);

// Returns `value` without one pair of surrounding double quotes (if both
// are present) and with backslash escapes resolved (`\x` becomes `x`, as
// Suricata does for msg). Used for msg and other quoted strings.
std::string UnquoteAndUnescape(absl::string_view value);

}  // namespace cov::ingest::suricata

#endif  // COV_INGEST_SURICATA_OPTION_SCANNER_H_
