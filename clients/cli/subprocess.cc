#include "clients/cli/subprocess.h"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "absl/strings/str_cat.h"

namespace cov::clients::cli {

absl::StatusOr<std::string> RunCapture(const std::vector<std::string>& argv,
                                       const std::string& stdin_file) {
  if (argv.empty()) return absl::InvalidArgumentError("no program to run");
  int out[2];
  if (pipe(out) != 0) return absl::UnavailableError("cannot create a pipe");
  pid_t pid = fork();
  if (pid < 0) {
    close(out[0]);
    close(out[1]);
    return absl::UnavailableError(absl::StrCat("cannot start ", argv[0]));
  }
  if (pid == 0) {
    dup2(out[1], 1);
    close(out[0]);
    int devnull = open("/dev/null", O_WRONLY);
    if (devnull >= 0) dup2(devnull, 2);
    if (!stdin_file.empty()) {
      int in = open(stdin_file.c_str(), O_RDONLY);
      if (in >= 0) dup2(in, 0);
    }
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execvp(args[0], args.data());
    _exit(127);
  }
  close(out[1]);
  std::string result;
  char buf[1 << 16];
  ssize_t n;
  while ((n = read(out[0], buf, sizeof(buf))) > 0) result.append(buf, n);
  close(out[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    return absl::UnknownError(absl::StrCat(
        argv[0], " exited with status ",
        WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status)));
  }
  return result;
}

}  // namespace cov::clients::cli
