#include "server/kb/rule_index_cache.h"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_set.h"

namespace cov::server::kb {
namespace {

std::vector<const engine::KnowledgeBase*> Identity(
    const engine::OtherDomains& others) {
  std::vector<const engine::KnowledgeBase*> out;
  out.reserve(others.size());
  for (const auto& o : others) out.push_back(o.get());
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

bool RuleIndexCache::SameModel(const Entry& e, const engine::KnowledgeBase* kb,
                               const engine::OtherDomains& others) {
  if (e.kb.get() != kb || e.others.size() != others.size()) return false;
  return others.empty() || Identity(e.others) == Identity(others);
}

std::shared_ptr<const RuleIndexCache::Entry> RuleIndexCache::Lookup(
    const std::string& release_key) const {
  absl::MutexLock lock(&mu_);
  auto it = entries_.find(release_key);
  return it == entries_.end() ? nullptr : it->second;
}

absl::StatusOr<std::shared_ptr<const engine::RuleIndex>> RuleIndexCache::Get(
    const std::shared_ptr<const engine::KnowledgeBase>& kb,
    const engine::OtherDomains& others) {
  absl::StatusOr<Versioned> v = GetVersioned(kb, others);
  if (!v.ok()) return v.status();
  return std::move(v->index);
}

absl::StatusOr<RuleIndexCache::Versioned> RuleIndexCache::GetVersioned(
    const std::shared_ptr<const engine::KnowledgeBase>& kb,
    const engine::OtherDomains& others) {
  // Read the generation before the rules: a concurrent ingest then at worst
  // makes the next call rebuild again, never serves stale rules as fresh.
  const int64_t generation = store_->RulesGeneration();
  std::shared_ptr<const Entry> e = Lookup(kb->release_key());
  if (e != nullptr && SameModel(*e, kb.get(), others)) {
    if (e->generation >= generation) return Versioned{e->index, e->generation};
    if (!build_mu_.TryLock()) {
      // A writer is refreshing (or another reader building): what we have
      // holds every acknowledged write (see the header).
      absl::MutexLock lock(&mu_);
      ++stats_.stale_served;
      return Versioned{e->index, e->generation};
    }
  } else {
    build_mu_.Lock();
  }
  absl::StatusOr<Versioned> out = Build(kb, others);
  build_mu_.Unlock();
  return out;
}

absl::StatusOr<RuleIndexCache::Versioned> RuleIndexCache::Refresh(
    const std::shared_ptr<const engine::KnowledgeBase>& kb,
    const engine::OtherDomains& others) {
  absl::MutexLock build(&build_mu_);
  return Build(kb, others);
}

absl::StatusOr<RuleIndexCache::Versioned> RuleIndexCache::Build(
    const std::shared_ptr<const engine::KnowledgeBase>& kb,
    const engine::OtherDomains& others) {
  // Order matters: the generation, then the per-source generations, then
  // the rules. Each read is at least as new as the one before, so the
  // parts hold at least what the generations recorded for them say.
  const int64_t generation = store_->RulesGeneration();
  std::shared_ptr<const Entry> prev = Lookup(kb->release_key());
  const bool same_model = prev != nullptr && SameModel(*prev, kb.get(), others);
  if (same_model && prev->generation >= generation) {
    return Versioned{prev->index, prev->generation};  // built meanwhile
  }
  absl::StatusOr<std::map<std::string, int64_t>> generations =
      store_->SourceGenerations();
  if (!generations.ok()) return generations.status();
  // Sources stored before per-source generations existed have none: 0
  // until their next write.
  absl::StatusOr<std::vector<cov::v1::Source>> sources = store_->ListSources();
  if (!sources.ok()) return sources.status();
  for (const cov::v1::Source& s : *sources) generations->emplace(s.name(), 0);
  if (build_hook_) build_hook_();

  auto next = std::make_shared<Entry>();
  next->kb = kb;
  next->others = others;
  next->generation = generation;
  int64_t built = 0;
  int64_t reused = 0;
  std::vector<std::shared_ptr<const engine::RuleIndexPart>> parts;
  for (const auto& [source, source_generation] : *generations) {
    std::shared_ptr<const engine::RuleIndexPart> part;
    if (same_model) {
      auto g = prev->source_generations.find(source);
      auto p = prev->parts.find(source);
      if (g != prev->source_generations.end() &&
          g->second == source_generation && p != prev->parts.end()) {
        part = p->second;
        ++reused;
      }
    }
    if (part == nullptr) {
      std::vector<cov::v1::Rule> rules;
      // A Sentinel rule ID stored twice (Detections/ and Solutions/) is one
      // rule: the first copy in path order counts (rule_ingest.cc).
      absl::flat_hash_set<std::string> sentinel_ids;
      absl::Status st =
          store_->ForEachRule(source, [&](const cov::v1::Rule& r) {
            if (r.format() == cov::v1::RULE_FORMAT_SENTINEL &&
                !sentinel_ids.insert(r.uid()).second) {
              return true;
            }
            rules.push_back(r);
            return true;
          });
      if (!st.ok()) return st;
      part = std::make_shared<const engine::RuleIndexPart>(*kb, others, source,
                                                           std::move(rules));
      ++built;
    }
    next->source_generations.emplace(source, source_generation);
    next->parts.emplace(source, part);
    if (!part->rules().empty()) parts.push_back(part);
  }
  next->index = std::make_shared<const engine::RuleIndex>(parts);
  Versioned out{next->index, next->generation};
  absl::MutexLock lock(&mu_);
  entries_[kb->release_key()] = std::move(next);
  ++stats_.builds;
  stats_.parts_built += built;
  stats_.parts_reused += reused;
  return out;
}

std::vector<std::string> RuleIndexCache::CachedReleases() const {
  absl::MutexLock lock(&mu_);
  std::vector<std::string> out;
  for (const auto& [key, entry] : entries_) out.push_back(key);
  std::sort(out.begin(), out.end());
  return out;
}

RuleIndexCache::Stats RuleIndexCache::stats() const {
  absl::MutexLock lock(&mu_);
  return stats_;
}

void RuleIndexCache::Evict(absl::string_view key) {
  absl::MutexLock lock(&mu_);
  entries_.erase(std::string(key));  // the entry held the model
}

}  // namespace cov::server::kb
