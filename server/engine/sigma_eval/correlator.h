// Sigma correlation rules (Sigma 2.0 "Correlation rules": event_count,
// value_count, temporal, temporal_ordered) evaluated over a replayed,
// time-ordered stream of base-rule matches.
//
// Contract:
// - Compile resolves each correlation rule's `rules` (ids or Sigma names)
//   against a compiled RuleSet. A correlation is not evaluable (listed with
//   the reason) when its type is another one (value_sum, ...), it references
//   a rule the set does not hold (unknown, not evaluable, or another
//   correlation: chaining is not supported), it has no timespan, or a
//   count type has no condition.
// - Add(base_rule, event) is called for every match RuleSet::Match reports,
//   in non-decreasing event time (Event::time_us). For each correlation
//   referencing the rule, the event joins its group (the values of the
//   `group-by` fields, through `aliases` where given; a missing field is the
//   empty value) and events older than `timespan` before it leave the
//   window. Then:
//     event_count       number of events in the window satisfies the bounds
//     value_count       number of distinct values of `condition.field`
//                       (events without the field do not count)
//     temporal          every referenced rule matched in the window
//     temporal_ordered  they matched in the order listed
//   When it holds, a CorrelationMatch is appended and the group's window is
//   emptied, so one burst is reported once. Bounds are checked as each
//   event arrives (so `lt`/`lte` hold from the first event on).
// - Memory: bounded by the events inside one timespan per group.
// - Not thread-safe (it holds the windows); one Correlator per replay.
//
//   std::unique_ptr<Correlator> c = Correlator::Compile(rules, *set);
//   for each event e: set->Match(e, &scratch, &hits);
//                     for (int h : hits) c->Add(h, e, &fired);
#ifndef COV_SERVER_ENGINE_SIGMA_EVAL_CORRELATOR_H_
#define COV_SERVER_ENGINE_SIGMA_EVAL_CORRELATOR_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/types/span.h"
#include "cov/v1/rules.pb.h"
#include "ingest/events/event.h"
#include "server/engine/sigma_eval/rule_set.h"

namespace cov::server::engine::sigma_eval {

struct CorrelationMatch {
  int correlation = -1;  // index into Correlator::rule()
  int64_t time_us = 0;   // time of the event that completed it
  std::string where;     // Event::file ":" record of that event
  // group-by values joined with ", " (empty without group-by).
  std::string group;
  // event_count: events; value_count: distinct values; temporal types:
  // events in the window.
  int64_t value = 0;
};

class Correlator {
 public:
  static std::unique_ptr<Correlator> Compile(
      absl::Span<const cov::v1::Rule> rules, const RuleSet& base);
  ~Correlator();

  int size() const;
  const cov::v1::Rule& rule(int index) const;
  const std::vector<NotEvaluable>& not_evaluable() const;

  // `base_rule` is an index of the RuleSet given to Compile.
  void Add(int base_rule, const ingest::events::Event& event,
           std::vector<CorrelationMatch>* fired);

 private:
  struct Impl;
  Correlator();
  std::unique_ptr<Impl> impl_;
};

}  // namespace cov::server::engine::sigma_eval

#endif  // COV_SERVER_ENGINE_SIGMA_EVAL_CORRELATOR_H_
