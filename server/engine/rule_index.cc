#include "server/engine/rule_index.h"

#include <algorithm>
#include <utility>

namespace cov::server::engine {

RuleFacts RuleIndex::FactsOf(const KnowledgeBase& kb,
                             const cov::v1::Rule& rule) {
  RuleFacts f;
  f.uid = rule.uid();
  f.source = rule.source();
  f.title = rule.title();
  f.status = rule.status();
  f.level = rule.level();
  f.format = rule.format();
  f.enabled = rule.enabled();
  f.is_correlation = rule.is_correlation();
  f.yara_private = rule.yara_private();
  f.content_hash = rule.content_hash();
  if (rule.format() == cov::v1::RULE_FORMAT_SURICATA) f.sid = rule.sid();
  for (const cov::v1::AttackRef& ref : rule.attack_refs()) {
    bool counts = ref.status() == cov::v1::REF_STATUS_VALID ||
                  (ref.status() == cov::v1::REF_STATUS_REVOKED &&
                   !ref.resolved_id().empty());
    if (!counts) continue;
    if (ref.kind() == "technique") {
      // A revoked ID may be replaced by a deprecated or revoked object;
      // only active techniques carry coverage.
      const cov::v1::Technique* t = kb.FindTechnique(ref.resolved_id());
      if (t == nullptr || t->revoked() || t->deprecated()) continue;
      f.techniques.push_back(t->id());
    } else if (ref.kind() == "tactic") {
      f.tactics.push_back(ref.resolved_id());
    }
  }
  std::sort(f.techniques.begin(), f.techniques.end());
  f.techniques.erase(std::unique(f.techniques.begin(), f.techniques.end()),
                     f.techniques.end());
  std::sort(f.tactics.begin(), f.tactics.end());
  f.tactics.erase(std::unique(f.tactics.begin(), f.tactics.end()),
                  f.tactics.end());
  return f;
}

RuleIndex::RuleIndex(const KnowledgeBase& kb, const OtherDomains& others,
                     std::vector<cov::v1::Rule> rules) {
  rules_.reserve(rules.size());
  for (cov::v1::Rule& rule : rules) {
    ResolveRefs(kb, others, &rule);
    rules_.push_back(FactsOf(kb, rule));
  }
  BuildIndexes();
}

RuleIndex::RuleIndex(std::vector<RuleFacts> facts) : rules_(std::move(facts)) {
  BuildIndexes();
}

RuleIndex::RuleIndex(
    const std::vector<std::shared_ptr<const RuleIndexPart>>& parts) {
  size_t n = 0;
  for (const auto& part : parts) {
    if (part != nullptr) n += part->rules().size();
  }
  rules_.reserve(n);
  for (const auto& part : parts) {
    if (part == nullptr) continue;
    rules_.insert(rules_.end(), part->rules().begin(), part->rules().end());
  }
  BuildIndexes();
}

RuleIndexPart::RuleIndexPart(const KnowledgeBase& kb,
                             const OtherDomains& others, std::string source,
                             std::vector<cov::v1::Rule> rules)
    : source_(std::move(source)) {
  rules_.reserve(rules.size());
  for (cov::v1::Rule& rule : rules) {
    ResolveRefs(kb, others, &rule);
    rules_.push_back(RuleIndex::FactsOf(kb, rule));
  }
}

void RuleIndex::BuildIndexes() {
  by_uid_.reserve(rules_.size());
  for (int i = 0; i < static_cast<int>(rules_.size()); ++i) {
    for (const std::string& t : rules_[i].techniques) {
      by_technique_[t].push_back(i);
    }
    by_uid_.emplace(rules_[i].uid, i);
    if (rules_[i].sid != 0) by_sid_[rules_[i].sid].push_back(i);
  }
}

const std::vector<int>& RuleIndex::RulesFor(const std::string& id) const {
  static const std::vector<int>* kEmpty = new std::vector<int>();
  auto it = by_technique_.find(id);
  return it == by_technique_.end() ? *kEmpty : it->second;
}

int RuleIndex::FindUid(const std::string& uid) const {
  auto it = by_uid_.find(uid);
  return it == by_uid_.end() ? -1 : it->second;
}

const std::vector<int>& RuleIndex::FindSid(int64_t sid) const {
  static const std::vector<int>* kEmpty = new std::vector<int>();
  auto it = by_sid_.find(sid);
  return it == by_sid_.end() ? *kEmpty : it->second;
}

}  // namespace cov::server::engine
