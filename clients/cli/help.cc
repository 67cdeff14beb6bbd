#include "clients/cli/help.h"

#include <algorithm>
#include <vector>

#include "absl/flags/reflection.h"
#include "absl/strings/str_cat.h"
#include "clients/cli/command.h"
#include "clients/cli/output.h"

namespace cov::clients::cli {
namespace {

constexpr char kHeader[] =
    "cov - ATT&CK detection coverage, from the command line.\n\n"
    "Usage: cov [flags] COMMAND [ARGS]\n";

constexpr char kGlobal[] =
    "Global flags:\n"
    "  --server HOST:PORT       covd address (default $COV_SERVER, else "
    "127.0.0.1:8470)\n"
    "  --format table|json      output format (json = proto3 JSON of the "
    "response)\n"
    "  --attack_version V       query release V (e.g. 17.1); --domain D "
    "likewise\n"
    "  --timeout SECONDS        RPC deadline (default 60)\n"
    "  --token_file FILE        bearer token for a covd with --tokens (also\n"
    "                           $COV_TOKEN, or --token TOKEN)\n"
    "  --tls_ca FILE            connect with TLS, trusting this CA; --tls_cert "
    "and\n"
    "                           --tls_key add a client certificate\n"
    "  --round_robin            spread calls over every address --server "
    "resolves to\n"
    "                           (read replicas behind a headless Service)\n"
    "Flag names also take dashes (--attack-version).\n\n"
    "Exit codes: 0 success, 1 request failed or not found, 2 usage error.\n"
    "Run `cov COMMAND --help` for a command's details.\n";

constexpr size_t kColumn = 24;  // synopsis column width in `cov --help`
constexpr size_t kWidth = 78;

// "  synopsis   summary" (summary on the next lines when the synopsis is
// long), wrapped to kWidth.
std::string Entry(const Command& c) {
  const std::string indent(kColumn + 3, ' ');
  std::string out;
  if (c.synopsis.size() <= kColumn) {
    std::string summary = Wrap(c.summary, kWidth - indent.size(), indent);
    absl::StrAppend(&out, "  ", c.synopsis,
                    std::string(kColumn + 1 - c.synopsis.size(), ' '),
                    summary.substr(indent.size()));
  } else {
    std::string synopsis = Wrap(c.synopsis, kWidth - 8, "        ");
    absl::StrAppend(&out, "  ", synopsis.substr(8),
                    Wrap(c.summary, kWidth - indent.size(), indent));
  }
  return out;
}

std::string FlagLines(const std::vector<absl::string_view>& names) {
  std::string out;
  for (absl::string_view name : names) {
    const absl::CommandLineFlag* f = absl::FindCommandLineFlag(name);
    if (f == nullptr) continue;
    std::string line = absl::StrCat("  --", name);
    line.resize(std::max<size_t>(line.size() + 1, kColumn + 3), ' ');
    std::string help =
        Wrap(f->Help(), kWidth - kColumn - 3, std::string(kColumn + 3, ' '));
    absl::StrAppend(&out, line,
                    help.substr(std::min(help.size(), kColumn + 3)));
  }
  return out;
}

}  // namespace

std::string GeneralHelp() {
  std::string out = kHeader;
  std::vector<absl::string_view> groups;
  for (const Command& c : Commands()) {
    if (std::find(groups.begin(), groups.end(), c.group) == groups.end()) {
      groups.push_back(c.group);
    }
  }
  for (absl::string_view g : groups) {
    absl::StrAppend(&out, "\n", g, ":\n");
    for (const Command& c : Commands()) {
      if (c.group == g) absl::StrAppend(&out, Entry(c));
    }
  }
  absl::StrAppend(&out, "\n", kGlobal);
  return out;
}

std::string CommandHelp(absl::string_view name) {
  std::vector<const Command*> entries = CommandsNamed(name);
  if (entries.empty()) return GeneralHelp();
  std::string out;
  std::vector<absl::string_view> flags;
  for (const Command* c : entries) {
    const std::string synopsis =
        Wrap(absl::StrCat("cov ", c->synopsis), kWidth - 4, "    ");
    absl::StrAppend(&out, synopsis.substr(4), c->help, "\n");
    for (absl::string_view f : c->flags) {
      if (std::find(flags.begin(), flags.end(), f) == flags.end()) {
        flags.push_back(f);
      }
    }
  }
  if (!flags.empty()) absl::StrAppend(&out, "Flags:\n", FlagLines(flags), "\n");
  absl::StrAppend(&out,
                  "Global flags (--server, --format, --attack_version, "
                  "--timeout, --token_file, ...): cov --help\n");
  return out;
}

}  // namespace cov::clients::cli
