// Full-text search over a KnowledgeBase.
//
// Every query term must match (case-insensitive substring) an object's ID,
// name, aliases or description. Ranking: exact ID match, then exact name or
// alias, then all terms in the name, then description-only matches; ties by
// ID. Pure function; thread-safe.
#ifndef COV_SERVER_ENGINE_SEARCH_H_
#define COV_SERVER_ENGINE_SEARCH_H_

#include "cov/v1/cov.pb.h"
#include "server/engine/knowledge_base.h"

namespace cov::server::engine {

// Answers `request` (query, kinds, limit, include_inactive) against `kb`.
// An empty query matches nothing. limit defaults to 20, capped at 500.
cov::v1::SearchResponse Search(const KnowledgeBase& kb,
                               const cov::v1::SearchRequest& request);

}  // namespace cov::server::engine

#endif  // COV_SERVER_ENGINE_SEARCH_H_
