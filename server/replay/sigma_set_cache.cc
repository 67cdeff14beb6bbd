#include "server/replay/sigma_set_cache.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "server/engine/coverage.h"

namespace cov::server::replay {
namespace {

std::string KeyOf(const RuleSelection& s) {
  std::vector<std::string> sources = s.sources;
  std::sort(sources.begin(), sources.end());
  return absl::StrCat(absl::StrJoin(sources, ","), "|", s.min_status, "|",
                      s.min_level, "|", s.include_disabled);
}

bool Selected(const RuleSelection& s, const cov::v1::Rule& r) {
  if (r.format() != cov::v1::RULE_FORMAT_SIGMA) return false;
  if (!r.enabled() && !s.include_disabled) return false;
  if (s.min_status > 0 && engine::StatusRank(r.status()) < s.min_status) {
    return false;
  }
  if (s.min_level > 0 && engine::LevelRank(r.level()) < s.min_level) {
    return false;
  }
  return true;
}

}  // namespace

absl::StatusOr<SigmaSetCache::Entry*> SigmaSetCache::Load(
    const RuleSelection& selection) {
  // Generation first: a concurrent ingest at worst causes one more compile.
  const int64_t generation = store_->RulesGeneration();
  Entry& e = entries_[KeyOf(selection)];
  e.last_use = ++clock_;
  if (e.set != nullptr && e.generation == generation) return &e;

  std::vector<cov::v1::Rule> rules, correlations;
  auto keep = [&](const cov::v1::Rule& r) {
    if (!Selected(selection, r)) return true;
    if (r.is_correlation()) {
      correlations.push_back(r);
    } else {
      rules.push_back(r);
    }
    return true;
  };
  if (selection.sources.empty()) {
    absl::Status st = store_->ForEachRule("", keep);
    if (!st.ok()) return st;
  } else {
    for (const std::string& source : selection.sources) {
      absl::StatusOr<cov::v1::Source> s = store_->GetSource(source);
      if (!s.ok()) {
        return absl::NotFoundError(
            absl::StrCat("rule source '", source, "' is not stored"));
      }
      absl::Status st = store_->ForEachRule(source, keep);
      if (!st.ok()) return st;
    }
  }
  e.generation = generation;
  e.set = engine::sigma_eval::RuleSet::Compile(rules);
  e.correlations = std::move(correlations);

  while (entries_.size() > max_entries_) {  // drop the least recently used
    auto oldest = entries_.begin();
    for (auto it = entries_.begin(); it != entries_.end(); ++it) {
      if (it->second.last_use < oldest->second.last_use) oldest = it;
    }
    if (&oldest->second == &e) break;
    entries_.erase(oldest);
  }
  return &entries_[KeyOf(selection)];
}

absl::StatusOr<std::shared_ptr<const engine::sigma_eval::RuleSet>>
SigmaSetCache::Get(const RuleSelection& selection) {
  absl::MutexLock lock(&mu_);
  absl::StatusOr<Entry*> e = Load(selection);
  if (!e.ok()) return e.status();
  return (*e)->set;
}

absl::StatusOr<std::vector<cov::v1::Rule>> SigmaSetCache::Correlations(
    const RuleSelection& selection) {
  absl::MutexLock lock(&mu_);
  absl::StatusOr<Entry*> e = Load(selection);
  if (!e.ok()) return e.status();
  return (*e)->correlations;
}

}  // namespace cov::server::replay
