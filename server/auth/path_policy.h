// Which server-side paths ingest RPCs may read (covd --ingest_root DIR,...).
//
// With roots, a path is allowed only when it resolves (symlinks and `..`
// followed, like realpath) to one of the roots or below it, and what it names
// is a regular file or a directory (no devices, FIFOs or sockets). Without
// roots every path is allowed: the development default, unsafe when clients
// are not trusted with the server's file system.
//
//   absl::StatusOr<PathPolicy> policy = PathPolicy::Create({"/srv/cov"});
//   PathCheck check = policy->Checker();   // covd hands it to the drivers
//   ...
//   absl::Status s = check(request.path());  // in an ingest driver
//
// There is no process-wide policy: covd_main builds one and passes its
// Checker() down (LiveStore -> Backend -> ingest drivers), so every driver
// states in its signature that it reads server-side paths.
//
// The check happens before the ingest opens the path; a client that can also
// write inside a root could swap a symlink in between (time-of-check to
// time-of-use). The ingests themselves never follow symlinks found while
// walking a folder.
#ifndef COV_SERVER_AUTH_PATH_POLICY_H_
#define COV_SERVER_AUTH_PATH_POLICY_H_

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace cov::server::auth {

// OK when the server may read `path`; the error to answer otherwise. An empty
// PathCheck allows every path (like a rootless PathPolicy).
using PathCheck = std::function<absl::Status(absl::string_view path)>;

// Runs `check` on `path`: OK when `check` is empty.
absl::Status CheckPath(const PathCheck& check, absl::string_view path);

// The folder or file an ingest RPC reads: `path` passed by `check`, then
// resolved like realpath. The error of `check`, or kNotFound "cannot ingest
// <path>: <reason>" when it does not resolve.
absl::StatusOr<std::filesystem::path> ResolveIngestPath(const PathCheck& check,
                                                        absl::string_view path);

class PathPolicy {
 public:
  // Resolves every root with realpath. kInvalidArgument when a root is empty,
  // cannot be resolved or is not a directory. An empty list allows all paths.
  // `what` names the roots in messages ("ingest roots", "backup roots").
  static absl::StatusOr<PathPolicy> Create(
      const std::vector<std::string>& roots,
      absl::string_view what = "ingest roots");

  // OK when there are no roots, or `path` resolves inside a root and names a
  // regular file or a directory, or does not exist at all (the ingest then
  // reports kNotFound itself). kPermissionDenied otherwise, naming the path,
  // what it resolves to and the roots. A relative path is taken relative to
  // the server's working directory. Thread-safe (const).
  absl::Status Check(absl::string_view path) const;

  // Check() of this policy as a PathCheck; the policy must outlive it.
  PathCheck Checker() const;

  // The resolved roots; empty: unrestricted.
  const std::vector<std::string>& roots() const { return roots_; }

 private:
  std::vector<std::string> roots_;
  std::string what_ = "ingest roots";
};

}  // namespace cov::server::auth

#endif  // COV_SERVER_AUTH_PATH_POLICY_H_
