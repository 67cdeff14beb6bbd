// The command line check of `cov`, before absl parses the flags: finds the
// command (skipping flag values, so `cov --server HOST:PORT coverage --help`
// is coverage's help), rewrites dashes in flag names to underscores
// (--attack-version), and rejects with a usage error (exit 2, not absl's 1)
// unknown flags and flags the command does not take.
//
// Example:
//   absl::StatusOr<CommandLine> cl = CheckCommandLine(argc, argv);
//   if (!cl.ok()) return Usage(cl.status().message());
//   if (cl->help) ...  // print HelpFor(cl->command)
//
// Thread-compatible; rewrites argv in place.
#ifndef COV_CLIENTS_CLI_ARGS_H_
#define COV_CLIENTS_CLI_ARGS_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "clients/cli/command.h"

namespace cov::clients::cli {

struct CommandLine {
  // --help, -h, --helpfull or `help` was given.
  bool help = false;
  // The command word ("" when none) and its positional arguments.
  std::string command;
  std::vector<std::string> args;
  // The table entry; nullptr when `command` is empty (or, with help, not a
  // command).
  const Command* entry = nullptr;
};

// Checks argv (rewriting --a-b to --a_b). InvalidArgument with the message to
// print ("unknown flag --x", "unknown command 'x'", "--attack is not a flag
// of `cov coverage` ...") for a usage error.
absl::StatusOr<CommandLine> CheckCommandLine(int argc, char** argv);

}  // namespace cov::clients::cli

#endif  // COV_CLIENTS_CLI_ARGS_H_
