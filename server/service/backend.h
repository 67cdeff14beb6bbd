// Everything the service keeps per open store: the store, its models and
// caches (server/kb), the experiments' serialiser and the check parse cache.
// A LiveStore swaps a whole Backend when it restores a backup.
//
//   service::Backend b(store.get());
//   kb::Coverage(b.models, request);
#ifndef COV_SERVER_SERVICE_BACKEND_H_
#define COV_SERVER_SERVICE_BACKEND_H_

#include <utility>

#include "server/auth/path_policy.h"
#include "server/experiments/experiments.h"
#include "server/kb/models.h"
#include "server/replay/replay_query.h"
#include "server/rules/rule_check.h"
#include "server/rules/rule_requests.h"
#include "server/scan/scan_query.h"
#include "server/service/read_cache.h"
#include "server/store/store.h"

namespace cov::server::service {

struct Backend {
  // `store` must outlive the backend. `check` says which server-side paths
  // the ingest, replay and scan RPCs may read (covd --ingest_root; empty:
  // any).
  Backend(store::Store* s, auth::PathCheck check)
      : store(s),
        check_path(std::move(check)),
        models(s),
        experiments(&models),
        replay(&models, &experiments, check_path),
        scan(&models, &experiments, check_path) {}
  Backend(const Backend&) = delete;
  Backend& operator=(const Backend&) = delete;

  store::Store* store;
  auth::PathCheck check_path;
  // covd --ingest_nice: the CPU priority (nice value) of ingest parsing
  // (rules::IngestContext::nice, kb::IngestAttack's `nice`).
  int ingest_nice = 0;
  kb::Models models;
  experiments::Experiments experiments;
  rules::ParseCache parse_cache;
  // Recent ListRules pages (keyed on the rules generation).
  rules::ListRulesCache list_rules_cache;
  // Proven coverage: compiled Sigma/YARA rule sets, kept per rule change.
  replay::ReplayQueries replay;
  scan::ScanQueries scan;
  // Serialized answers of the cached read RPCs (cached_reply.h), dropped by
  // every write RPC on this store.
  ReadCache read_cache;
};

}  // namespace cov::server::service

#endif  // COV_SERVER_SERVICE_BACKEND_H_
