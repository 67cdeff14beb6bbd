// The YARA rule parser: one .yar file in, cov.v1.Rule records out.
//
// A hand-written lexer (lexer.h) and block parser; libyara is used only to
// tell whether the whole file compiles (YaraParserOptions). It
// reads what YARA 4.x accepts at the level needed for coverage: rule
// modifiers (`private`, `global`), names, tags, `meta:` entries (strings with
// escapes, integers, booleans; repeated keys kept in order) and top-level
// `import`/`include` statements. `strings:` and `condition:` are tokenised,
// not evaluated: text strings, hex strings, regular expressions and comments
// are skipped exactly, so the end of a rule is found by tokens, never by
// counting braces.
//
// Each Rule has:
//   uid          "<source>:<file>:<rule name>"
//   line         line of the rule's first modifier or `rule` keyword
//   title        rule name; enabled = true; format = RULE_FORMAT_YARA
//   yara_tags    the tags; yara_meta "key=value" for every meta entry, in
//                order, string values decoded (escapes resolved)
//   author       first `author` meta; date: first `date` (else
//                `creation_date`); modified: `modified`/`last_modified`
//   references   values of `reference`, `references`, `referenceN`,
//                `reference_*`, `url` meta entries
//   content_hash FNV-1a 64 of the rule's text (first modifier to closing
//                brace), 16 lowercase hex digits
//   body         that same text, verbatim (empty if not valid UTF-8)
//   yara_imports modules imported earlier in the file, in order
//   attack_refs  from tags and meta (see attack_meta.h), in file order,
//                deduplicated on (id, kind) keeping the first
// String fields are valid UTF-8 (invalid bytes become U+FFFD).
//
// Diagnostics (codes):
//   errors   yara-unterminated-string, yara-unterminated-regex,
//            yara-unterminated-comment, yara-unterminated-hex-string,
//            yara-invalid-hex-string, yara-invalid-escape,
//            yara-missing-condition, yara-unbalanced-braces,
//            yara-unbalanced-parentheses, yara-unexpected-token,
//            yara-identifier-too-long, yara-duplicate-rule,
//            yara-duplicate-tag, yara-duplicate-string-id,
//            yara-duplicate-modifier, yara-invalid-modifier,
//            yara-binary-file (NUL byte in the first 8 KiB; nothing parsed),
//            yara-utf16-file (UTF-16 text: convert to UTF-8; nothing parsed),
//            yara-too-many-errors (after 100 errors the rest of the file is
//            skipped)
//   warnings yara-non-utf8 (first invalid byte), yara-utf8-bom (libyara
//            rejects a byte-order mark; the parser skips it)
//   yara-does-not-compile (E): libyara rejects the file (see
//            YaraParserOptions); its rules are returned disabled.
// `private rule`s are returned with yara_private set and yara_used_by
// counting the public rules of the file whose condition names them.
// A rule with an error is not returned (libyara would reject it); a rule
// whose name repeats an earlier one in the file is not returned either.
// After an error the parser resumes at the next `rule`, `private`, `global`,
// `import` or `include` keyword that starts a line, so later rules are still
// read. Runs in time linear in the input.
//
//   YaraParser parser;
//   ParsedFile out = parser.Parse({"apt_x.yar", bytes, "signature-base"});
//
// Thread-safe: the parser is stateless.
#ifndef COV_INGEST_YARA_YARA_PARSER_H_
#define COV_INGEST_YARA_YARA_PARSER_H_

#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "cov/v1/rules.pb.h"
#include "ingest/base/rule_parser.h"

namespace cov::ingest::yara {

// `import "pe"` or `include "other.yar"` at the top level of a file.
struct YaraDirective {
  std::string argument;  // decoded string: module name or include path
  int line = 0;
};

// Properties of a returned rule that cov.v1.Rule has no field for.
struct YaraRuleInfo {
  bool is_private = false;
  bool is_global = false;
  // Identifiers the condition names (rule names among them), sorted, unique.
  std::vector<std::string> condition_identifiers;
};

// Everything read from one file. Includes are recorded, never followed.
struct YaraFile {
  ParsedFile parsed;
  std::vector<YaraDirective> imports;
  std::vector<YaraDirective> includes;
  // Parallel to parsed.rules.
  std::vector<YaraRuleInfo> rule_info;
};

struct YaraParserOptions {
  // Compile each file with libyara (yara_compiler.h, externals filename,
  // filepath, extension, filetype and owner as ""); when libyara rejects it,
  // every rule of the file is returned disabled with disabled_reason "file
  // does not compile: <libyara's message> at line N" and one
  // yara-does-not-compile error is added. Files with `include` are not
  // compiled (they cannot be judged alone). Default: true.
  bool compile_check = true;
};

// True for the reserved words of YARA 4.2 (lexer.l): none may name a rule,
// tag or meta.
bool IsYaraKeyword(absl::string_view word);

class YaraParser : public RuleParser {
 public:
  YaraParser() = default;
  explicit YaraParser(const YaraParserOptions& options) : options_(options) {}

  // Parses one file; never fails as a whole (problems are diagnostics).
  ParsedFile Parse(const SourceFile& file) const override;

  // Parse() plus imports, includes and rule modifiers.
  YaraFile ParseDetailed(const SourceFile& file) const;

  cov::v1::RuleFormat format() const override {
    return cov::v1::RULE_FORMAT_YARA;
  }

  // True for *.yar, *.yara, *.rule and *.rules, any case. (signature-base
  // uses .yar and .yara; attack-tagged .yar and one file without an
  // extension, which is declined.)
  bool Accepts(absl::string_view path) const override;

 private:
  YaraParserOptions options_;
};

}  // namespace cov::ingest::yara

#endif  // COV_INGEST_YARA_YARA_PARSER_H_
