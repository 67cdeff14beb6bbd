// THE command table of `cov`. `cov --help`, `cov COMMAND --help`, the flag
// check (a flag a command does not list is a usage error) and the dispatch
// all come from it.
//
// To add a command:
//   1. write its handler `int MyCommand(Client&, const Args&)` (and its long
//      help `kMyCommandHelp`) in the group's *_commands.cc, declare both in
//      handlers.h;
//   2. define any new flag in flags.cc (ABSL_FLAG) and declare it in flags.h;
//   3. add one entry below, in the group it belongs to: name, group, kinds
//      (first arguments it handles, or {} for any), synopsis, one-line
//      summary, long help, the flags it takes besides the global ones, extra
//      --format values, handler.
//   4. list the new .cc in clients/cli/BUILD.bazel.
#include <algorithm>

#include "clients/cli/command.h"
#include "clients/cli/handlers.h"
#include "clients/cli/rule_formats.h"

namespace cov::clients::cli {
namespace {

constexpr char kKb[] = "Knowledge base";
constexpr char kCoverage[] = "Coverage";
constexpr char kCi[] = "CI";
constexpr char kEmulation[] = "Emulation and validation";
constexpr char kRules[] = "Rules";
constexpr char kProof[] = "Proven coverage (rules run on recorded attacks)";
constexpr char kAdmin[] = "Administration (admin token)";

// Flags of every command that computes coverage.
#define COVERAGE_FLAGS \
  "profile", "rollup", "tactic_context", "include_disabled", "evidence"
// Flags of the commands that replay logs through the stored Sigma rules.
#define REPLAY_FLAGS \
  "source", "profile", "include_disabled", "max_examples", "upload"
// Flags naming a plan subject.
#define PLAN_FLAGS                                                       \
  "group", "software", "campaign", "technique", "ctid_plan", "platform", \
      "include_campaigns"

std::vector<Command> BuildTable() {
  return {
      // clang-format off
      {"ingest", kKb, {"attack"}, "ingest attack FILE",
       "load an ATT&CK STIX bundle (enterprise, mobile, ics; v8-v18.1) as one "
       "release [--version V] [--make_default]",
       kIngestAttackHelp, {"version", "make_default", "server_path", "upload"}, {},
       IngestAttack},
      {"releases", kKb, {}, "releases", "list stored ATT&CK releases",
       "  Lists stored ATT&CK releases; * marks the default.\n", {}, {},
       Releases},
      {"default", kKb, {}, "default VERSION|DOMAIN@VERSION",
       "make a stored release the default",
       "  Makes a stored release the default for queries without "
       "--attack_version.\n", {}, {}, Default},
      {"technique", kKb, {}, "technique ID",
       "everything ATT&CK says of a technique (tactics, platforms, data "
       "components, users, mitigations); a revoked ID answers with its "
       "replacement", kTechniqueHelp, {}, {}, Technique},
      {"actor", kKb, {}, "actor ID|NAME|ALIAS",
       "a group, software or campaign",
       "  Shows a group (G0007, APT28, Fancy Bear), software (S0002) or "
       "campaign\n  (C0022) with the techniques it uses.\n", {}, {}, Actor},
      {"search", kKb, {}, "search TEXT... [--kind K,...] [--limit N] [--all]",
       "search names, IDs, aliases and descriptions",
       "  Every word must match an ID, name, alias or description\n"
       "  (case-insensitive). Name matches rank first.\n",
       {"kind", "limit", "all"}, {}, Search},
      {"stats", kKb, {}, "stats", "store contents and server version",
       "  Releases, store size, server version and uptime.\n", {}, {}, Stats},

      {"coverage", kCoverage, {},
       "coverage [--profile FILE] "
       "[--by tactic|technique|platform|source|killchain] "
       "[--rollup] [--tactic_context] [--include_disabled]",
       "per tactic: techniques in reach, covered, ratio", kCoverageHelp,
       {COVERAGE_FLAGS, "by", "rules_per_technique"}, {}, Coverage},
      {"gaps", kCoverage, {}, "gaps [--profile FILE] [--group G,...] [--top N]",
       "techniques in reach without a rule, ranked by how many "
       "groups/software/campaigns use them", kGapsHelp,
       {COVERAGE_FLAGS, "group", "top"}, {}, Gaps},
      {"layer", kCoverage, {},
       "layer coverage|gaps [--profile FILE] [--out FILE] [--format csv|xlsx]",
       "ATT&CK Navigator layer (format 4.5), CSV or Excel", kLayerHelp,
       {COVERAGE_FLAGS, "out", "name", "include_unreachable"}, {"csv", "xlsx"},
       Layer},
      {"report", kCoverage, {}, "report [--profile FILE] --out FILE.html",
       "self-contained HTML matrix of the coverage", kReportHelp,
       {COVERAGE_FLAGS, "out", "name", "include_unreachable"}, {}, Report},
      {"profile", kCoverage, {}, "profile infer [--source S,...] [--out FILE]",
       "propose a telemetry profile from the rules", kProfileHelp,
       {"source", "name", "out"}, {}, Profile},

      {"check", kCi, {},
       "check PATH... [--base DIR|GIT_REV] [--profile FILE] "
       "[--fail_on error|warning] [--format text|json|sarif|junit|github] "
       "[--allow_regression T,...] [--attack BUNDLE]",
       "lint rules, check ATT&CK tags, gate coverage regressions", kCheckHelp,
       {COVERAGE_FLAGS, "base", "fail_on", "allow_regression",
        "flag_parent_and_sub", "attack", "covd", "version", "tests",
        "rule_format"},
       {"text", "sarif", "junit", "github"}, Check},
      {"fix", kCi, {},
       "fix PATH... --revoked [--dry_run] [--rule_format F] [--attack BUNDLE]",
       "rewrite revoked ATT&CK IDs to their replacements", kFixHelp,
       {"revoked", "dry_run", "rule_format", "attack", "covd", "version"}, {},
       Fix},

      {"ingest", kEmulation, {"atomics", "plans"},
       "ingest atomics|plans PATH [--source NAME]",
       "Atomic Red Team atomics / CTID emulation plans",
       "  Reads a folder covd can see: Atomic Red Team atomics (atomics/T*/\n"
       "  T*.yaml) or CTID adversary-emulation plans.\n",
       {"source"}, {}, IngestLibrary},
      {"plan", kEmulation, {},
       "plan --group G | --software S | --campaign C | --technique T,... | "
       "--ctid_plan NAME [--platform P] [--format table|json|yaml|layer|"
       "markdown|xlsx]",
       "steps in kill-chain order with tests and rules", kPlanHelp,
       {PLAN_FLAGS, "out"}, {"yaml", "layer", "markdown", "xlsx"}, Plan},
      {"experiment", kEmulation, {},
       "experiment start (plan flags) --name N [--since T] [--until T] | "
       "record EXP --technique T --outcome detected|missed|partial "
       "[--test GUID] [--rule UID,...] [--note TEXT] | import EXP --eve FILE "
       "| --jsonl FILE | replay EXP LOGS... | replay --dataset FILE|DIR "
       "[--record] | scan EXP PATH... --source YARA | show EXP | list | "
       "rm EXP",
       "validation experiments: record outcomes, import alerts, replay logs, "
       "scan files; rm removes one", kExperimentHelp,
       {PLAN_FLAGS, "name", "since", "until", "test", "outcome", "rule",
        "note", "eve", "jsonl", REPLAY_FLAGS, "dataset", "record",
        "max_file_mb", "scan_timeout"}, {}, Experiment},

      {"replay", kProof, {},
       "replay LOGS... [--source S,...] [--profile FILE] [--max_examples N] "
       "[--upload]",
       "run the stored Sigma rules on recorded event logs: matches per rule, "
       "techniques detected", kReplayHelp, {REPLAY_FLAGS}, {}, Replay},
      {"scan", kProof, {},
       "scan PATH... --source YARA_SOURCE [--max_file_mb N] "
       "[--scan_timeout S] [--upload]",
       "run a YARA source's stored rules on files: matches and techniques",
       kScanHelp, {"source", "upload", "max_file_mb", "scan_timeout"}, {},
       Scan},

      {"ingest", kRules, RuleFormatNames(), "ingest sigma|suricata|yara PATH "
       "[--source NAME]",
       "ingest a rule folder as a named source (incremental: unchanged files "
       "are skipped)", kIngestRulesHelp, {"source", "min_score"}, {},
       IngestRules},
      {"sources", kRules, {}, "sources [rm NAME]",
       "rule sources with rule, file and error counts; rm removes one",
       "  Lists rule sources: format, rules, files, errors, git commit,\n"
       "  ingest time and path, then the test libraries (atomics, plans).\n"
       "  rm NAME removes a source and all its rules at once (write role).\n",
       {}, {}, Sources},
      {"errors", kRules, {}, "errors SOURCE",
       "every problem found in a source (file:line: message)",
       "  Prints every diagnostic of a source's last ingest as\n"
       "  path:line:col: severity: message [code]. Exit 1 when there are "
       "errors.\n", {}, {}, Errors},
      {"rules", kRules, {}, "rules [--source S] [--technique T]",
       "list rules with their ATT&CK references", kRulesHelp,
       {"source", "technique", "page_size", "page_token"}, {}, Rules},

      {"admin", kAdmin, {},
       "admin backup --to DIR [--keep N] | admin backups [--from DIR] | "
       "admin restore --from DIR [--id N] | admin reload",
       "consistent, incremental backups of the live store and live "
       "restores; a replica reloads the newest backup of its --snapshot_from",
       kAdminHelp, {"to", "from", "id", "keep"}, {}, Admin},
      {"releases", kAdmin, {"rm"},
       "releases rm DOMAIN@VERSION [--new_default DOMAIN@VERSION]",
       "remove a stored ATT&CK release; the default only with a replacement",
       kReleasesRmHelp, {"new_default"}, {}, ReleasesRm},
      // clang-format on
  };
}

#undef COVERAGE_FLAGS
#undef PLAN_FLAGS

}  // namespace

const std::vector<Command>& Commands() {
  static const auto* kTable = new std::vector<Command>(BuildTable());
  return *kTable;
}

const std::vector<absl::string_view>& GlobalFlags() {
  static const auto* kGlobal = new std::vector<absl::string_view>{
      "server",   "format",  "attack_version",  "domain",
      "timeout",  "token",   "token_file",      "tls_ca",
      "tls_cert", "tls_key", "tls_server_name", "round_robin"};
  return *kGlobal;
}

const Command* FindCommand(absl::string_view name,
                           const std::vector<std::string>& args) {
  // An entry whose kinds name args[0] wins over one taking any arguments
  // (`releases rm` over `releases`), wherever each is in the table.
  const Command* any = nullptr;
  for (const Command& c : Commands()) {
    if (c.name != name) continue;
    if (c.kinds.empty()) {
      if (any == nullptr) any = &c;
      continue;
    }
    if (!args.empty() &&
        std::find(c.kinds.begin(), c.kinds.end(), args[0]) != c.kinds.end()) {
      return &c;
    }
  }
  return any;
}

std::vector<const Command*> CommandsNamed(absl::string_view name) {
  std::vector<const Command*> out;
  for (const Command& c : Commands()) {
    if (c.name == name) out.push_back(&c);
  }
  return out;
}

bool TakesFlag(const Command& command, absl::string_view flag) {
  const auto& global = GlobalFlags();
  return std::find(global.begin(), global.end(), flag) != global.end() ||
         std::find(command.flags.begin(), command.flags.end(), flag) !=
             command.flags.end();
}

}  // namespace cov::clients::cli
