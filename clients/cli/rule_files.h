// Rule files read on the client for `cov check` / `cov fix`: a small walker
// over the working tree (regular files with a rule-file extension, hidden
// folders skipped, symlinks not followed, sorted) and the git plumbing that
// reads the same paths at a base revision.
//
// Example:
//   RepeatedPtrField<RuleFile> files;
//   RETURN_IF_ERROR(CollectFiles(UserPath("rules"), "rules", &files));
//   RETURN_IF_ERROR(CollectFromGit("origin/main", {"rules"}, &base));
//
// Thread-compatible.
#ifndef COV_CLIENTS_CLI_RULE_FILES_H_
#define COV_CLIENTS_CLI_RULE_FILES_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "cov/v1/check.pb.h"
#include "google/protobuf/repeated_ptr_field.h"

namespace cov::clients::cli {

using RuleFiles = google::protobuf::RepeatedPtrField<cov::v1::RuleFile>;

// Appends the rule files under `root` (a file, taken whatever its name, or a
// folder) to `out`, named `prefix` + the path below root so base and head
// files get comparable names. Unavailable when root or a file cannot be read.
absl::Status CollectFiles(const std::string& root, const std::string& prefix,
                          RuleFiles* out);

// Appends the rule files under `paths` at git revision `rev` (`git ls-tree`
// names, one `git cat-file --batch` for the contents). InvalidArgument when
// `rev` is not a revision of the repository holding the paths.
absl::Status CollectFromGit(const std::string& rev,
                            const std::vector<std::string>& paths,
                            RuleFiles* out);

}  // namespace cov::clients::cli

#endif  // COV_CLIENTS_CLI_RULE_FILES_H_
