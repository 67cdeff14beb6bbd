// Resolves the ATT&CK references of rules against one release.
//
// Pure function of (release model, other domains' models, rule). Statuses:
// VALID, REVOKED (resolved_id = end of the revoked-by chain), DEPRECATED,
// UNKNOWN (e.g. a v19 ID against 18.1), WRONG_DOMAIN (the ID exists only in
// another loaded domain, e.g. a Mobile tactic in an Enterprise rule) and
// TACTIC_MISMATCH (set on a tactic reference when the rule's techniques
// exist but none of them sits under that tactic). Thread-safe.
#ifndef COV_SERVER_ENGINE_REF_RESOLVER_H_
#define COV_SERVER_ENGINE_REF_RESOLVER_H_

#include <memory>
#include <vector>

#include "cov/v1/rules.pb.h"
#include "server/engine/knowledge_base.h"

namespace cov::server::engine {

// Releases of other domains consulted for WRONG_DOMAIN (may be empty).
using OtherDomains = std::vector<std::shared_ptr<const KnowledgeBase>>;

// Sets status, resolved_id and note of every reference of `rule`.
void ResolveRefs(const KnowledgeBase& kb, const OtherDomains& others,
                 cov::v1::Rule* rule);

}  // namespace cov::server::engine

#endif  // COV_SERVER_ENGINE_REF_RESOLVER_H_
