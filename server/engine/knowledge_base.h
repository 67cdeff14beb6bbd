// An in-memory, immutable view of one ATT&CK release, for queries that need
// the whole release (search, lookups by name or alias, coverage).
//
// Built once from the store and shared (std::shared_ptr<const>) between
// concurrent requests; a new ingest produces a new object rather than
// mutating this one, so readers never see a half-updated model.
#ifndef COV_SERVER_ENGINE_KNOWLEDGE_BASE_H_
#define COV_SERVER_ENGINE_KNOWLEDGE_BASE_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "cov/v1/attack.pb.h"

namespace cov::server::engine {

class KnowledgeBase {
 public:
  // Builds the model from records (any order). Indexes IDs (upper case),
  // names and aliases (lower case).
  KnowledgeBase(std::string release_key, cov::v1::Release release,
                std::vector<cov::v1::Tactic> tactics,
                std::vector<cov::v1::Technique> techniques,
                std::vector<cov::v1::Actor> actors,
                std::vector<cov::v1::DataComponent> components,
                std::vector<cov::v1::MitigationRef> mitigations);

  const std::string& release_key() const { return release_key_; }
  const cov::v1::Release& release() const { return release_; }
  // Tactics in kill-chain order.
  const std::vector<cov::v1::Tactic>& tactics() const { return tactics_; }
  // Sorted by ID.
  const std::vector<cov::v1::Technique>& techniques() const {
    return techniques_;
  }
  const std::vector<cov::v1::Actor>& actors() const { return actors_; }
  const std::vector<cov::v1::DataComponent>& components() const {
    return components_;
  }
  const std::vector<cov::v1::MitigationRef>& mitigations() const {
    return mitigations_;
  }

  // Per technique (parallel to techniques()): distinct groups, software and
  // campaigns using it, and its groups as "G0007 APT28". Release constants,
  // computed once here rather than on every coverage query.
  int UserCount(size_t technique) const { return user_counts_[technique]; }
  const std::vector<std::string>& UsedBy(size_t technique) const {
    return used_by_[technique];
  }
  // Per technique: bit i set when it sits under tactics()[i] (at most 32
  // tactics per domain); lower-case data component names and platforms.
  uint32_t TacticMask(size_t technique) const {
    return tactic_masks_[technique];
  }
  const std::vector<std::string>& LowerComponents(size_t technique) const {
    return lower_components_[technique];
  }
  const std::vector<std::string>& LowerPlatforms(size_t technique) const {
    return lower_platforms_[technique];
  }
  // Bit of a tactic shortname in TacticMask, or 0 when unknown.
  uint32_t TacticBit(absl::string_view shortname) const;

  // Index of `t` in techniques() (t must point into it).
  size_t IndexOf(const cov::v1::Technique* t) const {
    return static_cast<size_t>(t - techniques_.data());
  }

  // By ID, case-insensitive. nullptr when absent.
  const cov::v1::Technique* FindTechnique(absl::string_view id) const;
  // By ID, name or alias, case-insensitive; active actors win over revoked
  // ones sharing a name. nullptr when absent.
  const cov::v1::Actor* FindActor(absl::string_view query) const;
  // By shortname ("defense-evasion"), ID ("TA0005") or name.
  const cov::v1::Tactic* FindTactic(absl::string_view query) const;

 private:
  std::string release_key_;
  cov::v1::Release release_;
  std::vector<cov::v1::Tactic> tactics_;
  std::vector<cov::v1::Technique> techniques_;
  std::vector<cov::v1::Actor> actors_;
  std::vector<cov::v1::DataComponent> components_;
  std::vector<cov::v1::MitigationRef> mitigations_;
  std::vector<int> user_counts_;
  std::vector<uint32_t> tactic_masks_;
  std::vector<std::vector<std::string>> lower_components_;
  std::vector<std::vector<std::string>> lower_platforms_;
  std::vector<std::vector<std::string>> used_by_;
  absl::flat_hash_map<std::string, size_t> technique_index_;
  absl::flat_hash_map<std::string, size_t> actor_index_;
  absl::flat_hash_map<std::string, size_t> tactic_index_;
};

}  // namespace cov::server::engine

#endif  // COV_SERVER_ENGINE_KNOWLEDGE_BASE_H_
