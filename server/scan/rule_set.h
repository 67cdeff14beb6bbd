// Compiles the stored rules of one YARA source with libyara, rule by rule
// where it must: the rules that compile are kept, each one that does not is
// listed with libyara's reason, and one bad rule never disables the others.
//
// Rules are grouped by their file (cov.v1.Rule.file); each file is one
// libyara namespace, compiled as the file's imports (Rule.yara_imports)
// followed by its rules' bodies (Rule.body) in line order, so private rules
// and earlier rules of the same file are there for the rules that use them.
// When a file does not compile, the rule holding the error is dropped and
// the file is compiled again, until it compiles (a rule that used a dropped
// rule is dropped in turn, with libyara's "undefined identifier" reason).
//
//   ASSIGN_OR_RETURN(CompiledRuleSet set, CompileRuleSet(rules_of_source));
//   for (const RuleProblem& p : set.not_compiled) Log(p.ToString());
//
// Thread-safe: pure function; the result is immutable and scannable from
// many threads (see scanner.h).
#ifndef COV_SERVER_SCAN_RULE_SET_H_
#define COV_SERVER_SCAN_RULE_SET_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "cov/v1/rules.pb.h"
#include "ingest/yara/yara_compiler.h"

namespace cov::server::scan {

// A stored rule that is not used, and why.
struct RuleProblem {
  std::string uid;
  std::string title;
  std::string file;  // the rule's file in its source
  int line = 0;      // where libyara stopped, in that file (the rule's first
                     // line when libyara gives none)
  std::string reason;
  // "file:line: rule <title>: reason"
  std::string ToString() const;
};

struct RuleSetOptions {
  // At most this many compile attempts per file (one more per dropped rule);
  // past it the file's remaining rules are listed as not compiled.
  // Default: 200.
  int max_attempts_per_file = 200;
  // Compiler options (externals, message bounds). Default: CompilerOptions().
  ingest::yara::CompilerOptions compiler;
};

// One compiled public rule: the stored record and its techniques.
struct CompiledRule {
  cov::v1::Rule rule;
  // Technique IDs the rule covers (see TechniquesOf in rule_techniques.h).
  std::vector<std::string> techniques;
};

struct CompiledRuleSet {
  std::unique_ptr<ingest::yara::YaraRules> yara;
  // Public rules that compiled, by "<file>\n<rule name>" (libyara's
  // namespace and identifier).
  absl::flat_hash_map<std::string, CompiledRule> by_key;
  // Private rules that compiled (they never report a match themselves).
  int private_compiled = 0;
  // Rules not used, in (file, line) order.
  std::vector<RuleProblem> not_compiled;
  // Non-YARA rules given (ignored).
  int ignored_other_formats = 0;

  // The stored rule behind a libyara match, or nullptr.
  const CompiledRule* Find(absl::string_view ns, absl::string_view name) const;
};

// Compiles `rules` (the stored rules of one source; other formats are
// counted and ignored). OK with problems listed in not_compiled; fails only
// when libyara itself fails (kInternal) or no rule compiled and there were
// none to compile (kNotFound: "no YARA rules").
absl::StatusOr<CompiledRuleSet> CompileRuleSet(
    const std::vector<cov::v1::Rule>& rules,
    const RuleSetOptions& options = {});

}  // namespace cov::server::scan

#endif  // COV_SERVER_SCAN_RULE_SET_H_
