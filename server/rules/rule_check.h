// `cov check`: lints rule files of a change and computes the coverage delta
// against a base revision.
//
// Findings (stable codes): every parser diagnostic (sigma-*, suricata-*,
// yara-*), and for ATT&CK references: attack-unknown (error),
// attack-wrong-domain (error), attack-revoked (warning, names the
// replacement), attack-deprecated (warning), attack-tactic-mismatch
// (warning), attack-no-technique (warning: a rule claims no technique),
// attack-parent-and-subtechnique (warning, when asked), duplicate-id (error:
// a Sigma id or Suricata sid defined in two files), check-unknown-format
// (warning: a file no parser reads). Coverage: techniques and tactics gained
// and lost between base and head under the profile; a lost technique is a
// regression unless allowed by CheckRequest.allow_regression or a marker
// `cov: allow-regression T1234` anywhere in the change's files.
#ifndef COV_SERVER_RULES_RULE_CHECK_H_
#define COV_SERVER_RULES_RULE_CHECK_H_

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "cov/v1/check.pb.h"
#include "ingest/base/rule_parser.h"
#include "server/engine/coverage.h"
#include "server/engine/knowledge_base.h"
#include "server/engine/ref_resolver.h"

namespace cov::server::rules {

// Caches parse results by (format, path, content hash), so re-checking a
// repository where few files changed only parses those. Thread-safe.
class ParseCache {
 public:
  explicit ParseCache(size_t max_entries = 200000) : max_entries_(max_entries) {}

  // Parses `file` with the parser of `format`, or returns the cached result.
  std::shared_ptr<const ingest::ParsedFile> Parse(cov::v1::RuleFormat format,
                                                  const std::string& path,
                                                  absl::string_view content);

 private:
  size_t max_entries_;
  absl::Mutex mu_;
  absl::flat_hash_map<std::string, std::shared_ptr<const ingest::ParsedFile>>
      entries_ ABSL_GUARDED_BY(mu_);
};

// The format of a file from its explicit format or its extension;
// RULE_FORMAT_UNSPECIFIED when none fits.
cov::v1::RuleFormat FormatOf(const cov::v1::RuleFile& file);

struct CheckContext {
  std::shared_ptr<const engine::KnowledgeBase> kb;
  engine::OtherDomains others;
  engine::CoverageQuery query;  // profile, rollup, tactic_context
  ParseCache* cache = nullptr;  // optional
  int threads = 0;              // 0: number of cores
};

// What a renderer needs besides the response.
struct CheckExtras {
  // Paths of the files checked (head), in request order.
  std::vector<std::string> checked_files;
  // For each technique lost, the base rule that covered it (file, line).
  std::map<std::string, std::pair<std::string, int>> lost_at;
};

// Runs the check. `rendered` is left empty (rendering is the caller's).
// `extras` may be null.
cov::v1::CheckResponse CheckRules(const CheckContext& context,
                                  const cov::v1::CheckRequest& request,
                                  CheckExtras* extras = nullptr);

}  // namespace cov::server::rules

#endif  // COV_SERVER_RULES_RULE_CHECK_H_
