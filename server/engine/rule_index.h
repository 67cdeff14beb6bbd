// A compact, immutable index of every stored rule's ATT&CK claims, resolved
// against one release: what coverage and gap queries read on every request.
//
// Built once per (release, rules generation) from full Rule records; holds
// only what queries need (identity, filters, resolved technique and tactic
// IDs), so a query walks a few thousand small structs instead of protos.
//
// Composed of per-source parts (RuleIndexPart): a change to one source
// re-resolves only that source's rules (server/kb/rule_index_cache.h); the
// composite of parts in source-name order equals the index built from all
// rules in store order (the store keys rules by source first).
#ifndef COV_SERVER_ENGINE_RULE_INDEX_H_
#define COV_SERVER_ENGINE_RULE_INDEX_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "cov/v1/rules.pb.h"
#include "server/engine/knowledge_base.h"
#include "server/engine/ref_resolver.h"

namespace cov::server::engine {

struct RuleFacts {
  std::string uid;
  std::string source;
  std::string title;
  std::string status;  // Sigma status; "" for formats without one
  std::string level;   // Sigma level; "" for formats without one
  cov::v1::RuleFormat format = cov::v1::RULE_FORMAT_UNSPECIFIED;
  bool enabled = true;
  bool is_correlation = false;
  // YARA private rule: never reports a match, never counts (issue 15).
  bool yara_private = false;
  std::string content_hash;  // revision identity, for evidence staleness
  int64_t sid = 0;           // Suricata sid (0 for other formats)
  // Technique IDs the rule counts for: valid references and revoked ones
  // through their replacement. Sorted, unique.
  std::vector<std::string> techniques;
  // Valid tactic shortnames the rule names (for --tactic-context).
  std::vector<std::string> tactics;
};

// The facts of one rule source's rules, resolved against one release (and
// the other domains' releases): the unit an index is rebuilt in. Immutable.
class RuleIndexPart {
 public:
  // Resolves every rule's references against `kb` (see ref_resolver.h);
  // keeps the rules' order.
  RuleIndexPart(const KnowledgeBase& kb, const OtherDomains& others,
                std::string source, std::vector<cov::v1::Rule> rules);

  const std::string& source() const { return source_; }
  const std::vector<RuleFacts>& rules() const { return rules_; }

 private:
  std::string source_;
  std::vector<RuleFacts> rules_;
};

class RuleIndex {
 public:
  // Resolves every rule's references against `kb` (see ref_resolver.h).
  RuleIndex(const KnowledgeBase& kb, const OtherDomains& others,
            std::vector<cov::v1::Rule> rules);

  // From facts already resolved against the release (see FactsOf).
  explicit RuleIndex(std::vector<RuleFacts> facts);

  // The concatenation of `parts`, in the order given (callers pass them
  // sorted by source name, the store's rule order). Null parts are skipped.
  explicit RuleIndex(
      const std::vector<std::shared_ptr<const RuleIndexPart>>& parts);

  // The facts of one rule whose references are already resolved against
  // `kb` (ResolveRefs).
  static RuleFacts FactsOf(const KnowledgeBase& kb, const cov::v1::Rule& rule);

  const std::vector<RuleFacts>& rules() const { return rules_; }

  // Indexes into rules() of the rules that count for technique `id`
  // (directly, not through sub-techniques). Empty when none.
  const std::vector<int>& RulesFor(const std::string& id) const;

  // Index of the rule with this uid, or -1.
  int FindUid(const std::string& uid) const;
  // Indexes of the Suricata rules with this sid (any source).
  const std::vector<int>& FindSid(int64_t sid) const;

 private:
  std::vector<RuleFacts> rules_;
  void BuildIndexes();

  absl::flat_hash_map<std::string, std::vector<int>> by_technique_;
  absl::flat_hash_map<std::string, int> by_uid_;
  absl::flat_hash_map<int64_t, std::vector<int>> by_sid_;
};

}  // namespace cov::server::engine

#endif  // COV_SERVER_ENGINE_RULE_INDEX_H_
