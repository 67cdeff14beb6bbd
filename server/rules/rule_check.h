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
#include "server/engine/rule_index.h"

namespace cov::server::rules {

// What checking one file yields, independent of the other files: cached
// by the file's bytes, so re-checking a repository where few files changed
// only parses and resolves those.
struct CheckedFile {
  std::vector<cov::v1::Diagnostic> findings;  // parser and ATT&CK findings
  std::vector<engine::RuleFacts> facts;       // for coverage
  struct Id {
    std::string uid;
    int line = 0;
    cov::v1::RuleFormat format = cov::v1::RULE_FORMAT_UNSPECIFIED;
  };
  std::vector<Id> ids;  // for duplicate checks
  // First line naming each resolved technique (for regression locations).
  std::vector<std::pair<std::string, int>> technique_lines;
};

// Thread-safe cache of CheckedFile by (format, path, bytes, release,
// options). Bounded: cleared when it reaches max_entries.
class ParseCache {
 public:
  explicit ParseCache(size_t max_entries = 200000)
      : max_entries_(max_entries) {}

  std::shared_ptr<const CheckedFile> Get(const std::string& key);
  void Put(const std::string& key, std::shared_ptr<const CheckedFile> value);

 private:
  size_t max_entries_;
  absl::Mutex mu_;
  absl::flat_hash_map<std::string, std::shared_ptr<const CheckedFile>> entries_
      ABSL_GUARDED_BY(mu_);
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
