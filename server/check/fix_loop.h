// `cov fix --revoked`: rewrites revoked ATT&CK IDs in rule files to their
// replacements, touching nothing else, and reports each change and a
// unified diff per changed file.
//
//   cov::v1::FixResponse r = check::FixFiles(*kb, others, request);
//   absl::StatusOr<cov::v1::FixResponse> r = check::FixRules(models, req);
//
// Parsers keep one reference per ID and rule, so a rule spelling the same
// revoked ID twice needs a second round: each file is parsed, resolved and
// fixed until it stops changing, at most three rounds (always enough).
// Files of an unknown format are returned unchanged. Thread-safe.
#ifndef COV_SERVER_CHECK_FIX_LOOP_H_
#define COV_SERVER_CHECK_FIX_LOOP_H_

#include "absl/status/statusor.h"
#include "cov/v1/cov.pb.h"
#include "server/engine/knowledge_base.h"
#include "server/engine/ref_resolver.h"
#include "server/kb/models.h"

namespace cov::server::check {

// Fixes request.files() against `kb` (and `others` for wrong-domain IDs).
cov::v1::FixResponse FixFiles(const engine::KnowledgeBase& kb,
                              const engine::OtherDomains& others,
                              const cov::v1::FixRequest& request);

// FixFiles against request.release() (or the default) of `models`.
// kFailedPrecondition when no release is stored, kNotFound for an unknown
// release.
absl::StatusOr<cov::v1::FixResponse> FixRules(
    kb::Models& models, const cov::v1::FixRequest& request);

}  // namespace cov::server::check

#endif  // COV_SERVER_CHECK_FIX_LOOP_H_
