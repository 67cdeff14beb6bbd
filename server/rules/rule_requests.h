// The rule-source RPCs of cov.v1.CovService over one store's models: one
// function per RPC, request in, response out (the service only maps them).
//
//   absl::StatusOr<cov::v1::ListRulesResponse> page =
//       rules::ListRules(*models.store(), request);
//
// Errors: kInvalidArgument (bad page token, output format, fail_on, source
// name), kNotFound (unknown source or path), kFailedPrecondition (nothing
// to work on: no release for a check, no rules to infer from), store errors.
// Thread-safe.
#ifndef COV_SERVER_RULES_RULE_REQUESTS_H_
#define COV_SERVER_RULES_RULE_REQUESTS_H_

#include <memory>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "cov/v1/cov.pb.h"
#include "server/auth/path_policy.h"
#include "server/kb/models.h"
#include "server/rules/rule_check.h"
#include "server/store/store.h"

namespace cov::server::rules {

// Ingests a rule folder, resolving references against request.release()
// (or the default; unresolved when no release is stored). The folder is
// read only when `check_path` allows it (covd --ingest_root). Refreshes the
// rule indexes of `models` before it answers (kb::Models::RefreshRules).
// `nice`: IngestContext::nice of the parse (covd --ingest_nice).
absl::StatusOr<cov::v1::IngestRulesResponse> Ingest(
    kb::Models& models, const cov::v1::IngestRulesRequest& request,
    const auth::PathCheck& check_path, int nice = 0);

// Rules of a source (or all), filtered by technique (ID or the ID a revoked
// one resolves to), ordered by (source, file, uid, line) and paged:
// page_size <= 0 -> 100, at most 1000. next_page_token is opaque: the sort
// key of the page's last rule, so the next page starts after it whatever
// was ingested in between (a walk never repeats or skips a rule that
// exists throughout; rules added or removed meanwhile may or may not show).
// kInvalidArgument "invalid page_token" for a token not made here.
absl::StatusOr<cov::v1::ListRulesResponse> ListRules(
    const store::Store& store, const cov::v1::ListRulesRequest& request);

// ListRules with every returned rule's ATT&CK references resolved against
// the releases stored now (the default release and the other domains'
// defaults), not the statuses frozen at ingest: a rule ingested before its
// release was loaded no longer shows `unknown` (issue 15). Without a stored
// release the stored statuses are returned. Same errors as ListRules.
absl::StatusOr<cov::v1::ListRulesResponse> ListRules(
    kb::Models& models, const cov::v1::ListRulesRequest& request);

// Recent ListRules answers of one store, keyed on the request bytes and on
// what the answer was computed from (the rules generation read before the
// rules, and the identity of the releases the references were resolved
// against). Holds answers of one such identity at a time: the first answer
// of a newer one drops the others; full at `max_entries` answers or
// `max_bytes` of serialised answers, it is emptied. Thread-safe.
class ListRulesCache {
 public:
  explicit ListRulesCache(size_t max_entries = 256, size_t max_bytes = 32 << 20)
      : max_entries_(max_entries), max_bytes_(max_bytes) {}

  // The answer cached for (`identity`, `request_key`), or null.
  std::shared_ptr<const cov::v1::ListRulesResponse> Find(
      const std::string& identity, const std::string& request_key) const;
  void Insert(const std::string& identity, const std::string& request_key,
              std::shared_ptr<const cov::v1::ListRulesResponse> answer);
  size_t size() const;

 private:
  const size_t max_entries_;
  const size_t max_bytes_;
  mutable absl::Mutex mu_;
  std::string identity_ ABSL_GUARDED_BY(mu_);
  size_t bytes_ ABSL_GUARDED_BY(mu_) = 0;
  absl::flat_hash_map<std::string,
                      std::shared_ptr<const cov::v1::ListRulesResponse>>
      answers_ ABSL_GUARDED_BY(mu_);
};

// ListRules(models, request), answered from `cache` when the same request
// was answered from the same rules and releases (null: no cache). An answer
// asked after an ingest was acknowledged is never an older one: the rules
// generation is part of the key.
absl::StatusOr<cov::v1::ListRulesResponse> ListRules(
    kb::Models& models, ListRulesCache* cache,
    const cov::v1::ListRulesRequest& request);

// Removes source request.name() and all it holds, atomically; answers the
// source as it was. kNotFound ("rule source 'X' is not stored").
absl::StatusOr<cov::v1::DeleteSourceResponse> DeleteSource(
    store::Store& store, const cov::v1::DeleteSourceRequest& request);

// DeleteSource, then the rule indexes of `models` refreshed before it
// answers (kb::Models::RefreshRules), as Ingest does.
absl::StatusOr<cov::v1::DeleteSourceResponse> DeleteSource(
    kb::Models& models, const cov::v1::DeleteSourceRequest& request);

// Every rule source and every test-procedure source (atomics, plans).
absl::StatusOr<cov::v1::ListSourcesResponse> ListAllSources(
    const store::Store& store);

// Every diagnostic of a source's files. kNotFound for an unknown source.
absl::StatusOr<cov::v1::ListRuleErrorsResponse> ListRuleErrors(
    const store::Store& store, const cov::v1::ListRuleErrorsRequest& request);

// A telemetry profile proposed from the stored rules of request.sources()
// (all when empty).
absl::StatusOr<cov::v1::InferProfileResponse> InferProfile(
    const store::Store& store, const cov::v1::InferProfileRequest& request);

// `cov check`: checks request.files() against the request's release and
// profile and, when output_format is set, renders the result into
// `rendered`. `cache` (optional) keeps parsed files between calls.
absl::StatusOr<cov::v1::CheckResponse> Check(
    kb::Models& models, ParseCache* cache,
    const cov::v1::CheckRequest& request);

}  // namespace cov::server::rules

#endif  // COV_SERVER_RULES_RULE_REQUESTS_H_
