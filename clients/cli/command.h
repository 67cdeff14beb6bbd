// The command table of `cov`: one entry per command (or per first argument of
// a command with several kinds, such as `ingest attack` / `ingest sigma`),
// from which `cov --help`, `cov COMMAND --help`, the flag check and the
// dispatch are all derived.
//
// Example:
//   const Command* c = FindCommand("ingest", {"attack", "x.json"});
//   // c->name == "ingest", c->kinds == {"attack"}, c->handler == IngestAttack
//
// Thread-compatible: the table is built once and never changes.
#ifndef COV_CLIENTS_CLI_COMMAND_H_
#define COV_CLIENTS_CLI_COMMAND_H_

#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "clients/cli/client.h"

namespace cov::clients::cli {

// A handler runs one command: `args` are the positional arguments after the
// command name (for commands with kinds, args[0] is the kind). Returns the
// process exit code: 0 success, 1 failed request or not found, 2 usage error.
using Handler = int (*)(Client& client, const std::vector<std::string>& args);

struct Command {
  // Command word (`coverage`).
  absl::string_view name;
  // Heading it is listed under in `cov --help`.
  absl::string_view group;
  // When not empty, the entry handles only these first arguments (`ingest
  // attack`); several entries may share a name.
  std::vector<std::string> kinds;
  // Synopsis for `cov --help`, without the leading "cov ", e.g.
  // "coverage [--profile FILE] [--by tactic|technique|platform|source]".
  absl::string_view synopsis;
  // One line for `cov --help`.
  absl::string_view summary;
  // Long help printed by `cov COMMAND --help` (after the flag list).
  absl::string_view help;
  // Flags this command takes besides the global ones (names with
  // underscores).
  std::vector<absl::string_view> flags;
  // Extra `--format` values it accepts besides table and json.
  std::vector<absl::string_view> formats;
  Handler handler;
};

// Every command, in `cov --help` order.
const std::vector<Command>& Commands();

// Flags every command takes (--server, --format, --attack_version, ...).
const std::vector<absl::string_view>& GlobalFlags();

// The entry for `name` whose kinds include args[0], else the one that has
// no kinds; nullptr when there is none.
const Command* FindCommand(absl::string_view name,
                           const std::vector<std::string>& args);

// Every entry named `name` (for `cov ingest --help`); empty when unknown.
std::vector<const Command*> CommandsNamed(absl::string_view name);

// True when `flag` (underscored name) is global or taken by `command`.
bool TakesFlag(const Command& command, absl::string_view flag);

}  // namespace cov::clients::cli

#endif  // COV_CLIENTS_CLI_COMMAND_H_
