#include "server/engine/knowledge_base.h"

#include <algorithm>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace cov::server::engine {

KnowledgeBase::KnowledgeBase(std::string release_key, cov::v1::Release release,
                             std::vector<cov::v1::Tactic> tactics,
                             std::vector<cov::v1::Technique> techniques,
                             std::vector<cov::v1::Actor> actors,
                             std::vector<cov::v1::DataComponent> components,
                             std::vector<cov::v1::MitigationRef> mitigations)
    : release_key_(std::move(release_key)),
      release_(std::move(release)),
      tactics_(std::move(tactics)),
      techniques_(std::move(techniques)),
      actors_(std::move(actors)),
      components_(std::move(components)),
      mitigations_(std::move(mitigations)) {
  std::sort(tactics_.begin(), tactics_.end(),
            [](const auto& a, const auto& b) { return a.order() < b.order(); });
  std::sort(techniques_.begin(), techniques_.end(),
            [](const auto& a, const auto& b) { return a.id() < b.id(); });
  for (size_t i = 0; i < techniques_.size(); ++i) {
    technique_index_[absl::AsciiStrToUpper(techniques_[i].id())] = i;
  }
  user_counts_.resize(techniques_.size());
  used_by_.resize(techniques_.size());
  for (size_t i = 0; i < techniques_.size(); ++i) {
    absl::flat_hash_set<std::string> ids;
    for (const auto& p : techniques_[i].procedures()) {
      ids.insert(p.id());
      if (p.kind() == "group") {
        used_by_[i].push_back(absl::StrCat(p.id(), " ", p.name()));
      }
    }
    user_counts_[i] = static_cast<int>(ids.size());
  }
  tactic_masks_.resize(techniques_.size());
  lower_components_.resize(techniques_.size());
  lower_platforms_.resize(techniques_.size());
  for (size_t i = 0; i < techniques_.size(); ++i) {
    for (const auto& tac : techniques_[i].tactics()) {
      for (size_t k = 0; k < tactics_.size() && k < 32; ++k) {
        if (tactics_[k].shortname() == tac) tactic_masks_[i] |= 1u << k;
      }
    }
    for (const auto& c : techniques_[i].data_components()) {
      lower_components_[i].push_back(absl::AsciiStrToLower(c));
    }
    for (const auto& p : techniques_[i].platforms()) {
      lower_platforms_[i].push_back(absl::AsciiStrToLower(p));
    }
  }
  for (size_t i = 0; i < tactics_.size(); ++i) {
    tactic_index_[absl::AsciiStrToLower(tactics_[i].shortname())] = i;
    tactic_index_[absl::AsciiStrToLower(tactics_[i].id())] = i;
    tactic_index_[absl::AsciiStrToLower(tactics_[i].name())] = i;
  }
  // IDs first, then names, then aliases; active entries override inactive
  // ones so "APT28" finds the live group, not a revoked duplicate.
  auto active = [this](size_t i) {
    return !actors_[i].revoked() && !actors_[i].deprecated();
  };
  auto add = [&](std::string key, size_t i) {
    if (key.empty()) return;
    auto [it, inserted] = actor_index_.emplace(key, i);
    if (!inserted && !active(it->second) && active(i)) it->second = i;
  };
  for (size_t i = 0; i < actors_.size(); ++i) {
    add(absl::AsciiStrToLower(actors_[i].id()), i);
  }
  for (size_t i = 0; i < actors_.size(); ++i) {
    add(absl::AsciiStrToLower(actors_[i].name()), i);
  }
  for (size_t i = 0; i < actors_.size(); ++i) {
    for (const auto& alias : actors_[i].aliases()) {
      add(absl::AsciiStrToLower(alias), i);
    }
  }
}

const cov::v1::Technique* KnowledgeBase::FindTechnique(
    absl::string_view id) const {
  auto it = technique_index_.find(absl::AsciiStrToUpper(id));
  return it == technique_index_.end() ? nullptr : &techniques_[it->second];
}

const cov::v1::Actor* KnowledgeBase::FindActor(absl::string_view query) const {
  auto it = actor_index_.find(
      absl::AsciiStrToLower(absl::StripAsciiWhitespace(query)));
  return it == actor_index_.end() ? nullptr : &actors_[it->second];
}

uint32_t KnowledgeBase::TacticBit(absl::string_view shortname) const {
  for (size_t k = 0; k < tactics_.size() && k < 32; ++k) {
    if (tactics_[k].shortname() == shortname) return 1u << k;
  }
  return 0;
}

const cov::v1::Tactic* KnowledgeBase::FindTactic(
    absl::string_view query) const {
  std::string key = absl::AsciiStrToLower(query);
  std::replace(key.begin(), key.end(), '_', '-');
  auto it = tactic_index_.find(key);
  return it == tactic_index_.end() ? nullptr : &tactics_[it->second];
}

}  // namespace cov::server::engine
