// The Sigma evaluation engine: a set of stored Sigma detection rules
// (cov.v1.Rule with sigma_detection, see proto/cov/v1/rules.proto) compiled
// once into matchers, then evaluated against recorded events
// (ingest/events/event.h) one at a time.
//
// Contract:
// - Compile never fails as a whole. Each rule is either compiled or listed
//   in not_evaluable() with the reason: its logsource is not in the
//   logsource table (logsource_map.h), it uses `expand` placeholders, a
//   legacy `| aggregation`, an unknown modifier, a regex RE2 rejects, a
//   value over the size limits, or it has no parsed detection. Correlation
//   rules and non-Sigma rules are skipped silently here (see correlator.h).
// - Match(event) returns the indices of every compiled rule whose logsource
//   holds the event (by Channel and EventID, prefiltered through an index)
//   and whose condition is true, in ascending order. Field names resolve
//   ASCII case-insensitively, with the logsource row's renames (Security
//   4688 NewProcessName is read as Image, ...) where the event lacks the
//   field. Matching semantics: see internal/field_matcher.h.
// - Time and memory: regexes are RE2 (linear time, 8 MiB program limit);
//   values, regexes and modifier expansions are capped (RuleSetOptions).
//   A literal prefilter (RuleSetOptions::literal_prefilter) skips the rules
//   that cannot match: each rule's condition is reduced, where it can be, to
//   literals one of which must occur in a given field (keyword searches: in
//   any field), ASCII case-insensitively; each event field is scanned once
//   by one Aho-Corasick automaton over all rules' literals for that field.
//   Rules with no such reduction (only `not`, null, exists, regexes,
//   numeric comparisons) are always evaluated.
// - Thread-safety: a compiled RuleSet is immutable; Match may run on many
//   threads at once, each with its own MatchScratch.
//
//   std::unique_ptr<RuleSet> set = RuleSet::Compile(rules);
//   for (const NotEvaluable& n : set->not_evaluable()) ...  // report
//   MatchScratch scratch;
//   std::vector<int> hits;
//   set->Match(event, &scratch, &hits);
//   for (int i : hits) Report(set->rule(i).uid(), event.where());
#ifndef COV_SERVER_ENGINE_SIGMA_EVAL_RULE_SET_H_
#define COV_SERVER_ENGINE_SIGMA_EVAL_RULE_SET_H_

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "cov/v1/rules.pb.h"
#include "ingest/events/event.h"

namespace cov::server::engine::sigma_eval {

namespace internal {
struct CompiledSet;
struct Scratch;
}  // namespace internal

struct RuleSetOptions {
  // Longest value (before modifiers) accepted. Default: 4 KiB.
  size_t max_value_bytes = 4096;
  // Most variants one value may expand into (windash, base64offset).
  // Default: 1,024.
  size_t max_variants = 1024;
  // Longest regular expression accepted. Default: 4 KiB.
  size_t max_regex_bytes = 4096;
  // Literal prefilter: a rule whose condition requires one of a set of
  // literals in given fields (most rules) is evaluated only when one of
  // them occurs in the event (one multi-literal automaton per field, run
  // once per event field). Never changes the result; off only to compare.
  bool literal_prefilter = true;
};

// A rule that cannot be evaluated, and why.
struct NotEvaluable {
  std::string uid;
  std::string title;
  std::string file;
  std::string reason;
};

// Per-thread working memory for Match (reused between events).
class MatchScratch {
 public:
  MatchScratch();
  ~MatchScratch();
  MatchScratch(const MatchScratch&) = delete;
  MatchScratch& operator=(const MatchScratch&) = delete;

 private:
  friend class RuleSet;
  std::unique_ptr<internal::Scratch> s_;
};

class RuleSet {
 public:
  // Compiles the Sigma detection rules among `rules`.
  static std::unique_ptr<RuleSet> Compile(absl::Span<const cov::v1::Rule> rules,
                                          const RuleSetOptions& options = {});
  ~RuleSet();

  // Number of compiled (evaluable) rules; indices are 0..size()-1.
  int size() const;
  // The compiled rule `index` as stored.
  const cov::v1::Rule& rule(int index) const;
  // Index of the compiled rule whose uid or Sigma `name` is `id_or_name`,
  // or -1.
  int Find(absl::string_view id_or_name) const;
  // Rules left out, in input order.
  const std::vector<NotEvaluable>& not_evaluable() const;

  // Appends to *matched the indices of the rules matching `event`, in
  // ascending order.
  void Match(const ingest::events::Event& event, MatchScratch* scratch,
             std::vector<int>* matched) const;

 private:
  RuleSet();
  std::unique_ptr<internal::CompiledSet> set_;
};

}  // namespace cov::server::engine::sigma_eval

#endif  // COV_SERVER_ENGINE_SIGMA_EVAL_RULE_SET_H_
