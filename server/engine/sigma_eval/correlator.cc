#include "server/engine/sigma_eval/correlator.h"

#include <deque>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace cov::server::engine::sigma_eval {
namespace {

enum class Type { kEventCount, kValueCount, kTemporal, kTemporalOrdered };

struct Entry {
  int64_t time_us;
  int rule_pos;       // position in the correlation's rule list
  std::string value;  // value_count: the field's value
};

struct Compiled {
  cov::v1::Rule rule;
  Type type = Type::kEventCount;
  int64_t span_us = 0;
  std::vector<int> base;  // referenced base rule indices, in order
  // Per referenced rule (parallel to base): field name per group-by entry,
  // and the value_count field.
  std::vector<std::vector<std::string>> group_fields;
  std::vector<std::string> value_field;
  std::vector<cov::v1::SigmaCorrelationBound> bounds;
  absl::flat_hash_map<std::string, std::deque<Entry>> windows;
};

bool Holds(const std::vector<cov::v1::SigmaCorrelationBound>& bounds,
           int64_t v) {
  for (const cov::v1::SigmaCorrelationBound& b : bounds) {
    const int64_t n = b.value();
    const bool ok = b.op() == "gt"    ? v > n
                    : b.op() == "gte" ? v >= n
                    : b.op() == "lt"  ? v < n
                    : b.op() == "lte" ? v <= n
                    : b.op() == "eq"  ? v == n
                                      : v != n;
    if (!ok) return false;
  }
  return true;
}

// The field a referenced rule uses for `name` (an alias or a field).
std::string FieldFor(const cov::v1::SigmaCorrelation& c, absl::string_view name,
                     const cov::v1::Rule& base_rule, absl::string_view ref) {
  for (const cov::v1::SigmaCorrelationAlias& a : c.aliases()) {
    if (a.alias() != name) continue;
    for (absl::string_view key : {ref, absl::string_view(base_rule.uid()),
                                  absl::string_view(base_rule.sigma_name())}) {
      auto it = a.field_by_rule().find(std::string(key));
      if (!key.empty() && it != a.field_by_rule().end()) return it->second;
    }
  }
  return std::string(name);
}

}  // namespace

struct Correlator::Impl {
  std::vector<Compiled> compiled;
  std::vector<NotEvaluable> not_evaluable;
  // base rule index -> (correlation index, position in its rule list)
  absl::flat_hash_map<int, std::vector<std::pair<int, int>>> by_base;
};

Correlator::Correlator() : impl_(std::make_unique<Impl>()) {}
Correlator::~Correlator() = default;

std::unique_ptr<Correlator> Correlator::Compile(
    absl::Span<const cov::v1::Rule> rules, const RuleSet& base) {
  std::unique_ptr<Correlator> out(new Correlator());
  Impl& impl = *out->impl_;
  for (const cov::v1::Rule& r : rules) {
    if (r.format() != cov::v1::RULE_FORMAT_SIGMA || !r.is_correlation()) {
      continue;
    }
    auto skip = [&](absl::string_view reason) {
      impl.not_evaluable.push_back(
          {r.uid(), r.title(), r.file(), std::string(reason)});
    };
    const cov::v1::SigmaCorrelation& c = r.sigma_correlation();
    Compiled cc;
    if (c.type() == "event_count") {
      cc.type = Type::kEventCount;
    } else if (c.type() == "value_count") {
      cc.type = Type::kValueCount;
    } else if (c.type() == "temporal") {
      cc.type = Type::kTemporal;
    } else if (c.type() == "temporal_ordered") {
      cc.type = Type::kTemporalOrdered;
    } else {
      skip(absl::StrCat("correlation type '", c.type(),
                        "' is not evaluated (event_count, value_count, "
                        "temporal, temporal_ordered are)"));
      continue;
    }
    if (c.timespan_seconds() <= 0) {
      skip("correlation has no valid timespan");
      continue;
    }
    cc.span_us = c.timespan_seconds() * 1000000;
    const bool counts =
        cc.type == Type::kEventCount || cc.type == Type::kValueCount;
    if (counts && c.bounds().empty()) {
      skip(absl::StrCat(c.type(), " correlation has no condition"));
      continue;
    }
    if (cc.type == Type::kValueCount && c.field().empty()) {
      skip("value_count correlation has no condition.field");
      continue;
    }
    std::string missing;
    for (const std::string& ref : c.rules()) {
      const int index = base.Find(ref);
      if (index < 0) {
        missing = ref;
        break;
      }
      cc.base.push_back(index);
      const cov::v1::Rule& br = base.rule(index);
      std::vector<std::string> fields;
      for (const std::string& g : c.group_by()) {
        fields.push_back(FieldFor(c, g, br, ref));
      }
      cc.group_fields.push_back(std::move(fields));
      cc.value_field.push_back(FieldFor(c, c.field(), br, ref));
    }
    if (!missing.empty() || cc.base.empty()) {
      skip(cc.base.empty() && missing.empty()
               ? std::string("correlation references no rule")
               : absl::StrCat("referenced rule '", missing,
                              "' is not an evaluable detection rule of "
                              "these sources"));
      continue;
    }
    cc.bounds.assign(c.bounds().begin(), c.bounds().end());
    cc.rule = r;
    const int ci = static_cast<int>(impl.compiled.size());
    for (size_t pos = 0; pos < cc.base.size(); ++pos) {
      impl.by_base[cc.base[pos]].push_back({ci, static_cast<int>(pos)});
    }
    impl.compiled.push_back(std::move(cc));
  }
  return out;
}

