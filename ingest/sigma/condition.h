// Parser for the Sigma `detection.condition` expression language.
//
// Grammar (Sigma specification 2.0, "Condition"), precedence from least to
// most binding: `or` < `and` < `not` < `x of pattern` < `( ... )`:
//
//   condition   := expr [ '|' aggregation ]
//   expr        := and_expr { 'or' and_expr }
//   and_expr    := not_expr { 'and' not_expr }
//   not_expr    := 'not' not_expr | primary
//   primary     := '(' expr ')' | quantifier 'of' pattern | identifier
//   quantifier  := '1' | 'all' | 'any'        ('any' is a pySigma synonym
//                                              of '1', flagged as such)
//   pattern     := 'them' | word with '*' wildcards
//   identifier  := word of [A-Za-z0-9_-]
//   aggregation := ('count'|'min'|'max'|'avg'|'sum') '(' [field] ')'
//                  [ 'by' field ] op number          (op: == != < <= > >=)
//                | 'near' expr
//
// The aggregation pipe is legacy Sigma (replaced by correlation rules); it is
// parsed so old rules stay readable and flagged by the caller. Keywords are
// matched case-insensitively, as the legacy sigmac did; pySigma only accepts
// lowercase, so upper-case keywords are flagged too.
//
//   absl::StatusOr<ConditionAst> ast =
//       ParseCondition("1 of selection_* and not filter");
//   if (!ast.ok()) ...;  // kInvalidArgument, message "column N: ..."
//   for (const ConditionRef& r : ConditionReferences(*ast)) ...
//
// All functions are pure and thread-safe.
#ifndef COV_INGEST_SIGMA_CONDITION_H_
#define COV_INGEST_SIGMA_CONDITION_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace cov::ingest::sigma {

enum class ConditionOp {
  kIdentifier,  // `selection`
  kOf,          // `1 of selection_*`, `all of them`
  kAnd,
  kOr,
  kNot,
};

enum class Quantifier { kNone, kOne, kAny, kAll };

struct ConditionNode {
  ConditionOp op = ConditionOp::kIdentifier;
  // kIdentifier: the identifier; kOf: the pattern ("them" for all).
  std::string name;
  Quantifier quantifier = Quantifier::kNone;  // kOf only
  // 0-based byte offset of the node's first token in the condition text.
  int offset = 0;
  // kAnd / kOr: two or more operands (flattened); kNot: one.
  std::vector<ConditionNode> children;
};

// A legacy `| count() by x > 5` or `| near a and b` suffix.
struct Aggregation {
  std::string function;  // lowercase: count, min, max, avg, sum, near
  std::string field;     // argument of the function (may be empty)
  std::string group_by;  // field after `by` (may be empty)
  std::string op;        // comparison operator (empty for near)
  std::string value;     // threshold as written (empty for near)
  std::vector<ConditionNode> near;  // `near` expression (one node)
  int offset = 0;                   // offset of the '|'
};

struct ConditionAst {
  ConditionNode root;
  std::optional<Aggregation> aggregation;
  // A keyword (and, or, not, of, them, all, any) was not all lowercase.
  bool uppercase_keyword = false;
  // `any of` was used (accepted by pySigma, not in the specification).
  bool any_quantifier = false;
};

// One identifier or pattern the condition refers to.
struct ConditionRef {
  std::string name;         // identifier, pattern, or "them"
  bool is_pattern = false;  // from `x of ...`
  int offset = 0;
};

// Parses a condition. On error returns kInvalidArgument with a message of
// the form "column N: what was expected"; `error_offset` (if not null)
// receives the 0-based offset of the problem.
absl::StatusOr<ConditionAst> ParseCondition(absl::string_view text,
                                            int* error_offset = nullptr);

// Every identifier and pattern referenced, in textual order (including those
// of a `near` aggregation).
std::vector<ConditionRef> ConditionReferences(const ConditionAst& ast);

// True when `identifier` matches `pattern`, where `*` matches any run of
// characters (the whole identifier must match).
bool MatchIdentifierPattern(absl::string_view pattern,
                            absl::string_view identifier);

// The search identifiers a reference selects from `defined`: for a plain
// identifier, itself if defined; for `them`, all not starting with `_`; for a
// pattern, those it matches (skipping `_`-prefixed ones unless the pattern
// itself starts with `_`), as in pySigma.
std::vector<std::string> ResolveReference(
    const ConditionRef& ref, const std::vector<std::string>& defined);

// S-expression form for tests and debugging, e.g.
// "(or (and sel (not filter)) (1 of sel_*))".
std::string ConditionToString(const ConditionNode& node);

}  // namespace cov::ingest::sigma

#endif  // COV_INGEST_SIGMA_CONDITION_H_
