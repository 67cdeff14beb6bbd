// cov: the command-line client of covd. A thin gRPC client: every command is
// one or two RPCs of cov.v1.CovService and a rendering of the answer. The
// commands, their flags and help are in the command table (command_table.cc).
//
// Exit codes: 0 success, 1 failed request or not found, 2 usage error.
#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "clients/cli/args.h"
#include "clients/cli/client.h"
#include "clients/cli/command.h"
#include "clients/cli/flags.h"
#include "clients/cli/help.h"
#include "clients/cli/output.h"
#include "clients/cli/private_covd.h"

namespace cov::clients::cli {
namespace {

// A usage error unless --format is table, json or a format of `c`.
int CheckFormat(const Command& c) {
  const std::string format = absl::GetFlag(FLAGS_format);
  if (format == "table" || format == "json" ||
      std::find(c.formats.begin(), c.formats.end(), format) !=
          c.formats.end()) {
    return 0;
  }
  std::vector<absl::string_view> all = {"table", "json"};
  all.insert(all.end(), c.formats.begin(), c.formats.end());
  const absl::string_view last = all.back();
  all.pop_back();
  return Usage(absl::StrCat("--format for `cov ", c.name, "` must be ",
                            absl::StrJoin(all, ", "), " or ", last, ", not '",
                            format, "'"));
}

int Run(int argc, char** argv) {
  absl::StatusOr<CommandLine> cl = CheckCommandLine(argc, argv);
  if (!cl.ok()) return Usage(cl.status().message());
  if (cl->help) {
    std::printf("%s", cl->command.empty() ? GeneralHelp().c_str()
                                          : CommandHelp(cl->command).c_str());
    return 0;
  }
  absl::ParseCommandLine(argc, argv);
  if (cl->entry == nullptr) {
    std::printf("%s", GeneralHelp().c_str());
    return 2;
  }
  const Command& command = *cl->entry;
  if (int rc = CheckFormat(command); rc != 0) return rc;
  std::string server = ServerFromFlags();
  // One-command CI mode: a private covd (plain loopback, no token) for the
  // run.
  const bool one_command = !absl::GetFlag(FLAGS_attack).empty();
  PrivateCovd private_covd;
  ClientSecurity security;
  if (one_command) {
    absl::StatusOr<std::string> address = private_covd.Start();
    if (!address.ok()) {
      std::fprintf(stderr, "cov: %s\n",
                   std::string(address.status().message()).c_str());
      return 2;
    }
    server = *address;
  } else {
    absl::StatusOr<ClientSecurity> flags = SecurityFromFlags();
    if (!flags.ok()) return Usage(flags.status().message());
    security = *std::move(flags);
  }
  Client client(server, security);
  if (one_command) {
    if (int rc = LoadBundle(client); rc != 0) return rc;
  }
  return command.handler(client, cl->args);
}

}  // namespace
}  // namespace cov::clients::cli

int main(int argc, char** argv) { return cov::clients::cli::Run(argc, argv); }
