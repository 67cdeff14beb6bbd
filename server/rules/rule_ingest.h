// Ingests a folder of rules of one format as a named source.
//
// Walks PATH recursively (hidden folders and symlinks are skipped), skips
// files whose size and mtime are unchanged since the last ingest, re-reads
// the others and skips those whose bytes hash the same, parses the rest in
// parallel, resolves their ATT&CK references against a release, checks IDs
// for duplicates across the whole source, and stores everything in one
// atomic Store::ApplySourceUpdate. Results do not depend on file order or
// thread scheduling. A failed ingest changes nothing.
#ifndef COV_SERVER_RULES_RULE_INGEST_H_
#define COV_SERVER_RULES_RULE_INGEST_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "cov/v1/cov.pb.h"
#include "server/auth/path_policy.h"
#include "server/engine/knowledge_base.h"
#include "server/engine/ref_resolver.h"
#include "server/store/store.h"

namespace cov::server::rules {

struct IngestContext {
  store::Store* store = nullptr;
  // Release to resolve references against; null leaves them unresolved.
  std::shared_ptr<const engine::KnowledgeBase> kb;
  // Other domains' releases, for WRONG_DOMAIN.
  engine::OtherDomains others;
  // Parser threads. Default: the number of cores (at least 1).
  int threads = 0;
  // CPU priority of the parse, as a nice value (0-19). 0: the calling
  // thread parses too, at its own priority. Above 0: only new threads parse,
  // each at this nice value (util::LowerThisThread), so requests served
  // alongside (covd: 10) get the cores first and an ingest takes what they
  // leave; the caller waits.
  int nice = 0;
  // Whether the server may read request.path() (covd --ingest_root); empty:
  // any path.
  auth::PathCheck check_path;
};

// Errors: kInvalidArgument (no format, bad source name), kPermissionDenied
// (context.check_path refused the path), kNotFound (PATH
// missing), kFailedPrecondition (the source exists with another format or
// path), store errors. Per-file problems are diagnostics, not errors.
absl::StatusOr<cov::v1::IngestRulesResponse> IngestRules(
    const IngestContext& context, const cov::v1::IngestRulesRequest& request);

// The git commit (HEAD) of the work tree holding `path`, or "" when `path`
// is not inside one or git is unavailable.
std::string GitCommit(const std::string& path);

}  // namespace cov::server::rules

#endif  // COV_SERVER_RULES_RULE_INGEST_H_
