#include "server/engine/sigma_eval/rule_set.h"

#include <algorithm>
#include <cstdint>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "server/engine/sigma_eval/internal/compiled_rule.h"
#include "server/engine/sigma_eval/internal/multi_literal.h"
#include "server/engine/sigma_eval/logsource_map.h"

namespace cov::server::engine::sigma_eval {
namespace internal {

// Rules of one channel: those reading every event, and those per EventID,
// plus the field aliases (rule id, event id) of each EventID's renames.
struct ChannelIndex {
  std::vector<int> any_id;
  absl::flat_hash_map<int64_t, std::vector<int>> by_id;
  absl::flat_hash_map<int64_t, std::vector<std::pair<int, int>>> aliases;
};

// Literals longer than this are cut to their last kMaxLiteral bytes (a
// substring of a required literal is required too): a smaller automaton.
// The end, not the start: a Windows path's start (`c:\windows\system32\`)
// is in nearly every event, its end (`\wpbbin.exe`) in few.
constexpr size_t kMaxLiteral = 12;

// The prefilter automaton of one field (-1: keyword searches, run over
// every field); literal id + base is the global
// pattern id (CompiledSet::pattern_rules).
struct FieldScan {
  int field = -1;
  int base = 0;
  MultiLiteral literals;
};

// Everything Match needs for the events of one (channel, EventID): the
// candidate rules (sorted, unique), the renames to apply, and a prefilter
// over the candidates' literals only, so an event scans only the fields its
// candidate rules read and fires only its own candidates. One per EventID
// named by a rule, one per channel for its other EventIDs, and one for
// events of no known channel.
struct Bucket {
  std::vector<int> candidates;
  std::vector<std::pair<int, int>> aliases;
  std::vector<FieldScan> scans;
  std::vector<std::vector<int>> pattern_rules;  // pattern id -> rules
};

struct ChannelBuckets {
  Bucket other_ids;
  absl::flat_hash_map<int64_t, Bucket> by_id;
};

struct CompiledSet {
  FieldTable fields;
  std::vector<cov::v1::Rule> rules;
  std::vector<CompiledRule> compiled;
  std::vector<NotEvaluable> not_evaluable;
  absl::flat_hash_map<std::string, ChannelIndex> channels;  // lowercase
  std::vector<int> any_event;  // product windows alone
  absl::flat_hash_map<std::string, int> by_name;
  int max_searches = 0;
  // Match's view of the above (BuildBuckets).
  absl::flat_hash_map<std::string, ChannelBuckets> buckets;  // lowercase
  Bucket no_channel;
  // Literal prefilter (scans empty when off).
  bool prefilter = false;
  std::vector<uint8_t> always;  // rule -> no prefilter
  int max_patterns = 0;         // largest pattern count of a bucket
};

struct Scratch {
  EventView view;
  std::vector<int8_t> memo;
  std::vector<int> candidates;
  std::string channel;
  std::string all_values;  // keyword prefilter: the event's values joined
  // Prefilter stamps: equal to `epoch` when seen in the current event.
  uint32_t epoch = 0;
  std::vector<uint32_t> pattern_seen;
  std::vector<uint32_t> rule_fired;
};

// The prefilter of one bucket over its candidates' literals (`lits[r]`:
// rule r's required literals; `always[r]`: r has none).
void BuildBucketPrefilter(const std::vector<CompiledRule::Literals>& lits,
                          const std::vector<uint8_t>& always, Bucket* b) {
  absl::flat_hash_map<int, int> scan_of;  // field id -> index in scans
  struct Entry {
    int scan, id, rule;
  };
  std::vector<Entry> entries;
  for (int r : b->candidates) {
    if (always[r]) continue;
    for (const auto& [field, lit] : lits[r]) {
      auto [it, inserted] =
          scan_of.try_emplace(field, static_cast<int>(b->scans.size()));
      if (inserted) {
        b->scans.emplace_back();
        b->scans.back().field = field;
      }
      const absl::string_view cut =
          lit.size() > kMaxLiteral
              ? absl::string_view(lit).substr(lit.size() - kMaxLiteral)
              : absl::string_view(lit);
      entries.push_back(
          {it->second, b->scans[it->second].literals.Add(cut), r});
    }
  }
  int base = 0;
  for (FieldScan& fs : b->scans) {
    fs.literals.Build(/*ascii_case_insensitive=*/true);
    fs.base = base;
    base += fs.literals.size();
  }
  b->pattern_rules.assign(base, {});
  for (const Entry& e : entries) {
    std::vector<int>& v = b->pattern_rules[b->scans[e.scan].base + e.id];
    if (v.empty() || v.back() != e.rule) v.push_back(e.rule);
  }
}

// Derives the buckets Match uses from the channel index.
void BuildBuckets(bool prefilter, CompiledSet* set) {
  set->prefilter = prefilter;
  std::vector<CompiledRule::Literals> lits(set->compiled.size());
  set->always.assign(set->compiled.size(), 1);
  if (prefilter) {
    for (size_t r = 0; r < set->compiled.size(); ++r) {
      if (set->compiled[r].RequiredLiterals(&lits[r])) set->always[r] = 0;
    }
  }
  auto finish = [&](Bucket* b) {
    std::sort(b->candidates.begin(), b->candidates.end());
    b->candidates.erase(std::unique(b->candidates.begin(), b->candidates.end()),
                        b->candidates.end());
    if (prefilter) BuildBucketPrefilter(lits, set->always, b);
    set->max_patterns =
        std::max(set->max_patterns, static_cast<int>(b->pattern_rules.size()));
  };
  set->no_channel.candidates = set->any_event;
  finish(&set->no_channel);
  for (const auto& [channel, ci] : set->channels) {
    ChannelBuckets& cb = set->buckets[channel];
    cb.other_ids.candidates = set->any_event;
    cb.other_ids.candidates.insert(cb.other_ids.candidates.end(),
                                   ci.any_id.begin(), ci.any_id.end());
    finish(&cb.other_ids);
    for (const auto& [id, rules] : ci.by_id) {
      Bucket& b = cb.by_id[id];
      b.candidates = cb.other_ids.candidates;
      b.candidates.insert(b.candidates.end(), rules.begin(), rules.end());
      if (auto a = ci.aliases.find(id); a != ci.aliases.end()) {
        b.aliases = a->second;
      }
      finish(&b);
    }
  }
}

}  // namespace internal

MatchScratch::MatchScratch() : s_(std::make_unique<internal::Scratch>()) {}
MatchScratch::~MatchScratch() = default;

RuleSet::RuleSet() : set_(std::make_unique<internal::CompiledSet>()) {}
RuleSet::~RuleSet() = default;

std::unique_ptr<RuleSet> RuleSet::Compile(absl::Span<const cov::v1::Rule> rules,
                                          const RuleSetOptions& options) {
  std::unique_ptr<RuleSet> out(new RuleSet());
  internal::CompiledSet& set = *out->set_;
  internal::CompileLimits limits;
  limits.max_value_bytes = options.max_value_bytes;
  limits.max_variants = options.max_variants;
  limits.max_regex_bytes = options.max_regex_bytes;
  for (const cov::v1::Rule& r : rules) {
    if (r.format() != cov::v1::RULE_FORMAT_SIGMA || r.is_correlation()) {
      continue;
    }
    auto skip = [&](absl::string_view reason) {
      set.not_evaluable.push_back(
          {r.uid(), r.title(), r.file(), std::string(reason)});
    };
    if (!r.has_sigma_detection()) {
      skip(
          "no parsed detection (re-ingest the source, or the rule's "
          "detection is malformed)");
      continue;
    }
    absl::StatusOr<LogsourceSelection> sel = ResolveLogsource(
        r.logsource_product(), r.logsource_category(), r.logsource_service());
    if (!sel.ok()) {
      skip(absl::StrCat("not evaluable on these logs: ",
                        sel.status().message()));
      continue;
    }
    absl::StatusOr<internal::CompiledRule> c = internal::CompiledRule::Compile(
        r.sigma_detection(), &set.fields, limits);
    if (!c.ok()) {
      skip(c.status().message());
      continue;
    }
    const int index = static_cast<int>(set.compiled.size());
    set.max_searches = std::max(set.max_searches, c->search_count());
    set.compiled.push_back(*std::move(c));
    set.rules.push_back(r);
    set.rules.back().clear_sigma_detection();
    set.by_name.try_emplace(r.uid(), index);
    if (!r.sigma_name().empty()) set.by_name.try_emplace(r.sigma_name(), index);
    if (sel->any_windows_event) {
      set.any_event.push_back(index);
      continue;
    }
    for (const LogsourceSelection::Part& p : sel->parts) {
      internal::ChannelIndex& ci =
          set.channels[absl::AsciiStrToLower(p.channel)];
      if (p.event_ids.empty()) {
        ci.any_id.push_back(index);
      }
      for (int id : p.event_ids) {
        std::vector<int>& v = ci.by_id[id];
        if (v.empty() || v.back() != index) v.push_back(index);
        std::vector<std::pair<int, int>>& al = ci.aliases[id];
        for (const FieldRename& rn : p.row->renames) {
          std::pair<int, int> a{set.fields.Intern(rn.rule_field),
                                set.fields.Intern(rn.event_field)};
          if (std::find(al.begin(), al.end(), a) == al.end()) al.push_back(a);
        }
      }
    }
  }
  internal::BuildBuckets(options.literal_prefilter, &set);
  return out;
}

int RuleSet::size() const { return static_cast<int>(set_->compiled.size()); }

const cov::v1::Rule& RuleSet::rule(int index) const {
  return set_->rules[index];
}

int RuleSet::Find(absl::string_view id_or_name) const {
  auto it = set_->by_name.find(id_or_name);
  return it == set_->by_name.end() ? -1 : it->second;
}

const std::vector<NotEvaluable>& RuleSet::not_evaluable() const {
  return set_->not_evaluable;
}

void RuleSet::Match(const ingest::events::Event& event, MatchScratch* scratch,
                    std::vector<int>* matched) const {
  const internal::CompiledSet& set = *set_;
  internal::Scratch& s = *scratch->s_;
  const internal::Bucket* b = &set.no_channel;
  absl::string_view channel;
  int64_t event_id = 0;
  if (EventChannelAndId(event, &channel, &event_id)) {
    s.channel.assign(channel.data(), channel.size());
    absl::AsciiStrToLower(&s.channel);
    auto it = set.buckets.find(s.channel);
    if (it != set.buckets.end()) {
      auto id = it->second.by_id.find(event_id);
      b = id != it->second.by_id.end() ? &id->second : &it->second.other_ids;
    }
  }
  if (b->candidates.empty()) return;
  s.view.Reset(event, set.fields);
  for (const auto& [rule_field, event_field] : b->aliases) {
    s.view.Alias(rule_field, event_field);
  }
  if (s.memo.size() < static_cast<size_t>(set.max_searches)) {
    s.memo.resize(set.max_searches);
  }
  const bool prefilter = set.prefilter;
  if (prefilter) {
    if (s.rule_fired.size() != set.compiled.size() ||
        s.pattern_seen.size() != static_cast<size_t>(set.max_patterns)) {
      s.rule_fired.assign(set.compiled.size(), 0);
      s.pattern_seen.assign(set.max_patterns, 0);
      s.epoch = 0;
    }
    if (++s.epoch == 0) {  // wrapped: forget old stamps
      std::fill(s.rule_fired.begin(), s.rule_fired.end(), 0);
      std::fill(s.pattern_seen.begin(), s.pattern_seen.end(), 0);
      s.epoch = 1;
    }
    const uint32_t epoch = s.epoch;
    uint32_t* seen = s.pattern_seen.data();
    uint32_t* fired = s.rule_fired.data();
    const auto& fields = event.fields;
    // Field scans go in pairs (two interleaved state chains); the keyword
    // scan, over every value of the event, goes in two lanes of its own.
    auto hit_of = [&](const internal::FieldScan& fs) {
      return [&, base = fs.base](int id) {
        const int g = base + id;
        if (seen[g] == epoch) return;
        seen[g] = epoch;
        for (int r : b->pattern_rules[g]) fired[r] = epoch;
      };
    };
    const internal::FieldScan* pending = nullptr;
    absl::string_view pending_text;
    for (const internal::FieldScan& fs : b->scans) {
      if (fs.field < 0) {  // keyword searches: every field, as one text
        // (an occurrence across two values is a harmless extra candidate)
        s.all_values.clear();
        for (const ingest::events::EventField& f : fields) {
          s.all_values.append(f.value);
        }
        fs.literals.ScanTwoLanes(s.all_values, hit_of(fs));
        continue;
      }
      const int pos = s.view.Position(fs.field);
      if (pos < 0 || fields[pos].is_null) continue;
      if (pending == nullptr) {
        pending = &fs;
        pending_text = s.view.Raw(pos);
        continue;
      }
      internal::MultiLiteral::ScanPair(pending->literals, pending_text,
                                       hit_of(*pending), fs.literals,
                                       s.view.Raw(pos), hit_of(fs));
      pending = nullptr;
    }
    if (pending != nullptr) {
      pending->literals.Scan(pending_text, hit_of(*pending));
    }
  }
  for (int index : b->candidates) {
    if (prefilter && !set.always[index] && s.rule_fired[index] != s.epoch) {
      continue;
    }
    const internal::CompiledRule& r = set.compiled[index];
    std::fill(s.memo.begin(), s.memo.begin() + r.search_count(), -1);
    if (r.Evaluate(s.view, s.memo.data())) matched->push_back(index);
  }
}

}  // namespace cov::server::engine::sigma_eval
