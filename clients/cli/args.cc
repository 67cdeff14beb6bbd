#include "clients/cli/args.h"

#include "absl/flags/reflection.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace cov::clients::cli {
namespace {

// --attack-version -> --attack_version, in place (the name part only).
void UnderscoreFlagNames(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    if (absl::string_view(argv[i]) == "--") break;
    if (argv[i][0] != '-' || argv[i][1] != '-') continue;
    for (char* p = argv[i] + 2; *p != '\0' && *p != '='; ++p) {
      if (*p == '-') *p = '_';
    }
  }
}

bool IsHelp(absl::string_view a) {
  return a == "--help" || a == "-h" || a == "--helpfull" || a == "help";
}

// The flag named by `name` (or `no<name>` for a boolean); nullptr if none.
const absl::CommandLineFlag* LookUp(absl::string_view name, bool* negated) {
  *negated = false;
  if (const absl::CommandLineFlag* f = absl::FindCommandLineFlag(name)) {
    return f;
  }
  if (absl::StartsWith(name, "no")) {
    const absl::CommandLineFlag* f = absl::FindCommandLineFlag(name.substr(2));
    if (f != nullptr && f->IsOfType<bool>()) {
      *negated = true;
      return f;
    }
  }
  return nullptr;
}

// The usage error for `cov NAME ARGS` when no entry handles ARGS[0].
absl::Status NoEntry(const std::string& name,
                     const std::vector<std::string>& args) {
  std::vector<const Command*> named = CommandsNamed(name);
  if (named.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("unknown command '", name, "'"));
  }
  std::vector<std::string> kinds;
  for (const Command* c : named) {
    kinds.insert(kinds.end(), c->kinds.begin(), c->kinds.end());
  }
  if (args.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "usage: cov ", name, " ", absl::StrJoin(kinds, "|"), " PATH"));
  }
  return absl::InvalidArgumentError(absl::StrCat(
      "cannot ", name, " '", args[0], "': use ", absl::StrJoin(kinds, ", ")));
}

}  // namespace

absl::StatusOr<CommandLine> CheckCommandLine(int argc, char** argv) {
  UnderscoreFlagNames(argc, argv);
  CommandLine cl;
  std::vector<std::string> flags;
  for (int i = 1; i < argc; ++i) {
    absl::string_view a = argv[i];
    if (a == "--") break;
    if (IsHelp(a)) {
      cl.help = true;
    } else if (absl::StartsWith(a, "--")) {
      const size_t eq = a.find('=');
      absl::string_view name = a.substr(2, eq == a.npos ? a.npos : eq - 2);
      bool negated = false;
      const absl::CommandLineFlag* f = LookUp(name, &negated);
      if (f == nullptr) {
        return absl::InvalidArgumentError(
            absl::StrCat("unknown flag --", name));
      }
      flags.push_back(std::string(negated ? name.substr(2) : name));
      // `--flag value`: the value is not the command.
      if (eq == a.npos && !f->IsOfType<bool>()) ++i;
    } else if (absl::StartsWith(a, "-") && a.size() > 1) {
      return absl::InvalidArgumentError(absl::StrCat("unknown flag ", a));
    } else if (cl.command.empty()) {
      cl.command = std::string(a);
    } else {
      cl.args.emplace_back(a);
    }
  }
  if (cl.command.empty()) return cl;
  cl.entry = FindCommand(cl.command, cl.args);
  if (cl.help && !CommandsNamed(cl.command).empty()) return cl;
  if (cl.entry == nullptr) {
    if (cl.help) return cl;
    return NoEntry(cl.command, cl.args);
  }
  for (const std::string& f : flags) {
    if (!TakesFlag(*cl.entry, f)) {
      return absl::InvalidArgumentError(
          absl::StrCat("--", f, " is not a flag of `cov ", cl.command,
                       "` (see cov ", cl.command, " --help)"));
    }
  }
  return cl;
}

}  // namespace cov::clients::cli
