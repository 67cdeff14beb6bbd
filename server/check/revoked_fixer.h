// `cov fix`: rewrites revoked ATT&CK IDs of a rule file in place.
//
// Input is a file's bytes and the rules parsed from those same bytes, with
// their references already resolved against a release (engine::ResolveRefs:
// status REVOKED and `resolved_id` = the replacement). Each revoked
// reference is rewritten on the line the parser reported, in the spelling of
// the original; every other byte of the file is kept (comments, CRLF line
// endings, indentation, trailing blanks, non-ASCII text):
//   Sigma tags               attack.t1086 -> attack.t1059.001
//                            attack.T1086 -> attack.T1059.001
//   Suricata metadata        mitre_technique_id T1086 -> ... T1059.001
//                            mitre_subtechnique_id 001 stays a bare number
//                            when the replacement has the same parent
//   YARA meta values         mitre_att = "T1086" -> "T1059.001"
//                            (a written `_` or `/` separator is kept; URL
//                            references keep the URL form)
//   YARA tags                rule x : T1086 -> rule x : T1059_001
//   Splunk tags.mitre_attack_id / Sentinel relevantTechniques, techniques
//                            - T1086 -> - T1059.001 (block and flow lists)
//   Elastic TOML             id = "T1086" in a [[rule.threat.technique]]
//                            table; a replacement that would move the ID
//                            between a technique table and a sub-technique
//                            table is skipped (the table shape must change
//                            by hand), and a rewritten ID gets a note that
//                            the table's name and reference still describe
//                            the old technique
// Letter case follows the original (`t1086` gives `t1059.001`). A parent
// ID gets the sub-technique separator of the format (`.`; `_` in YARA tags,
// or when the rule already writes IDs with `_`).
//
// Only whole tokens inside the reference's own syntax are rewritten: the
// Sigma line outside its comment, the value after the Suricata metadata key,
// the YARA meta string of the reported key, the YARA tag list. `T10860`,
// `attack.t1086.001` or another ID on the line are never touched; every
// occurrence of the reported raw text in that place is (a flow list naming a
// tag twice). A reference whose text cannot be found there is left alone and
// reported in `skipped`. References shared by several rules (legacy Sigma
// `action: global` documents) are rewritten once.
//
// The parsers keep one reference per ID and rule, so a rule naming the same
// revoked ID twice in different spellings (`attack.t1086` and
// `attack.T1086`) gets the reported one fixed and a `skipped` entry for the
// other: parse, resolve and fix again to finish.
//
//   FixResult r = FixRevokedIds(bytes, cov::v1::RULE_FORMAT_SIGMA, rules);
//   if (r.content != bytes) diff = UnifiedDiff(path, bytes, r.content);
#ifndef COV_SERVER_CHECK_REVOKED_FIXER_H_
#define COV_SERVER_CHECK_REVOKED_FIXER_H_

#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "cov/v1/check.pb.h"
#include "cov/v1/rules.pb.h"
#include "server/check/unified_diff.h"

namespace cov::server::check {

struct FixResult {
  // The rewritten bytes (equal to the input when nothing changed).
  std::string content;
  // One per rewritten occurrence, in file order: path (Rule.file), 1-based
  // line, the text as written and its replacement.
  std::vector<cov::v1::FixChange> changes;
  // Same length as `changes`: "" or a remark on that change, e.g. that the
  // replacement was already referenced by the rule (the rule now names it
  // twice; removing the duplicate is left to the author).
  std::vector<std::string> notes;
  // Revoked references left as they were, each with the reason
  // ("path:line: ...").
  std::vector<std::string> skipped;
};

// Rewrites the revoked references of `parsed_rules` in `content` (see the
// file comment). `format` is the file's format; UNSPECIFIED is taken from
// the rules. Linear in the size of the file plus the number of references.
// Thread-safe (pure).
FixResult FixRevokedIds(absl::string_view content, cov::v1::RuleFormat format,
                        const std::vector<cov::v1::Rule>& parsed_rules);

}  // namespace cov::server::check

#endif  // COV_SERVER_CHECK_REVOKED_FIXER_H_
