// The CLI's one subprocess helper: run a program, capture its standard
// output.
//
// Example:
//   absl::StatusOr<std::string> out = RunCapture({"git", "rev-parse", "HEAD"});
//
// Thread-compatible (fork/exec; the child's stderr goes to /dev/null).
#ifndef COV_CLIENTS_CLI_SUBPROCESS_H_
#define COV_CLIENTS_CLI_SUBPROCESS_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace cov::clients::cli {

// Runs argv[0] (looked up in PATH) with `argv`, standard input from
// `stdin_file` when not empty. Returns its standard output when it exits 0;
// Unavailable when it cannot be started, Unknown ("git exited with status 128")
// when it fails.
absl::StatusOr<std::string> RunCapture(const std::vector<std::string>& argv,
                                       const std::string& stdin_file = "");

}  // namespace cov::clients::cli

#endif  // COV_CLIENTS_CLI_SUBPROCESS_H_
