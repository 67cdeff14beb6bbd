#include "clients/cli/coverage_options.h"

#include <cstdio>
#include <string>

#include "absl/flags/flag.h"
#include "clients/cli/files.h"
#include "clients/cli/flags.h"

namespace cov::clients::cli {

bool CoverageOptionsFromFlags(cov::v1::CoverageOptions* options) {
  options->set_rollup(absl::GetFlag(FLAGS_rollup));
  options->set_tactic_context(absl::GetFlag(FLAGS_tactic_context));
  options->set_include_disabled(absl::GetFlag(FLAGS_include_disabled));
  options->set_evidence(absl::GetFlag(FLAGS_evidence));
  const std::string file = absl::GetFlag(FLAGS_profile);
  if (file.empty()) return true;
  const std::string path = UserPath(file);
  absl::StatusOr<std::string> yaml = ReadFile(path);
  if (!yaml.ok()) {
    std::fprintf(stderr, "cov: cannot read profile %s\n", path.c_str());
    return false;
  }
  options->set_profile_yaml(*std::move(yaml));
  options->set_profile_file_name(file);
  return true;
}

}  // namespace cov::clients::cli
