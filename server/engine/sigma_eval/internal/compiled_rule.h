// Internal: one Sigma detection rule compiled into searches (OR of AND
// groups of FieldMatchers) and a condition tree over them.
#ifndef COV_SERVER_ENGINE_SIGMA_EVAL_INTERNAL_COMPILED_RULE_H_
#define COV_SERVER_ENGINE_SIGMA_EVAL_INTERNAL_COMPILED_RULE_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "cov/v1/rules.pb.h"
#include "server/engine/sigma_eval/internal/field_matcher.h"

namespace cov::server::engine::sigma_eval::internal {

struct CondNode {
  enum class Op : uint8_t { kSearch, kAnd, kOr, kNot };
  Op op = Op::kSearch;
  int search = -1;  // kSearch
  std::vector<CondNode> kids;
};

struct CompiledSearch {
  // OR over groups, AND inside a group.
  std::vector<std::vector<FieldMatcher>> groups;
};

class CompiledRule {
 public:
  // kUnimplemented (expand, legacy aggregation) or kInvalidArgument (bad
  // modifier, regex, condition) with a message naming the search.
  static absl::StatusOr<CompiledRule> Compile(
      const cov::v1::SigmaDetection& detection, FieldTable* table,
      const CompileLimits& limits);

  int search_count() const { return static_cast<int>(searches_.size()); }
  // `memo` must hold search_count() entries set to -1; results are cached
  // there (0/1) so each search is evaluated at most once.
  bool Evaluate(EventView& view, int8_t* memo) const;

  // (field id, literal) pairs: Evaluate can be true only if, for one pair,
  // the field's ASCII-lowercased value contains the literal (field -1: any
  // field's value). Returns false
  // (and clears *out) when the condition reduces to no such set (`not`,
  // null, exists, regexes, comparisons, ...).
  using Literals = std::vector<std::pair<int, std::string>>;
  bool RequiredLiterals(Literals* out) const;

 private:
  bool Eval(const CondNode& n, EventView& view, int8_t* memo) const;
  bool Required(const CondNode& n, Literals* out) const;
  bool RequiredOfSearch(int search, Literals* out) const;

  std::vector<CompiledSearch> searches_;
  CondNode root_;
};

}  // namespace cov::server::engine::sigma_eval::internal

#endif  // COV_SERVER_ENGINE_SIGMA_EVAL_INTERNAL_COMPILED_RULE_H_
