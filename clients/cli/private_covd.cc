#include "clients/cli/private_covd.h"

#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <system_error>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "clients/cli/files.h"
#include "clients/cli/flags.h"

namespace cov::clients::cli {

absl::StatusOr<std::string> FindCovd() {
  std::string covd = absl::GetFlag(FLAGS_covd);
  if (covd.empty() && std::getenv("COV_COVD") != nullptr) {
    covd = std::getenv("COV_COVD");
  }
  if (covd.empty()) {
    const std::string self = RealPath("/proc/self/exe");
    const std::string dir = self.substr(0, self.find_last_of('/'));
    std::vector<std::string> candidates = {dir + "/covd",
                                           dir + "/../server/covd"};
    if (const char* path = std::getenv("PATH"); path != nullptr) {
      for (absl::string_view d : absl::StrSplit(path, ':', absl::SkipEmpty())) {
        candidates.push_back(absl::StrCat(d, "/covd"));
      }
    }
    for (const std::string& c : candidates) {
      if (access(c.c_str(), X_OK) == 0) {
        covd = c;
        break;
      }
    }
  }
  if (covd.empty() || access(covd.c_str(), X_OK) != 0) {
    return absl::NotFoundError(
        "cannot find covd; pass --covd PATH or set COV_COVD");
  }
  return covd;
}

PrivateCovd::~PrivateCovd() {
  if (pid_ > 0) {
    kill(pid_, SIGTERM);
    int st;
    waitpid(pid_, &st, 0);
  }
  if (!dir_.empty()) {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
}

absl::StatusOr<std::string> PrivateCovd::Start() {
  absl::StatusOr<std::string> covd = FindCovd();
  if (!covd.ok()) return covd.status();
  char tmpl[] = "/tmp/cov-ci-XXXXXX";
  if (mkdtemp(tmpl) == nullptr) {
    return absl::UnavailableError("cannot create a temporary folder");
  }
  dir_ = tmpl;
  const std::string port_file = dir_ + "/port";
  const std::string db = dir_ + "/db";
  pid_ = fork();
  if (pid_ == 0) {
    int devnull = open("/dev/null", O_WRONLY);
    if (devnull >= 0) dup2(devnull, 2);
    execl(covd->c_str(), covd->c_str(), "--db", db.c_str(), "--listen",
          "127.0.0.1:0", "--port_file", port_file.c_str(),
          static_cast<char*>(nullptr));
    _exit(127);
  }
  for (int i = 0; i < 400; ++i) {
    std::ifstream in(port_file);
    std::string port;
    if (in >> port) return "127.0.0.1:" + port;
    int st;
    if (waitpid(pid_, &st, WNOHANG) == pid_) {
      pid_ = 0;
      return absl::UnavailableError("covd exited at start");
    }
    usleep(5000);
  }
  return absl::UnavailableError("covd did not start within 2 s");
}

int LoadBundle(Client& client) {
  const std::string bundle = UserPath(absl::GetFlag(FLAGS_attack));
  cov::v1::IngestAttackRequest req;
  req.set_path(RealPath(bundle));
  req.set_version(absl::GetFlag(FLAGS_version));
  grpc::ClientContext ctx;
  client.Prepare(&ctx);
  cov::v1::IngestAttackResponse resp;
  grpc::Status s = client.stub()->IngestAttack(&ctx, req, &resp);
  if (!s.ok()) {
    client.Fail(s);
    return 2;
  }
  return 0;
}

}  // namespace cov::clients::cli