int Correlator::size() const {
  return static_cast<int>(impl_->compiled.size());
}
const cov::v1::Rule& Correlator::rule(int index) const {
  return impl_->compiled[index].rule;
}
const std::vector<NotEvaluable>& Correlator::not_evaluable() const {
  return impl_->not_evaluable;
}

void Correlator::Add(int base_rule, const ingest::events::Event& event,
                     std::vector<CorrelationMatch>* fired) {
  auto it = impl_->by_base.find(base_rule);
  if (it == impl_->by_base.end()) return;
  for (const auto& [ci, pos] : it->second) {
    Compiled& c = impl_->compiled[ci];
    std::vector<absl::string_view> parts;
    for (const std::string& f : c.group_fields[pos]) {
      const ingest::events::EventField* v = event.Find(f);
      parts.push_back(v == nullptr ? absl::string_view() : v->value);
    }
    std::string group = absl::StrJoin(parts, ", ");
    Entry e{event.time_us, pos, ""};
    if (c.type == Type::kValueCount) {
      const ingest::events::EventField* v = event.Find(c.value_field[pos]);
      if (v == nullptr || v->is_null) continue;
      e.value = v->value;
    }
    std::deque<Entry>& w = c.windows[group];
    while (!w.empty() && w.front().time_us < event.time_us - c.span_us) {
      w.pop_front();
    }
    w.push_back(std::move(e));
    int64_t value = static_cast<int64_t>(w.size());
    bool holds = false;
    switch (c.type) {
      case Type::kEventCount:
        holds = Holds(c.bounds, value);
        break;
      case Type::kValueCount: {
        absl::flat_hash_set<absl::string_view> distinct;
        for (const Entry& x : w) distinct.insert(x.value);
        value = static_cast<int64_t>(distinct.size());
        holds = Holds(c.bounds, value);
        break;
      }
      case Type::kTemporal: {
        std::vector<bool> seen(c.base.size(), false);
        for (const Entry& x : w) seen[x.rule_pos] = true;
        holds = true;
        for (bool s : seen) holds = holds && s;
        break;
      }
      case Type::kTemporalOrdered: {
        size_t next = 0;
        for (const Entry& x : w) {
          if (next < c.base.size() && x.rule_pos == static_cast<int>(next)) {
            ++next;
          }
        }
        holds = next == c.base.size();
        break;
      }
    }
    if (holds) {
      fired->push_back({ci, event.time_us,
                        absl::StrCat(event.file, ":", event.record),
                        std::move(group), value});
      w.clear();
    }
  }
}

}  // namespace cov::server::engine::sigma_eval
