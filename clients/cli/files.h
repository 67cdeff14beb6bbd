// Local file helpers of the `cov` CLI: the one whole-file reader, paths as
// the user typed them (relative to the directory `bazel run` was started
// from), and writing a command's result to --out or standard output.
//
// Example:
//   absl::StatusOr<std::string> yaml = ReadFile(UserPath("profile.yaml"));
//   if (!yaml.ok()) ...  // Unavailable: cannot read profile.yaml
//
// Thread-compatible.
#ifndef COV_CLIENTS_CLI_FILES_H_
#define COV_CLIENTS_CLI_FILES_H_

#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace cov::clients::cli {

// The bytes of `path`; Unavailable ("cannot read PATH") when it cannot be
// opened or read.
absl::StatusOr<std::string> ReadFile(const std::string& path);

// `arg` resolved against $BUILD_WORKING_DIRECTORY when relative (bazel run
// starts binaries in the runfiles tree); `arg` itself otherwise.
std::string UserPath(const std::string& arg);

// The absolute, symlink-free form of `path`, or `path` when it does not
// exist (covd then reports the path as given).
std::string RealPath(const std::string& path);

// Files below `root` whose name passes `accept`, as paths relative to root,
// sorted: regular files only, hidden folders skipped, symlinks never
// followed. Unavailable when root cannot be listed or walked.
absl::StatusOr<std::vector<std::string>> WalkLocalFiles(
    const std::string& root,
    const std::function<bool(absl::string_view name)>& accept);

// Writes `content` to --out (stdout when empty or "-") and, for a file, says
// "wrote WHAT (N bytes) to PATH" on stderr. Returns the exit code: 0, or 1
// when the file cannot be written.
int WriteOut(absl::string_view content, absl::string_view what);

}  // namespace cov::clients::cli

#endif  // COV_CLIENTS_CLI_FILES_H_
