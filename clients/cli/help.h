// `cov --help` and `cov COMMAND --help`, generated from the command table
// and the flags' own help strings.
//
// Example:
//   std::printf("%s", GeneralHelp().c_str());
//   std::printf("%s", CommandHelp("coverage").c_str());
#ifndef COV_CLIENTS_CLI_HELP_H_
#define COV_CLIENTS_CLI_HELP_H_

#include <string>

#include "absl/strings/string_view.h"

namespace cov::clients::cli {

// Every command by group, the global flags and the exit codes.
std::string GeneralHelp();

// The synopses, long help and flags of the entries named `name`;
// GeneralHelp() when there is none.
std::string CommandHelp(absl::string_view name);

}  // namespace cov::clients::cli

#endif  // COV_CLIENTS_CLI_HELP_H_
