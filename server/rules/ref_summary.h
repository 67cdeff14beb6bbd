// How the ATT&CK references of one rule source resolve against a release,
// summed up for `cov errors` and the ingest reply (issue 15).
//
// Feed every rule of the source (references already resolved against the
// release, see engine/ref_resolver.h) to Add(), then read:
//   - Diagnostics(): one WARNING per problem code, counted, e.g.
//       ref-unknown-technique  "244 references to 31 technique IDs unknown
//                               to enterprise-attack@18.1 in 190 rules
//                               (T1685 x40, ...): newer ATT&CK?"
//     codes: ref-unknown-technique, ref-unknown-tactic, ref-unknown-actor,
//     ref-wrong-domain, ref-deprecated, ref-revoked, ref-tactic-mismatch;
//     file "" (the source), line 0. Absent codes give no diagnostic.
//   - Summary(): "194 rules reference nothing valid in enterprise-attack@18.1
//     (244 unknown technique IDs, 1,501 unknown tactic names — newer
//     ATT&CK?)", or "" when every rule with references has a valid one.
//     A rule references nothing valid when it has references and none is
//     VALID or REVOKED with a replacement.
//
//   RefSummary s("enterprise-attack@18.1");
//   for (const Rule& r : rules) s.Add(r);
//   if (!s.Summary().empty()) LOG(INFO) << s.Summary();
//
// Not thread-safe; cheap (one pass, a map per code).
#ifndef COV_SERVER_RULES_REF_SUMMARY_H_
#define COV_SERVER_RULES_REF_SUMMARY_H_

#include <map>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "cov/v1/rules.pb.h"

namespace cov::server::rules {

class RefSummary {
 public:
  explicit RefSummary(absl::string_view release_key)
      : release_key_(release_key) {}

  void Add(const cov::v1::Rule& rule);

  std::vector<cov::v1::Diagnostic> Diagnostics() const;
  std::string Summary() const;
  // The Summary() as a WARNING diagnostic of code ref-summary (file "",
  // line 0); nullopt-like: code empty when Summary() is "".
  cov::v1::Diagnostic SummaryDiagnostic() const;

  int rules_nothing_valid() const { return rules_nothing_valid_; }

 private:
  struct Count {
    int refs = 0;
    int rules = 0;
    std::map<std::string, int> ids;  // id -> references
  };
  std::string release_key_;
  int rules_nothing_valid_ = 0;
  std::map<std::string, Count> by_code_;
};

}  // namespace cov::server::rules

#endif  // COV_SERVER_RULES_REF_SUMMARY_H_
