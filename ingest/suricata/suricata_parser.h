// Parser for Suricata / Snort rule files (*.rules).
//
// One rule per line; a line ending in `\` continues on the next one (the
// rule's line is its first line); CRLF is accepted. Blank lines and
// comments are skipped. A commented-out rule (`#alert ...`, `# alert ...`,
// `##alert ...`) is returned as a disabled rule (enabled = false) when what
// follows the `#`s is an action, a header (`proto src sport dir dst dport`)
// and a parenthesised option list; any other comment is ignored silently.
// A disabled rule continues only onto commented lines. Suricata's loader
// also skips lines that start with a blank, so an indented rule is returned
// disabled too, with a "suricata-indented-rule" warning.
//
// Option values end at the first `;` outside a quoted string; `\` escapes
// the next character. A `"` closes a quoted string only when followed by
// `;` (ET Open has pcre values with bare quotes inside). See
// option_scanner.h.
//
// Each returned Rule has uid "<source>:<sid>" ("<source>:<gid>:<sid>" when
// gid is not 1), format, source, file, line, title (= msg, unquoted and
// unescaped), enabled, action, sid, rev (0 when absent), gid (1 when
// absent, Suricata's default), classtype, references ("type,value"),
// metadata ("key value" per pair), attack_refs from the mitre_* metadata
// keys (origin "metadata:<key>") and content_hash (FNV-1a 64 of the rule
// text without its comment marks, 16 hex digits: enabling a rule does not
// change it).
//
// Problems become diagnostics with codes prefixed "suricata-". Problems of
// enabled rules that Suricata would reject are errors; all problems of
// disabled rules are warnings. A rule is returned whenever its sid could be
// read, even if other errors were found; diagnostics about a returned rule
// carry its uid in `object`, so callers can drop rules with errors.
// Rules without a usable sid are not returned (error
// "suricata-missing-sid" / "suricata-bad-sid").
//
// Codes (E: error in an enabled rule, W: always a warning):
//   file      binary-file (E, no rules returned), utf16-file (E, UTF-16
//             text: convert to UTF-8; no rules returned), invalid-utf8 (W),
//             too-many-diagnostics (W, after 1000 per file)
//   structure bad-action (E), unterminated-rule (E), missing-semicolon (E),
//             unterminated-string (E), bad-option-name (E), empty-option (W),
//             dangling-continuation (W), indented-rule (W),
//             rule-too-long (W, over Suricata's 8,192-byte limit)
//   header    bad-header (E), short-header (W), unknown-protocol (W),
//             bad-direction (E), reverse-direction (W), bad-address (E),
//             bad-port (E)
//   options   missing-sid (E), bad-sid (E), bad-rev (E), bad-gid (E),
//             duplicate-option (E), bad-reference (E), unknown-option (W),
//             bad-attack-id (W), duplicate-sid (E if both rules are
//             enabled, else W)
//
//   SuricataParser parser;
//   ParsedFile parsed = parser.Parse({"emerging-dns.rules", bytes, "et"});
//
// Linear in the input size. Thread-safe: Parse is const and keeps no state.
#ifndef COV_INGEST_SURICATA_SURICATA_PARSER_H_
#define COV_INGEST_SURICATA_SURICATA_PARSER_H_

#include <cstdint>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "cov/v1/rules.pb.h"
#include "ingest/base/rule_parser.h"

namespace cov::ingest::suricata {

class SuricataParser : public RuleParser {
 public:
  // Never fails as a whole. A file holding a NUL byte is reported once
  // ("suricata-binary-file", error) and yields no rules; a file that is
  // not valid UTF-8 gets one warning ("suricata-invalid-utf8") and its text
  // fields have invalid bytes replaced by U+FFFD.
  ParsedFile Parse(const SourceFile& file) const override;

  // RULE_FORMAT_SURICATA.
  cov::v1::RuleFormat format() const override;

  // True for paths ending in ".rules" (any case).
  bool Accepts(absl::string_view path) const override;
};

// Finds rules whose uid already belongs to a rule of an earlier file in
// `files` (in the given order), e.g. the same sid in two .rules files of one
// source. Returns one "suricata-duplicate-sid" diagnostic per later copy:
// an error when both rules are enabled, else a warning. Duplicates inside
// one file are reported by Parse and not repeated here. Thread-compatible
// (reads `files` only).
std::vector<cov::v1::Diagnostic> FindDuplicateSids(
    absl::Span<const ParsedFile* const> files);
std::vector<cov::v1::Diagnostic> FindDuplicateSids(
    const std::vector<ParsedFile>& files);

}  // namespace cov::ingest::suricata

#endif  // COV_INGEST_SURICATA_SURICATA_PARSER_H_
