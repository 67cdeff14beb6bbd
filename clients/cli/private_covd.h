// The one-command CI mode (`cov check PATH --attack BUNDLE`): a private covd
// on a loopback port with a temporary store, loaded with one ATT&CK bundle,
// stopped (and its store deleted) when the object goes away.
//
// covd is found through --covd, $COV_COVD, next to the cov binary (also
// ../server/covd, the Bazel output layout), or PATH.
//
// Example:
//   PrivateCovd covd;
//   absl::StatusOr<std::string> address = covd.Start();
//   Client client(*address, {});
//   if (int rc = LoadBundle(client); rc != 0) return rc;
//
// Not thread-safe; one per process.
#ifndef COV_CLIENTS_CLI_PRIVATE_COVD_H_
#define COV_CLIENTS_CLI_PRIVATE_COVD_H_

#include <sys/types.h>

#include <string>

#include "absl/status/statusor.h"
#include "clients/cli/client.h"

namespace cov::clients::cli {

// The covd binary to start: --covd, $COV_COVD, beside the cov binary (or
// ../server/covd), or PATH.
// NotFound ("cannot find covd; pass --covd PATH or set COV_COVD") otherwise.
absl::StatusOr<std::string> FindCovd();

class PrivateCovd {
 public:
  PrivateCovd() = default;
  PrivateCovd(const PrivateCovd&) = delete;
  PrivateCovd& operator=(const PrivateCovd&) = delete;
  // Stops covd (SIGTERM, wait) and deletes its store.
  ~PrivateCovd();

  // Starts covd on 127.0.0.1:0 and returns its address once it listens.
  // NotFound when no covd binary is found; Unavailable when it exits at start
  // or does not listen within 2 s.
  absl::StatusOr<std::string> Start();

 private:
  pid_t pid_ = 0;
  std::string dir_;
};

// Loads --attack (and --version) into the private covd behind `client`.
// Returns 0, or the exit code 2 (infrastructure error) after printing why.
int LoadBundle(Client& client);

}  // namespace cov::clients::cli

#endif  // COV_CLIENTS_CLI_PRIVATE_COVD_H_
