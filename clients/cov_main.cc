// cov: the command-line client of covd. A thin gRPC client: every command is
// one or two RPCs of cov.v1.CovService and a rendering of the answer.
//
// Exit codes: 0 success, 1 failed request or not found, 2 usage error.
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/reflection.h"
#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "cov/v1/cov.grpc.pb.h"
#include "google/protobuf/util/json_util.h"
#include "grpcpp/grpcpp.h"
#include "grpcpp/security/credentials.h"
#include "grpcpp/support/client_interceptor.h"
#include "ingest/base/file_walk.h"

ABSL_FLAG(std::string, server, "",
          "covd address host:port. Default: $COV_SERVER, else 127.0.0.1:8470.");
ABSL_FLAG(std::string, format, "table",
          "Output format: table (for people) or json (the RPC response in the "
          "proto3 JSON mapping, lowerCamelCase fields).");
ABSL_FLAG(std::string, attack_version, "",
          "ATT&CK release version to query, e.g. 17.1. Default: the store's "
          "default release.");
ABSL_FLAG(std::string, domain, "",
          "ATT&CK domain: enterprise-attack, mobile-attack or ics-attack. "
          "Default: the default release's domain.");
ABSL_FLAG(std::string, version, "",
          "ingest attack: version to record when neither the bundle nor the "
          "file name carries one.");
ABSL_FLAG(bool, make_default, false,
          "ingest attack: make this release the default.");
ABSL_FLAG(bool, server_path, false,
          "ingest attack: send the path for covd to read instead of the "
          "file's bytes (covd must see the same file system).");
ABSL_FLAG(std::vector<std::string>, kind, {},
          "search: restrict to kinds (technique, tactic, group, software, "
          "campaign, mitigation, data-component), comma-separated.");
ABSL_FLAG(int, limit, 20, "search: maximum hits.");
ABSL_FLAG(bool, all, false, "search: include revoked and deprecated objects.");
ABSL_FLAG(double, timeout, 60, "RPC deadline in seconds.");
ABSL_FLAG(std::string, token, "",
          "Bearer token for a covd with --tokens (visible in `ps`: prefer "
          "--token_file or $COV_TOKEN).");
ABSL_FLAG(std::string, token_file, "",
          "File holding the bearer token (surrounding whitespace ignored).");
ABSL_FLAG(std::string, tls_ca, "",
          "PEM CA bundle that signed covd's certificate: connect with TLS.");
ABSL_FLAG(std::string, tls_cert, "",
          "PEM client certificate for a covd with --tls_client_ca "
          "(with --tls_key).");
ABSL_FLAG(std::string, tls_key, "", "PEM private key of --tls_cert.");
ABSL_FLAG(std::string, to, "",
          "admin backup: backup directory on the server (created when "
          "missing).");
ABSL_FLAG(std::string, from, "",
          "admin backups|restore: backup directory on the server. Default: "
          "the server's --snapshot_from.");
ABSL_FLAG(uint32_t, id, 0, "admin restore: backup ID (default: the latest).");
ABSL_FLAG(uint32_t, keep, 0,
          "admin backup: then delete all but the newest N backups (default 0: "
          "keep all).");
ABSL_FLAG(bool, round_robin, false,
          "Spread calls over every address --server resolves to (e.g. "
          "dns:///covd.cov.svc.cluster.local:8470, the headless Service of "
          "read replicas) and retry UNAVAILABLE on another replica.");
ABSL_FLAG(std::string, tls_server_name, "",
          "Name to verify covd's certificate against (default: the host of "
          "--server).");
ABSL_FLAG(std::string, source, "",
          "ingest sigma|suricata|yara: rule source name (default: the "
          "folder's base name); rules: only this source.");
ABSL_FLAG(std::string, technique, "",
          "rules: only rules that reference this technique.");
ABSL_FLAG(int, page_size, 50, "rules: rules per page.");
ABSL_FLAG(std::string, profile, "",
          "coverage/gaps/layer/report: telemetry profile YAML file "
          "(deploy/profiles/*.yaml). Default: all telemetry, all sources.");
ABSL_FLAG(std::string, by, "tactic",
          "coverage: tactic, technique, platform or source.");
ABSL_FLAG(bool, rollup, false,
          "coverage/gaps: a parent technique counts as covered when one of "
          "its sub-techniques is.");
ABSL_FLAG(bool, tactic_context, false,
          "coverage/gaps: a rule that names tactics counts only under those "
          "tactics.");
ABSL_FLAG(bool, include_disabled, false,
          "coverage/gaps: count disabled (commented-out) rules too.");
ABSL_FLAG(std::vector<std::string>, group, {},
          "gaps: rank by these groups only (ID, name or alias; "
          "comma-separated); plan/experiment start: the group to emulate.");
ABSL_FLAG(int, top, 20, "gaps: show the N best-ranked gaps (0 = all).");
ABSL_FLAG(std::string, out, "",
          "layer/report/profile infer: write the result to this file "
          "(default: standard output).");
ABSL_FLAG(std::string, name, "", "layer/report/profile infer: title or name.");
ABSL_FLAG(bool, include_unreachable, false,
          "layer: list techniques outside the profile's reach as disabled.");
ABSL_FLAG(std::string, base, "",
          "check: base revision for the coverage delta: a folder (holding the "
          "same PATHs) or a git revision (main, HEAD~1, a commit).");
ABSL_FLAG(std::string, fail_on, "error",
          "check: lowest finding severity that fails: error or warning.");
ABSL_FLAG(std::vector<std::string>, allow_regression, {},
          "check: techniques whose loss is accepted (T1197,T1105).");
ABSL_FLAG(bool, flag_parent_and_sub, false,
          "check: report rules tagging a parent and its sub-technique.");
ABSL_FLAG(std::string, attack, "",
          "check/fix: one-command CI mode: start a private covd on a "
          "loopback port with this ATT&CK bundle, run, stop it.");
ABSL_FLAG(std::string, covd, "",
          "check/fix --attack: the covd binary (default: next to cov, or "
          "$COV_COVD).");
ABSL_FLAG(bool, revoked, false, "fix: rewrite revoked ATT&CK IDs.");
ABSL_FLAG(bool, dry_run, false, "fix: print a unified diff, change nothing.");
ABSL_FLAG(std::string, software, "",
          "plan/experiment start: a software (ID or name).");
ABSL_FLAG(std::string, campaign, "",
          "plan/experiment start: a campaign (C####).");
ABSL_FLAG(std::string, ctid_plan, "",
          "plan/experiment start: a stored CTID plan name.");
ABSL_FLAG(std::string, platform, "",
          "plan: keep tests for this platform (windows, linux, macos).");
ABSL_FLAG(bool, include_campaigns, false,
          "plan: add techniques of campaigns attributed to the group.");
ABSL_FLAG(std::string, test, "", "experiment record: the test GUID.");
ABSL_FLAG(std::string, outcome, "",
          "experiment record: detected, missed or partial.");
ABSL_FLAG(std::vector<std::string>, rule, {},
          "experiment record: rule uids that fired.");
ABSL_FLAG(std::string, note, "", "experiment record: free text.");
ABSL_FLAG(std::string, eve, "", "experiment import: Suricata EVE JSON file.");
ABSL_FLAG(std::string, jsonl, "",
          "experiment import: JSON lines with a rule ID per alert.");
ABSL_FLAG(
    std::string, since, "",
    "experiment start: window start (RFC 3339 or unix seconds; default now).");
ABSL_FLAG(std::string, until, "",
          "experiment start: window end (default open).");
ABSL_FLAG(
    std::string, evidence, "",
    "coverage/gaps/layer/report: minimum evidence: claimed or validated.");
ABSL_FLAG(int, rules_per_technique, 0,
          "coverage: rules listed per technique in JSON (0 = 20, -1 = all).");
ABSL_FLAG(std::string, page_token, "",
          "rules: page token from a previous call.");

namespace {

constexpr char kDefaultServer[] = "127.0.0.1:8470";

constexpr char kUsage[] =
    R"(cov - ATT&CK detection coverage, from the command line.

Usage: cov [flags] COMMAND [ARGS]

Knowledge base:
  ingest attack FILE       load an ATT&CK STIX bundle (enterprise, mobile, ics;
                           v8-v18.1) as one release [--version V] [--make_default]
  releases                 list stored ATT&CK releases
  default VERSION|DOMAIN@VERSION
                           make a stored release the default
  technique ID             everything ATT&CK says of a technique (tactics,
                           platforms, data components, users, mitigations);
                           a revoked ID answers with its replacement
  actor ID|NAME|ALIAS      a group, software or campaign
  search TEXT...           search names, IDs, aliases and descriptions
                           [--kind K,...] [--limit N] [--all]
  stats                    store contents and server version

Coverage:
  coverage [--profile FILE] [--by tactic|technique|platform|source] [--rollup]
           [--tactic_context] [--include_disabled]
                           per tactic: techniques in reach, covered, ratio
  gaps [--profile FILE] [--group G,...] [--top N]
                           techniques in reach without a rule, ranked by how
                           many groups/software/campaigns use them

  layer coverage|gaps [--profile FILE] [--out FILE] [--format csv]
                           ATT&CK Navigator layer (format 4.5) or CSV
  report [--profile FILE] --out FILE.html
                           self-contained HTML matrix of the coverage
  profile infer [--source S,...] [--out FILE]
                           propose a telemetry profile from the rules

CI:
  check PATH... [--base DIR|GIT_REV] [--profile FILE] [--fail_on error|warning]
        [--format text|json|sarif|junit|github] [--allow_regression T,...]
        [--attack BUNDLE]
                           lint rules, check ATT&CK tags, gate coverage regressions
  fix PATH... --revoked [--dry_run] [--attack BUNDLE]
                           rewrite revoked ATT&CK IDs to their replacements

Emulation and validation:
  ingest atomics|plans PATH [--source NAME]
                           Atomic Red Team atomics / CTID emulation plans
  plan --group G | --software S | --campaign C | --technique T,... |
       --ctid_plan NAME [--platform P] [--format table|json|yaml|layer|markdown]
                           steps in kill-chain order with tests and rules
  experiment start (plan flags) --name N [--since T] [--until T]
  experiment record EXP --technique T --outcome detected|missed|partial
                    [--test GUID] [--rule UID,...] [--note TEXT]
  experiment import EXP --eve FILE | --jsonl FILE
  experiment show EXP | experiment list

Rules:
  ingest sigma|suricata|yara PATH [--source NAME]
                           ingest a rule folder as a named source (incremental:
                           unchanged files are skipped)
  sources                  rule sources with rule, file and error counts
  errors SOURCE            every problem found in a source (file:line: message)
  rules [--source S] [--technique T]
                           list rules with their ATT&CK references

Administration (admin token):
  admin backup --to DIR [--keep N]
                           consistent, incremental backup of the live store
  admin backups [--from DIR]
                           list the backups of a directory
  admin restore --from DIR [--id N]
                           verify a backup and swap it in live (the previous
                           store is kept aside)
  admin reload             replica: load the newest backup of its --snapshot_from

Global flags:
  --server HOST:PORT       covd address (default $COV_SERVER, else 127.0.0.1:8470)
  --format table|json      output format (json = proto3 JSON of the response)
  --attack_version V       query release V (e.g. 17.1); --domain D likewise
  --timeout SECONDS        RPC deadline (default 60)
  --token_file FILE        bearer token for a covd with --tokens (also
                           $COV_TOKEN, or --token TOKEN)
  --tls_ca FILE            connect with TLS, trusting this CA; --tls_cert and
                           --tls_key add a client certificate
  --round_robin            spread calls over every address --server resolves to
                           (read replicas behind a headless Service)

Exit codes: 0 success, 1 request failed or not found, 2 usage error.
Run `cov COMMAND --help` for a command's details.
)";

const std::map<std::string, std::string>& CommandHelp() {
  static const auto* kHelp = new std::map<std::string, std::string>{
      {"ingest",
       "cov ingest attack FILE [--version V] [--make_default] [--server_path]\n"
       "cov ingest sigma|suricata|yara PATH [--source NAME] [--attack_version "
       "V]\n"
       "\n"
       "  Rules: PATH (a folder, read recursively, or one file) is read by "
       "covd\n"
       "  and stored as the source NAME (default: the folder's name). "
       "Re-running\n"
       "  only re-parses files that changed and drops rules of removed files;\n"
       "  the switch is atomic. Problems are listed by `cov errors NAME`.\n"
       "  ATT&CK references are checked against the default release (or V).\n\n"
       "  Loads a STIX bundle as one ATT&CK release. The version comes from "
       "the\n"
       "  bundle's x-mitre-collection object, else from the file name\n"
       "  (enterprise-attack-18.1.json), else from --version. Atomic: a bad "
       "file\n"
       "  leaves the store as it was. The first release loaded is the "
       "default.\n"},
      {"releases",
       "cov releases\n  Lists stored ATT&CK releases; * marks the default.\n"},
      {"coverage",
       "cov coverage [--profile FILE] [--by tactic|technique|platform|source]\n"
       "             [--rollup] [--tactic_context] [--include_disabled]\n"
       "             [--attack_version V] [--format json]\n"
       "  Per tactic: potential (active techniques and sub-techniques whose "
       "data\n"
       "  components the profile owns; all of them without a profile), "
       "covered\n"
       "  (with at least one counting rule) and their ratio.\n"
       "  Semantics: a rule tagged with a sub-technique covers that "
       "sub-technique;\n"
       "  --rollup also counts a parent as covered through its sub-techniques; "
       "a\n"
       "  covered technique counts under each of its tactics, or with\n"
       "  --tactic_context only under the tactics its rules name; disabled "
       "rules\n"
       "  and rules below the profile's min_status/min_level do not count;\n"
       "  revoked IDs count for their replacement; unknown, deprecated and\n"
       "  wrong-domain IDs never count.\n"
       "  --by technique lists techniques in reach with their rule counts;\n"
       "  --by platform / --by source add per-platform / per-source totals.\n"
       "  JSON fields: tactics[].tactic, potential, covered, ratio;\n"
       "  techniques[].techniqueId, ruleCount.\n"},
      {"gaps",
       "cov gaps [--profile FILE] [--group G,...] [--top N] [--rollup]\n"
       "  Techniques in the profile's reach that no counting rule covers, "
       "ranked\n"
       "  by how many groups, software and campaigns use them (with --group: "
       "by\n"
       "  how many of the named groups use them, directly or via their\n"
       "  software). Each gap shows its tactics, data components, detection\n"
       "  strategies and analytics, who uses it and how, and references.\n"
       "  JSON fields: gaps[].techniqueId, score. Default --top 20 (0 = "
       "all).\n"},
      {"layer",
       "cov layer coverage|gaps [--profile FILE] [--out FILE] [--format csv]\n"
       "          [--rollup] [--tactic_context] [--include_unreachable] "
       "[--name N]\n"
       "  Writes an ATT&CK Navigator layer (layer format 4.5: one entry per\n"
       "  technique and tactic, score = rules (coverage) or users (gaps),\n"
       "  comment, metadata with rule IDs, gradient and legend), loadable in "
       "the\n"
       "  Navigator; --format csv writes a spreadsheet instead.\n"},
      {"report",
       "cov report [--profile FILE] --out FILE.html [--name TITLE]\n"
       "  Writes one self-contained HTML page (no network access): the ATT&CK\n"
       "  matrix with tactics in kill-chain order, sub-techniques under their\n"
       "  parent, each cell coloured by coverage, per-tactic ratios on top "
       "and\n"
       "  details (rules, data components, groups) on click.\n"},
      {"profile",
       "cov profile infer [--source S,...] [--name N] [--out FILE]\n"
       "  Proposes a profile YAML from the rules of the sources (all by\n"
       "  default): each rule's telemetry need (Sigma logsource -> data\n"
       "  components, see deploy/profiles/telemetry-mapping.md; Suricata ->\n"
       "  network traffic; YARA -> file content) becomes owned telemetry.\n"
       "  Logsources the table does not map are listed.\n"},
      {"check",
       "cov check PATH... [--base DIR|GIT_REV] [--profile FILE]\n"
       "          [--attack_version V] [--fail_on error|warning]\n"
       "          [--format text|json|sarif|junit|github]\n"
       "          [--allow_regression T1197,...] [--flag_parent_and_sub]\n"
       "          [--attack BUNDLE [--covd PATH]]\n"
       "  Reads the rule files under PATH (.yml/.yaml Sigma, .rules Suricata,\n"
       "  .yar/.yara YARA) and reports findings with file, line, severity and "
       "a\n"
       "  stable code: files that do not parse, rules breaking their format's\n"
       "  specification, ATT&CK references that are unknown to the release\n"
       "  (attack-unknown), of another domain (attack-wrong-domain), revoked\n"
       "  (attack-revoked, with the replacement), deprecated, or paired with "
       "a\n"
       "  tactic ATT&CK does not give them; rules naming no technique; parent\n"
       "  and sub-technique tagged together (--flag_parent_and_sub); "
       "duplicate\n"
       "  Sigma ids / Suricata sids (duplicate-id).\n"
       "  With --base (a folder or a git revision of the same repository) it\n"
       "  also computes the coverage delta; losing the last rule of a "
       "technique\n"
       "  is a regression and fails unless allowed by --allow_regression or a\n"
       "  marker `cov: allow-regression T1197` in a file of the change.\n"
       "  --attack BUNDLE runs a private covd on a loopback port for the "
       "check\n"
       "  (one command in CI); otherwise a running covd is used.\n"
       "  Exit: 0 clean, 1 failing findings or regression, 2 usage or\n"
       "  infrastructure error.\n"},
      {"fix",
       "cov fix PATH... --revoked [--dry_run] [--attack_version V] [--attack "
       "BUNDLE]\n"
       "  Rewrites revoked ATT&CK IDs to their replacements in Sigma tags,\n"
       "  Suricata metadata and YARA meta/tags, touching nothing else in the\n"
       "  file (formatting, comments and line endings are kept), and prints\n"
       "  each change; --dry_run prints a unified diff instead of writing.\n"},
      {"plan",
       "cov plan --group G | --software S | --campaign C |\n"
       "         --technique T1197,T1105 | --ctid_plan NAME\n"
       "         [--platform windows] [--include_campaigns]\n"
       "         [--format table|json|yaml|layer|markdown] [--out FILE]\n"
       "  The techniques of the subject (a group's own, through its software,\n"
       "  and with --include_campaigns through its campaigns) in kill-chain\n"
       "  order (a CTID plan keeps its own order). Each step shows the ATT&CK\n"
       "  procedure text, the test procedures for the platform (Atomic Red "
       "Team,\n"
       "  or \"no test available\"), the rules expected to fire, the data\n"
       "  components needed and the evidence tier (claimed, validated, "
       "failed,\n"
       "  stale). yaml = CTID plan format; layer = ATT&CK Navigator layer;\n"
       "  markdown = an operator runbook.\n"},
      {"experiment",
       "cov experiment start (plan flags) --name N [--since T] [--until T]\n"
       "  Records the plan and a time window; prints the experiment ID.\n"
       "cov experiment record EXP --technique T --outcome "
       "detected|missed|partial\n"
       "                      [--test GUID] [--rule UID,...] [--note TEXT]\n"
       "cov experiment import EXP --eve FILE | --jsonl FILE\n"
       "  Maps each alert in the window to its rule (EVE: alert.signature_id "
       "->\n"
       "  Suricata sid; JSON lines: rule_id / sigma_id -> rule) and "
       "techniques:\n"
       "  planned techniques that fired are detected, the others missed.\n"
       "  Malformed lines are counted and listed; the rest is imported.\n"
       "cov experiment show EXP | cov experiment list\n"
       "  Exit 1 from show when a planned technique was missed.\n"},
      {"sources",
       "cov sources\n  Lists rule sources: format, rules, files, errors, git "
       "commit,\n"
       "  ingest time and path.\n"},
      {"errors",
       "cov errors SOURCE\n  Prints every diagnostic of a source's last ingest "
       "as\n"
       "  path:line:col: severity: message [code]. Exit 1 when there are "
       "errors.\n"},
      {"rules",
       "cov rules [--source S] [--technique T1197] [--page_size N] "
       "[--page_token P]\n"
       "  Lists rules with their ATT&CK references and how each resolves\n"
       "  against the release they were ingested with (valid, revoked -> its\n"
       "  replacement, deprecated, unknown, wrong domain, tactic mismatch).\n"},
      {"default",
       "cov default VERSION | DOMAIN@VERSION\n"
       "  Makes a stored release the default for queries without "
       "--attack_version.\n"},
      {"technique",
       "cov technique ID [--attack_version V] [--format json]\n"
       "  Shows a technique or sub-technique (T1197, t1059.001): tactics in\n"
       "  kill-chain order, platforms, parent/sub-techniques, data "
       "components,\n"
       "  detection strategies, the groups/software/campaigns that use it "
       "with\n"
       "  their procedure text, mitigations and references. A revoked ID "
       "(T1086)\n"
       "  shows its replacement (revokedBy). Exit 1 when the ID is unknown.\n"},
      {"actor",
       "cov actor ID|NAME|ALIAS [--attack_version V]\n"
       "  Shows a group (G0007, APT28, Fancy Bear), software (S0002) or "
       "campaign\n"
       "  (C0022) with the techniques it uses.\n"},
      {"search",
       "cov search TEXT... [--kind technique,group] [--limit N] [--all]\n"
       "  Every word must match an ID, name, alias or description\n"
       "  (case-insensitive). Name matches rank first.\n"},
      {"stats",
       "cov stats\n  Releases, store size, server version and uptime.\n"},
      {"admin",
       "cov admin backup --to DIR [--keep N]\n"
       "  Takes a consistent backup of the live store into DIR on the server\n"
       "  (RocksDB BackupEngine: numbered, checksummed and incremental; files\n"
       "  shared with earlier backups are stored once). Ingests and queries "
       "go\n"
       "  on meanwhile. --keep N then deletes all but the newest N backups.\n"
       "cov admin backups [--from DIR]\n"
       "  Lists the backups of DIR (default: the server's --snapshot_from) "
       "with\n"
       "  their time, size and what the store held.\n"
       "cov admin restore --from DIR [--id N]\n"
       "  Verifies backup N (default: the latest) and swaps it in while covd\n"
       "  keeps serving: requests in flight finish on the old store, new ones\n"
       "  wait for the swap. The previous store is kept beside --db as\n"
       "  DB.pre-restore-TIME. On a replica the old snapshot is discarded.\n"
       "cov admin reload\n"
       "  Replica (covd --snapshot_from DIR): load the newest backup of DIR "
       "if\n"
       "  it is newer than the one served (the same as sending covd SIGHUP).\n"
       "\n"
       "  Directories are paths on the server; covd --backup_root confines\n"
       "  them. All admin commands need an admin token when covd has "
       "--tokens.\n"},
  };
  return *kHelp;
}

int Usage(const std::string& message) {
  if (!message.empty()) std::fprintf(stderr, "cov: %s\n", message.c_str());
  std::fprintf(stderr, "Run `cov --help` for usage.\n");
  return 2;
}

// Rejects unknown flags with exit code 2 (absl would exit 1) and answers
// --help itself, so usage errors are distinguishable from failed requests.
int PreCheckArgs(int argc, char** argv, bool* help, std::string* command) {
  // Accept --attack-version as well as --attack_version: rewrite the flag
  // name in place (the name part is never longer than the argument).
  for (int i = 1; i < argc; ++i) {
    if (std::string(argv[i]) == "--") break;
    if (argv[i][0] != '-' || argv[i][1] != '-') continue;
    for (char* p = argv[i] + 2; *p != '\0' && *p != '='; ++p) {
      if (*p == '-') *p = '_';
    }
  }
  for (int i = 1; i < argc; ++i) {
    absl::string_view a = argv[i];
    if (a == "--") break;
    if (a == "--help" || a == "-h" || a == "--helpfull" || a == "help") {
      *help = true;
      continue;
    }
    if (absl::StartsWith(a, "--")) {
      absl::string_view name = a.substr(2);
      name = name.substr(0, name.find('='));
      if (absl::StartsWith(name, "no") &&
          absl::FindCommandLineFlag(name.substr(2)) != nullptr) {
        continue;
      }
      if (absl::FindCommandLineFlag(name) == nullptr) {
        return Usage(absl::StrCat("unknown flag --", name));
      }
    } else if (absl::StartsWith(a, "-") && a.size() > 1) {
      return Usage(absl::StrCat("unknown flag ", a));
    } else if (command->empty()) {
      *command = std::string(a);
    }
  }
  return 0;
}

// How to authenticate to covd: a bearer token and/or TLS.
struct ClientSecurity {
  std::string token;  // empty: no authorization metadata
  bool tls = false;
  grpc::SslCredentialsOptions ssl;  // PEM contents, used when tls
  std::string tls_server_name;
};

bool ReadWholeFile(const std::string& path, std::string* out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::ostringstream ss;
  ss << in.rdbuf();
  *out = ss.str();
  return true;
}

// The token from --token, --token_file or $COV_TOKEN (in that order) and the
// TLS files of --tls_ca/--tls_cert/--tls_key. Errors are usage errors.
absl::StatusOr<ClientSecurity> SecurityFromFlags() {
  ClientSecurity sec;
  const std::string token_file = absl::GetFlag(FLAGS_token_file);
  if (!absl::GetFlag(FLAGS_token).empty() && !token_file.empty()) {
    return absl::InvalidArgumentError("give --token or --token_file, not both");
  }
  sec.token = absl::GetFlag(FLAGS_token);
  if (sec.token.empty() && !token_file.empty()) {
    if (!ReadWholeFile(token_file, &sec.token)) {
      return absl::InvalidArgumentError(
          absl::StrCat("cannot read --token_file ", token_file));
    }
    sec.token = std::string(absl::StripAsciiWhitespace(sec.token));
    if (sec.token.empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat("--token_file ", token_file, " is empty"));
    }
  }
  if (sec.token.empty() && std::getenv("COV_TOKEN") != nullptr) {
    sec.token =
        std::string(absl::StripAsciiWhitespace(std::getenv("COV_TOKEN")));
  }
  for (char c : sec.token) {
    if (c < 0x21 || c > 0x7e) {
      return absl::InvalidArgumentError(
          "the token must be printable ASCII without spaces");
    }
  }
  const std::string ca = absl::GetFlag(FLAGS_tls_ca);
  const std::string cert = absl::GetFlag(FLAGS_tls_cert);
  const std::string key = absl::GetFlag(FLAGS_tls_key);
  if (cert.empty() != key.empty()) {
    return absl::InvalidArgumentError("--tls_cert and --tls_key go together");
  }
  sec.tls = !ca.empty() || !cert.empty();
  const std::pair<const std::string*, std::string*> files[] = {
      {&ca, &sec.ssl.pem_root_certs},
      {&cert, &sec.ssl.pem_cert_chain},
      {&key, &sec.ssl.pem_private_key}};
  for (const auto& [path, pem] : files) {
    if (!path->empty() && !ReadWholeFile(*path, pem)) {
      return absl::InvalidArgumentError(absl::StrCat("cannot read ", *path));
    }
  }
  sec.tls_server_name = absl::GetFlag(FLAGS_tls_server_name);
  return sec;
}

// Adds `authorization: Bearer <token>` to every call of a channel.
class BearerInterceptor : public grpc::experimental::Interceptor {
 public:
  explicit BearerInterceptor(const std::string& value) : value_(value) {}
  void Intercept(
      grpc::experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(
            grpc::experimental::InterceptionHookPoints::
                PRE_SEND_INITIAL_METADATA)) {
      methods->GetSendInitialMetadata()->insert({"authorization", value_});
    }
    methods->Proceed();
  }

 private:
  std::string value_;
};

class BearerInterceptorFactory
    : public grpc::experimental::ClientInterceptorFactoryInterface {
 public:
  explicit BearerInterceptorFactory(const std::string& token)
      : value_("Bearer " + token) {}
  grpc::experimental::Interceptor* CreateClientInterceptor(
      grpc::experimental::ClientRpcInfo*) override {
    return new BearerInterceptor(value_);
  }

 private:
  std::string value_;
};

class Client {
 public:
  Client(const std::string& address, const ClientSecurity& security) {
    grpc::ChannelArguments args;
    args.SetMaxReceiveMessageSize(512 * 1024 * 1024);
    args.SetMaxSendMessageSize(512 * 1024 * 1024);
    if (!security.tls_server_name.empty()) {
      args.SetSslTargetNameOverride(security.tls_server_name);
    }
    if (absl::GetFlag(FLAGS_round_robin)) {
      // Reads only go to replicas, so a retried call cannot apply twice.
      args.SetServiceConfigJSON(R"({
        "loadBalancingConfig": [{"round_robin": {}}],
        "methodConfig": [{
          "name": [{"service": "cov.v1.CovService"}],
          "retryPolicy": {"maxAttempts": 4, "initialBackoff": "0.05s",
                          "maxBackoff": "1s", "backoffMultiplier": 2,
                          "retryableStatusCodes": ["UNAVAILABLE"]}}]})");
    }
    std::shared_ptr<grpc::ChannelCredentials> creds =
        security.tls ? grpc::SslCredentials(security.ssl)
                     : grpc::InsecureChannelCredentials();
    std::vector<
        std::unique_ptr<grpc::experimental::ClientInterceptorFactoryInterface>>
        interceptors;
    if (!security.token.empty()) {
      interceptors.push_back(
          std::make_unique<BearerInterceptorFactory>(security.token));
    }
    stub_ = cov::v1::CovService::NewStub(
        grpc::experimental::CreateCustomChannelWithInterceptors(
            address, creds, args, std::move(interceptors)));
    address_ = address;
  }

  void Prepare(grpc::ClientContext* ctx) const {
    ctx->set_deadline(std::chrono::system_clock::now() +
                      std::chrono::milliseconds(static_cast<int64_t>(
                          absl::GetFlag(FLAGS_timeout) * 1000)));
  }

  // Prints a failed status and returns the exit code for it.
  int Fail(const grpc::Status& s) const {
    if (s.error_code() == grpc::StatusCode::UNAVAILABLE) {
      std::fprintf(stderr,
                   "cov: cannot reach covd at %s (%s). Start it with "
                   "`covd --db DIR` or set --server / COV_SERVER.\n",
                   address_.c_str(), s.error_message().c_str());
    } else if (s.error_code() == grpc::StatusCode::UNAUTHENTICATED) {
      std::fprintf(stderr,
                   "cov: %s (covd wants a token: --token_file FILE or "
                   "$COV_TOKEN)\n",
                   s.error_message().c_str());
    } else {
      std::fprintf(stderr, "cov: %s\n", s.error_message().c_str());
    }
    return 1;
  }

  cov::v1::CovService::Stub* stub() { return stub_.get(); }

 private:
  std::unique_ptr<cov::v1::CovService::Stub> stub_;
  std::string address_;
};

bool JsonOutput() { return absl::GetFlag(FLAGS_format) == "json"; }

void PrintJson(const google::protobuf::Message& m) {
  google::protobuf::util::JsonPrintOptions opts;
  opts.add_whitespace = true;
  opts.always_print_primitive_fields = true;
  std::string out;
  auto st = google::protobuf::util::MessageToJsonString(m, &out, opts);
  if (!st.ok()) {
    std::fprintf(stderr, "cov: cannot encode JSON: %s\n",
                 st.ToString().c_str());
    return;
  }
  std::fwrite(out.data(), 1, out.size(), stdout);
  std::fputc('\n', stdout);
}

cov::v1::ReleaseRef ReleaseFromFlags() {
  cov::v1::ReleaseRef ref;
  ref.set_domain(absl::GetFlag(FLAGS_domain));
  ref.set_version(absl::GetFlag(FLAGS_attack_version));
  return ref;
}

std::string Wrap(absl::string_view text, size_t width,
                 const std::string& indent) {
  std::string out, line;
  for (absl::string_view word :
       absl::StrSplit(text, absl::ByAnyChar(" \n"), absl::SkipEmpty())) {
    if (!line.empty() && line.size() + word.size() + 1 > width) {
      absl::StrAppend(&out, indent, line, "\n");
      line.clear();
    }
    if (!line.empty()) line += ' ';
    absl::StrAppend(&line, word);
  }
  if (!line.empty()) absl::StrAppend(&out, indent, line, "\n");
  return out;
}

std::string Truncate(const std::string& s, size_t n) {
  std::string flat = s;
  std::replace(flat.begin(), flat.end(), '\n', ' ');
  if (flat.size() <= n) return flat;
  size_t cut = n;
  while (cut > 0 && (static_cast<unsigned char>(flat[cut]) & 0xC0) == 0x80)
    --cut;
  return flat.substr(0, cut) + "...";
}

void PrintRelease(const cov::v1::Release& r) {
  const auto& c = r.counts();
  std::printf(
      "%s %-18s %-6s %4d techniques %4d sub-techniques %3d groups %4d "
      "software %3d campaigns  (version from %s, %s)\n",
      r.is_default() ? "*" : " ", r.domain().c_str(), r.version().c_str(),
      c.techniques(), c.subtechniques(), c.groups(), c.software(),
      c.campaigns(), r.version_source().c_str(), r.source_file().c_str());
}

std::string UserPath(const std::string& arg) {
  std::string path = arg;
  if (const char* wd = std::getenv("BUILD_WORKING_DIRECTORY");
      wd != nullptr && !path.empty() && path[0] != '/') {
    path = absl::StrCat(wd, "/", path);
  }
  return path;
}

const char* FormatLabel(cov::v1::RuleFormat f) {
  switch (f) {
    case cov::v1::RULE_FORMAT_SIGMA:
      return "sigma";
    case cov::v1::RULE_FORMAT_SURICATA:
      return "suricata";
    case cov::v1::RULE_FORMAT_YARA:
      return "yara";
    default:
      return "?";
  }
}

std::string FormatTime(int64_t unix_seconds) {
  char buf[32];
  time_t t = static_cast<time_t>(unix_seconds);
  struct tm tm;
  gmtime_r(&t, &tm);
  strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M:%SZ", &tm);
  return buf;
}

std::string FormatDiag(const cov::v1::Diagnostic& d) {
  std::string out = d.file().empty() ? "<source>" : d.file();
  if (d.line() > 0) absl::StrAppend(&out, ":", d.line());
  if (d.column() > 0) absl::StrAppend(&out, ":", d.column());
  absl::string_view sev = d.severity() == cov::v1::SEVERITY_ERROR ? "error"
                          : d.severity() == cov::v1::SEVERITY_WARNING
                              ? "warning"
                              : "info";
  absl::StrAppend(&out, ": ", sev, ": ", d.message(), " [", d.code(), "]");
  return out;
}

void PrintSource(const cov::v1::Source& s) {
  std::printf("%-20s %-9s %6d rules %5d files %5d errors  %s  %s%s%s\n",
              s.name().c_str(), FormatLabel(s.format()), s.rule_count(),
              s.file_count(), s.error_count(),
              FormatTime(s.ingested_at_unix()).c_str(), s.path().c_str(),
              s.commit().empty() ? "" : " @", s.commit().substr(0, 12).c_str());
}

int CmdIngestRules(Client& client, cov::v1::RuleFormat format,
                   const std::string& arg) {
  cov::v1::IngestRulesRequest req;
  req.set_format(format);
  std::string path = UserPath(arg);
  char buf[4096];
  req.set_path(realpath(path.c_str(), buf) ? std::string(buf) : path);
  req.set_source(absl::GetFlag(FLAGS_source));
  *req.mutable_release() = ReleaseFromFlags();
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() +
                   std::chrono::seconds(std::max<int>(
                       600, static_cast<int>(absl::GetFlag(FLAGS_timeout)))));
  cov::v1::IngestRulesResponse resp;
  grpc::Status s = client.stub()->IngestRules(&ctx, req, &resp);
  if (!s.ok()) return client.Fail(s);
  if (JsonOutput()) {
    PrintJson(resp);
    return 0;
  }
  std::printf(
      "source %s: %d rules in %d files (%d parsed, %d unchanged, %d removed) "
      "in %.0f ms\n",
      resp.source().name().c_str(), resp.source().rule_count(),
      resp.source().file_count(), resp.files_parsed(), resp.files_skipped(),
      resp.files_removed(), resp.elapsed_ms());
  int shown = 0;
  for (const auto& d : resp.diagnostics()) {
    if (d.severity() != cov::v1::SEVERITY_ERROR) continue;
    if (shown++ < 20) std::printf("  %s\n", FormatDiag(d).c_str());
  }
  if (resp.source().error_count() > 0) {
    std::printf("%d errors; `cov errors %s` lists them all\n",
                resp.source().error_count(), resp.source().name().c_str());
  }
  return 0;
}

int CmdSources(Client& client) {
  grpc::ClientContext ctx;
  client.Prepare(&ctx);
  cov::v1::ListSourcesResponse resp;
  grpc::Status s = client.stub()->ListSources(&ctx, {}, &resp);
  if (!s.ok()) return client.Fail(s);
  if (JsonOutput()) {
    PrintJson(resp);
    return 0;
  }
  if (resp.sources().empty()) {
    std::printf("no rule source; run `cov ingest sigma|suricata|yara PATH`\n");
  }
  for (const auto& src : resp.sources()) PrintSource(src);
  return 0;
}

int CmdErrors(Client& client, const std::vector<std::string>& args) {
  if (args.size() != 1) return Usage("usage: cov errors SOURCE");
  cov::v1::ListRuleErrorsRequest req;
  req.set_source(args[0]);
  grpc::ClientContext ctx;
  client.Prepare(&ctx);
  cov::v1::ListRuleErrorsResponse resp;
  grpc::Status s = client.stub()->ListRuleErrors(&ctx, req, &resp);
  if (!s.ok()) return client.Fail(s);
  int errors = 0;
  for (const auto& d : resp.diagnostics()) {
    errors += d.severity() == cov::v1::SEVERITY_ERROR;
  }
  if (JsonOutput()) {
    PrintJson(resp);
  } else {
    for (const auto& d : resp.diagnostics()) {
      std::printf("%s\n", FormatDiag(d).c_str());
    }
    std::printf("%d errors, %d warnings\n", errors,
                resp.diagnostics_size() - errors);
  }
  return errors > 0 ? 1 : 0;
}

const char* RefStatusLabel(cov::v1::RefStatus s) {
  switch (s) {
    case cov::v1::REF_STATUS_VALID:
      return "valid";
    case cov::v1::REF_STATUS_REVOKED:
      return "revoked";
    case cov::v1::REF_STATUS_DEPRECATED:
      return "deprecated";
    case cov::v1::REF_STATUS_UNKNOWN:
      return "unknown";
    case cov::v1::REF_STATUS_WRONG_DOMAIN:
      return "wrong-domain";
    case cov::v1::REF_STATUS_TACTIC_MISMATCH:
      return "tactic-mismatch";
    default:
      return "unresolved";
  }
}

int CmdRules(Client& client) {
  cov::v1::ListRulesRequest req;
  req.set_source(absl::GetFlag(FLAGS_source));
  req.set_technique_id(absl::GetFlag(FLAGS_technique));
  req.set_page_size(absl::GetFlag(FLAGS_page_size));
  req.set_page_token(absl::GetFlag(FLAGS_page_token));
  grpc::ClientContext ctx;
  client.Prepare(&ctx);
  cov::v1::ListRulesResponse resp;
  grpc::Status s = client.stub()->ListRules(&ctx, req, &resp);
  if (!s.ok()) return client.Fail(s);
  if (JsonOutput()) {
    PrintJson(resp);
    return 0;
  }
  for (const auto& r : resp.rules()) {
    std::printf("%s  %s%s\n    %s:%d  %s %s\n", r.uid().c_str(),
                Truncate(r.title(), 80).c_str(),
                r.enabled() ? "" : " [disabled]", r.file().c_str(), r.line(),
                r.status().c_str(), r.level().c_str());
    for (const auto& ref : r.attack_refs()) {
      std::printf("    %-10s %-9s %-15s%s%s\n", ref.id().c_str(),
                  ref.kind().c_str(), RefStatusLabel(ref.status()),
                  ref.status() == cov::v1::REF_STATUS_REVOKED ? " -> " : "",
                  ref.status() == cov::v1::REF_STATUS_REVOKED
                      ? ref.resolved_id().c_str()
                      : "");
    }
  }
  if (!resp.next_page_token().empty()) {
    std::printf("more: --page_token %s\n", resp.next_page_token().c_str());
  }
  return 0;
}

// Coverage options from flags; the profile file is sent as text and parsed
// by covd (so errors name the file and line the same way for every client).
bool CoverageOptionsFromFlags(cov::v1::CoverageOptions* options) {
  options->set_rollup(absl::GetFlag(FLAGS_rollup));
  options->set_tactic_context(absl::GetFlag(FLAGS_tactic_context));
  options->set_include_disabled(absl::GetFlag(FLAGS_include_disabled));
  options->set_evidence(absl::GetFlag(FLAGS_evidence));
  const std::string file = absl::GetFlag(FLAGS_profile);
  if (file.empty()) return true;
  std::string path = UserPath(file);
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "cov: cannot read profile %s\n", path.c_str());
    return false;
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  options->set_profile_yaml(ss.str());
  options->set_profile_file_name(file);
  return true;
}

std::string Bar(double ratio, int width) {
  int full = static_cast<int>(ratio * width + 0.5);
  std::string out;
  for (int i = 0; i < width; ++i) out += i < full ? "\u2588" : "\u2591";
  return out;
}

std::string ProfileLabel(const cov::v1::Profile& p) {
  if (!p.name().empty()) return p.name();
  return p.data_components().empty() ? "all telemetry" : "custom";
}

int CmdCoverage(Client& client) {
  cov::v1::CoverageRequest req;
  *req.mutable_release() = ReleaseFromFlags();
  if (!CoverageOptionsFromFlags(req.mutable_options())) return 1;
  req.set_by(absl::GetFlag(FLAGS_by));
  req.set_rules_per_technique(absl::GetFlag(FLAGS_rules_per_technique));
  // The table needs totals only, unless it lists techniques.
  req.set_summary(!JsonOutput() && absl::GetFlag(FLAGS_by) != "technique");
  grpc::ClientContext ctx;
  client.Prepare(&ctx);
  cov::v1::CoverageResponse resp;
  grpc::Status s = client.stub()->GetCoverage(&ctx, req, &resp);
  if (!s.ok()) return client.Fail(s);
  if (JsonOutput()) {
    PrintJson(resp);
    return 0;
  }
  std::printf("ATT&CK %s %s, profile: %s, %d counting rules%s%s\n\n",
              resp.release().domain().c_str(), resp.release().version().c_str(),
              ProfileLabel(resp.profile()).c_str(), resp.counting_rules(),
              absl::GetFlag(FLAGS_rollup) ? ", rollup" : "",
              absl::GetFlag(FLAGS_tactic_context) ? ", tactic context" : "");
  const std::string by = absl::GetFlag(FLAGS_by);
  if (by == "technique") {
    std::printf("%-10s %-45s %6s  %s\n", "TECHNIQUE", "NAME", "RULES",
                "TACTICS");
    for (const auto& t : resp.techniques()) {
      if (!t.potential()) continue;
      std::printf("%-10s %-45s %6d%s %s\n", t.technique_id().c_str(),
                  Truncate(t.name(), 45).c_str(), t.rule_count(),
                  t.covered_by_rollup() ? "*" : " ",
                  absl::StrJoin(t.tactics(), ",").c_str());
    }
    std::printf("\n");
  }
  if (by == "platform" || by == "source") {
    std::printf("%-22s %9s %9s %7s %7s\n",
                by == "platform" ? "PLATFORM" : "SOURCE", "COVERED",
                "POTENTIAL", "RATIO", "RULES");
    for (const auto& g : resp.groups()) {
      std::printf("%-22s %9d %9d %6.1f%% %7d  %s\n", g.key().c_str(),
                  g.covered(), g.potential(), g.ratio() * 100, g.rule_count(),
                  Bar(g.ratio(), 20).c_str());
    }
    std::printf("\n");
  }
  std::printf("%-22s %9s %9s %7s\n", "TACTIC", "COVERED", "POTENTIAL", "RATIO");
  for (const auto& t : resp.tactics()) {
    std::printf("%-22s %9d %9d %6.1f%%  %s\n", t.tactic().c_str(), t.covered(),
                t.potential(), t.ratio() * 100, Bar(t.ratio(), 30).c_str());
  }
  std::printf("%-22s %9d %9d %6.1f%%  (techniques and sub-techniques)\n",
              "TOTAL", resp.covered(), resp.potential(), resp.ratio() * 100);
  return 0;
}

int CmdGaps(Client& client) {
  cov::v1::GapsRequest req;
  *req.mutable_release() = ReleaseFromFlags();
  if (!CoverageOptionsFromFlags(req.mutable_options())) return 1;
  for (const auto& g : absl::GetFlag(FLAGS_group)) req.add_groups(g);
  req.set_top(absl::GetFlag(FLAGS_top));
  req.set_procedures_per_gap(JsonOutput() ? 0 : 3);
  grpc::ClientContext ctx;
  client.Prepare(&ctx);
  cov::v1::GapsResponse resp;
  grpc::Status s = client.stub()->GetGaps(&ctx, req, &resp);
  if (!s.ok()) return client.Fail(s);
  if (JsonOutput()) {
    PrintJson(resp);
    return 0;
  }
  std::printf(
      "ATT&CK %s %s, profile: %s: %d of %d techniques in reach are covered; "
      "%d gaps%s\n\n",
      resp.release().domain().c_str(), resp.release().version().c_str(),
      ProfileLabel(resp.profile()).c_str(), resp.covered(), resp.potential(),
      resp.total(),
      req.groups().empty()
          ? ", ranked by the groups, software and campaigns using them"
          : absl::StrCat(", used by ", absl::StrJoin(req.groups(), ", "))
                .c_str());
  int rank = 0;
  for (const auto& g : resp.gaps()) {
    std::printf("%3d. %-10s %-44s score %-4g %s\n", ++rank,
                g.technique_id().c_str(), Truncate(g.name(), 44).c_str(),
                g.score(), absl::StrJoin(g.tactics(), ", ").c_str());
    std::printf("     telemetry: %s\n",
                g.data_components().empty()
                    ? "(none named by ATT&CK)"
                    : absl::StrJoin(g.data_components(), ", ").c_str());
    for (const auto& ds : g.detection_strategies()) {
      std::printf("     detect:    %s %s\n", ds.id().c_str(),
                  Truncate(ds.name(), 80).c_str());
    }
    for (const auto& p : g.procedures()) {
      std::printf("     used by:   %s %s: %s\n", p.id().c_str(),
                  p.name().c_str(), Truncate(p.description(), 70).c_str());
    }
    std::printf("     %s\n", g.url().c_str());
  }
  if (resp.total() > resp.gaps_size()) {
    std::printf(
        "\n%d more gaps; --top 0 shows all, --format json gives every "
        "detail\n",
        resp.total() - resp.gaps_size());
  }
  return 0;
}

int WriteOut(const std::string& content, const std::string& what) {
  const std::string out = absl::GetFlag(FLAGS_out);
  if (out.empty() || out == "-") {
    std::fwrite(content.data(), 1, content.size(), stdout);
    return 0;
  }
  std::string path = UserPath(out);
  std::ofstream f(path, std::ios::binary);
  if (!(f << content)) {
    std::fprintf(stderr, "cov: cannot write %s\n", path.c_str());
    return 1;
  }
  std::fprintf(stderr, "wrote %s (%zu bytes) to %s\n", what.c_str(),
               content.size(), path.c_str());
  return 0;
}

int CmdLayer(Client& client, const std::vector<std::string>& args,
             bool report) {
  cov::v1::LayerRequest req;
  *req.mutable_release() = ReleaseFromFlags();
  if (!CoverageOptionsFromFlags(req.mutable_options())) return 1;
  if (report) {
    if (!args.empty()) return Usage("usage: cov report --out FILE.html");
    req.set_kind("coverage");
    req.set_format("html");
  } else {
    if (args.size() != 1 || (args[0] != "coverage" && args[0] != "gaps")) {
      return Usage("usage: cov layer coverage|gaps [--out FILE]");
    }
    req.set_kind(args[0]);
    req.set_format(absl::GetFlag(FLAGS_format) == "csv" ? "csv" : "json");
  }
  req.set_name(absl::GetFlag(FLAGS_name));
  req.set_include_unreachable(absl::GetFlag(FLAGS_include_unreachable));
  grpc::ClientContext ctx;
  client.Prepare(&ctx);
  cov::v1::LayerResponse resp;
  grpc::Status s = client.stub()->ExportLayer(&ctx, req, &resp);
  if (!s.ok()) return client.Fail(s);
  return WriteOut(resp.content(), report                  ? "HTML report"
                                  : req.format() == "csv" ? "CSV"
                                                          : "Navigator layer");
}

int CmdProfile(Client& client, const std::vector<std::string>& args) {
  if (args.empty() || args[0] != "infer") {
    return Usage("usage: cov profile infer [--source S,...] [--out FILE]");
  }
  cov::v1::InferProfileRequest req;
  for (absl::string_view s : absl::StrSplit(absl::GetFlag(FLAGS_source), ',',
                                            absl::SkipWhitespace())) {
    req.add_sources(std::string(s));
  }
  for (size_t i = 1; i < args.size(); ++i) req.add_sources(args[i]);
  req.set_name(absl::GetFlag(FLAGS_name));
  *req.mutable_release() = ReleaseFromFlags();
  grpc::ClientContext ctx;
  client.Prepare(&ctx);
  cov::v1::InferProfileResponse resp;
  grpc::Status s = client.stub()->InferProfile(&ctx, req, &resp);
  if (!s.ok()) return client.Fail(s);
  if (JsonOutput()) {
    PrintJson(resp);
    return 0;
  }
  std::fprintf(
      stderr, "%d rules mapped to telemetry, %d unmapped, %d skipped\n",
      resp.mapped_rules(), resp.unmapped_rules(), resp.skipped_rules());
  for (const auto& u : resp.unmapped()) {
    std::fprintf(stderr, "  unmapped logsource %s: %d rules\n", u.key().c_str(),
                 u.rule_count());
  }
  return WriteOut(resp.yaml(), "profile");
}

// ---- check / fix -------------------------------------------------------

bool IsRuleFileName(absl::string_view name) {
  for (absl::string_view ext : {".yml", ".yaml", ".rules", ".yar", ".yara"}) {
    if (absl::EndsWithIgnoreCase(name, ext)) return true;
  }
  return false;
}

bool ReadWhole(const std::string& path, std::string* out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::ostringstream ss;
  ss << in.rdbuf();
  *out = ss.str();
  return true;
}

// Collects rule files under `root` (a file or folder); names are `prefix`
// plus the path below root, so base and head files get comparable names.
bool CollectFiles(const std::string& root, const std::string& prefix,
                  google::protobuf::RepeatedPtrField<cov::v1::RuleFile>* out) {
  absl::StatusOr<std::vector<cov::ingest::WalkedFile>> files =
      cov::ingest::WalkFiles(root, [](absl::string_view rel) {
        return IsRuleFileName(rel.substr(rel.rfind('/') + 1));
      });
  if (!files.ok()) return false;
  const bool single = files->size() == 1 && (*files)[0].full == root;
  for (const cov::ingest::WalkedFile& w : *files) {
    cov::v1::RuleFile* f = out->Add();
    if (single) {
      f->set_path(prefix);
    } else {
      f->set_path(prefix.empty() || prefix == "." ? w.rel
                                                  : prefix + "/" + w.rel);
    }
    if (!ReadWhole(w.full, f->mutable_content())) return false;
  }
  return true;
}

// Runs a command, returning its stdout (exit status in *status).
std::string RunCapture(const std::vector<std::string>& argv, int* status,
                       const std::string& stdin_file = "") {
  int out[2];
  if (pipe(out) != 0) {
    *status = -1;
    return "";
  }
  pid_t pid = fork();
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
  waitpid(pid, status, 0);
  return result;
}

// Base files from a git revision: `git ls-tree` names, `git cat-file
// --batch` contents (one process for all files).
bool CollectFromGit(const std::string& rev,
                    const std::vector<std::string>& paths,
                    google::protobuf::RepeatedPtrField<cov::v1::RuleFile>* out,
                    std::string* error) {
  std::vector<std::string> argv = {"git",         "ls-tree", "-r",
                                   "--name-only", rev,       "--"};
  for (const auto& p : paths) argv.push_back(p);
  int status = 0;
  std::string listing = RunCapture(argv, &status);
  if (status != 0) {
    *error = absl::StrCat("'", rev,
                          "' is neither a folder nor a git revision "
                          "of the repository holding the paths");
    return false;
  }
  std::vector<std::string> names;
  for (absl::string_view line :
       absl::StrSplit(listing, '\n', absl::SkipEmpty())) {
    if (IsRuleFileName(line)) names.emplace_back(line);
  }
  if (names.empty()) return true;
  char tmpl[] = "/tmp/cov-check-XXXXXX";
  int fd = mkstemp(tmpl);
  if (fd < 0) {
    *error = "cannot create a temporary file";
    return false;
  }
  std::string requests;
  for (const auto& n : names) absl::StrAppend(&requests, rev, ":./", n, "\n");
  if (write(fd, requests.data(), requests.size()) !=
      static_cast<ssize_t>(requests.size())) {
    close(fd);
    unlink(tmpl);
    *error = "cannot write a temporary file";
    return false;
  }
  close(fd);
  std::string blobs = RunCapture({"git", "cat-file", "--batch"}, &status, tmpl);
  unlink(tmpl);
  size_t pos = 0;
  for (const auto& n : names) {
    size_t eol = blobs.find('\n', pos);
    if (eol == std::string::npos) break;
    std::vector<absl::string_view> header =
        absl::StrSplit(absl::string_view(blobs).substr(pos, eol - pos), ' ');
    pos = eol + 1;
    size_t size = 0;
    if (header.size() != 3 || !absl::SimpleAtoi(header[2], &size)) continue;
    cov::v1::RuleFile* f = out->Add();
    f->set_path(n);
    f->set_content(blobs.substr(pos, size));
    pos += size + 1;
  }
  return true;
}

// A private covd for one-command CI runs: started on a loopback port with a
// temporary store, stopped (and the store deleted) on destruction.
class PrivateCovd {
 public:
  ~PrivateCovd() {
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

  // Returns the address, or "" with *error set.
  std::string Start(const char* argv0, std::string* error) {
    std::string covd = absl::GetFlag(FLAGS_covd);
    if (covd.empty() && std::getenv("COV_COVD") != nullptr) {
      covd = std::getenv("COV_COVD");
    }
    if (covd.empty()) {
      std::string self = argv0;
      char buf[4096];
      if (realpath("/proc/self/exe", buf) != nullptr) self = buf;
      std::string dir = self.substr(0, self.find_last_of('/'));
      for (const std::string& c :
           {std::string(argv0) + ".runfiles/cov_project/server/covd",
            dir + "/../server/covd", dir + "/covd"}) {
        if (access(c.c_str(), X_OK) == 0) {
          covd = c;
          break;
        }
      }
    }
    if (covd.empty() || access(covd.c_str(), X_OK) != 0) {
      *error = "cannot find covd; pass --covd PATH or set COV_COVD";
      return "";
    }
    char tmpl[] = "/tmp/cov-ci-XXXXXX";
    if (mkdtemp(tmpl) == nullptr) {
      *error = "cannot create a temporary folder";
      return "";
    }
    dir_ = tmpl;
    std::string port_file = dir_ + "/port";
    pid_ = fork();
    if (pid_ == 0) {
      int devnull = open("/dev/null", O_WRONLY);
      if (devnull >= 0) dup2(devnull, 2);
      execl(covd.c_str(), covd.c_str(), "--db", (dir_ + "/db").c_str(),
            "--listen", "127.0.0.1:0", "--port_file", port_file.c_str(),
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
        *error = "covd exited at start";
        return "";
      }
      usleep(5000);
    }
    *error = "covd did not start within 2 s";
    return "";
  }

 private:
  pid_t pid_ = 0;
  std::string dir_;
};

// Loads --attack into a fresh private covd; returns 0 or an exit code.
int PrepareOneCommand(Client& client) {
  const std::string bundle = UserPath(absl::GetFlag(FLAGS_attack));
  cov::v1::IngestAttackRequest req;
  char buf[4096];
  req.set_path(realpath(bundle.c_str(), buf) ? std::string(buf) : bundle);
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

int CmdCheck(Client& client, const std::vector<std::string>& args) {
  if (args.empty())
    return Usage("usage: cov check PATH... [--base DIR|GIT_REV]");
  cov::v1::CheckRequest req;
  *req.mutable_release() = ReleaseFromFlags();
  if (!CoverageOptionsFromFlags(req.mutable_options())) return 2;
  for (const auto& a : args) {
    if (!CollectFiles(UserPath(a), a, req.mutable_files())) {
      std::fprintf(stderr, "cov: cannot read %s\n", a.c_str());
      return 2;
    }
  }
  const std::string base = absl::GetFlag(FLAGS_base);
  if (!base.empty()) {
    std::error_code ec;
    std::string base_path = UserPath(base);
    if (std::filesystem::is_directory(base_path, ec)) {
      for (const auto& a : args) {
        std::string sub = base_path + "/" + a;
        if (std::filesystem::exists(sub, ec)) {
          CollectFiles(sub, a, req.mutable_base_files());
        }
      }
    } else {
      std::string error;
      if (!CollectFromGit(base, args, req.mutable_base_files(), &error)) {
        std::fprintf(stderr, "cov: %s\n", error.c_str());
        return 2;
      }
    }
  }
  if (!base.empty() && req.base_files().empty()) {
    std::fprintf(stderr,
                 "cov: warning: --base %s holds none of the rule files under "
                 "the given PATHs; no coverage delta\n",
                 base.c_str());
  }
  for (const auto& t : absl::GetFlag(FLAGS_allow_regression)) {
    req.add_allow_regression(t);
  }
  req.set_flag_parent_and_sub(absl::GetFlag(FLAGS_flag_parent_and_sub));
  const std::string fail_on = absl::GetFlag(FLAGS_fail_on);
  if (fail_on != "error" && fail_on != "warning") {
    return Usage("--fail_on must be error or warning");
  }
  req.set_fail_on(fail_on);
  std::string format = absl::GetFlag(FLAGS_format);
  if (format == "table") format = "text";
  req.set_output_format(format);
  grpc::ClientContext ctx;
  client.Prepare(&ctx);
  cov::v1::CheckResponse resp;
  grpc::Status s = client.stub()->CheckRules(&ctx, req, &resp);
  if (!s.ok()) {
    client.Fail(s);
    return s.error_code() == grpc::StatusCode::INVALID_ARGUMENT ? 2 : 2;
  }
  std::fwrite(resp.rendered().data(), 1, resp.rendered().size(), stdout);
  return resp.failed() ? 1 : 0;
}

int CmdFix(Client& client, const std::vector<std::string>& args) {
  if (args.empty() || !absl::GetFlag(FLAGS_revoked)) {
    return Usage("usage: cov fix PATH... --revoked [--dry_run]");
  }
  cov::v1::FixRequest req;
  *req.mutable_release() = ReleaseFromFlags();
  std::vector<std::string> real_paths;
  for (const auto& a : args) {
    int before = req.files_size();
    if (!CollectFiles(UserPath(a), a, req.mutable_files())) {
      std::fprintf(stderr, "cov: cannot read %s\n", a.c_str());
      return 2;
    }
    (void)before;
  }
  grpc::ClientContext ctx;
  client.Prepare(&ctx);
  cov::v1::FixResponse resp;
  grpc::Status s = client.stub()->FixRules(&ctx, req, &resp);
  if (!s.ok()) {
    client.Fail(s);
    return 2;
  }
  if (JsonOutput()) {
    PrintJson(resp);
    return 0;
  }
  const bool dry = absl::GetFlag(FLAGS_dry_run);
  int changed_files = 0;
  for (const auto& f : resp.files()) {
    if (!f.changed()) continue;
    ++changed_files;
    if (dry) {
      std::printf("%s", f.diff().c_str());
      continue;
    }
    std::string path = UserPath(f.path());
    std::ofstream out(path, std::ios::binary);
    if (!(out << f.content())) {
      std::fprintf(stderr, "cov: cannot write %s\n", path.c_str());
      return 2;
    }
  }
  if (!dry) {
    for (const auto& c : resp.changes()) {
      std::printf("%s:%d: %s -> %s\n", c.path().c_str(), c.line(),
                  c.before().c_str(), c.after().c_str());
    }
  }
  std::fprintf(stderr, "%d revoked IDs in %d files %s\n", resp.changes_size(),
               changed_files, dry ? "would be rewritten" : "rewritten");
  return 0;
}

// ---- emulation ------------------------------------------------------------

bool PlanRequestFromFlags(cov::v1::PlanRequest* req) {
  *req->mutable_release() = ReleaseFromFlags();
  int subjects = 0;
  if (!absl::GetFlag(FLAGS_group).empty()) {
    req->set_group(absl::StrJoin(absl::GetFlag(FLAGS_group), ","));
    ++subjects;
  }
  if (!absl::GetFlag(FLAGS_software).empty()) {
    req->set_software(absl::GetFlag(FLAGS_software));
    ++subjects;
  }
  if (!absl::GetFlag(FLAGS_campaign).empty()) {
    req->set_campaign(absl::GetFlag(FLAGS_campaign));
    ++subjects;
  }
  if (!absl::GetFlag(FLAGS_technique).empty()) {
    for (absl::string_view t : absl::StrSplit(absl::GetFlag(FLAGS_technique),
                                              ',', absl::SkipWhitespace())) {
      req->mutable_techniques()->add_ids(std::string(t));
    }
    ++subjects;
  }
  if (!absl::GetFlag(FLAGS_ctid_plan).empty()) {
    req->set_ctid_plan(absl::GetFlag(FLAGS_ctid_plan));
    ++subjects;
  }
  req->set_platform(absl::GetFlag(FLAGS_platform));
  req->set_include_campaigns(absl::GetFlag(FLAGS_include_campaigns));
  return subjects == 1;
}

std::string YamlQuote(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out + "\"";
}

std::string PlanYaml(const cov::v1::PlanResponse& p) {
  // The CTID adversary emulation plan layout
  // (structure/format_dictionary.yaml).
  std::string out = absl::StrCat(
      "- emulation_plan_details:\n    id: ", YamlQuote(p.subject()),
      "\n    adversary_name: ", YamlQuote(p.subject()),
      "\n    attack_version: ", YamlQuote(p.release().version()),
      "\n    format_version: 1.0\n\n");
  for (const auto& s : p.steps()) {
    absl::StrAppend(
        &out, "- id: ",
        YamlQuote(s.tests().empty() ? absl::StrCat("step-", s.order())
                                    : s.tests(0).guid()),
        "\n  name: ", YamlQuote(s.technique_name()),
        "\n  description: ", YamlQuote(s.procedure()),
        "\n  tactic:\n    name: ", YamlQuote(s.tactic()),
        "\n  technique:\n    attack_id: ", s.technique_id(),
        "\n    name: ", YamlQuote(s.technique_name()), "\n  procedure_step: ",
        YamlQuote(s.step_id().empty() ? std::to_string(s.order())
                                      : s.step_id()),
        "\n");
    if (!s.tests().empty()) {
      absl::StrAppend(&out, "  executors:\n");
      for (const auto& t : s.tests()) {
        absl::StrAppend(
            &out, "    - name: ", YamlQuote(t.executor()),
            "\n      command: ", YamlQuote(t.command()),
            "\n      cleanup_command: ", YamlQuote(t.cleanup_command()),
            "\n      elevation_required: ",
            t.elevation_required() ? "true" : "false", "\n");
      }
    }
    out += "\n";
  }
  return out;
}

std::string JsonQuote(const std::string& s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20) {
      char buf[8];
      snprintf(buf, sizeof(buf), "\\u%04x", c);
      out += buf;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out + "\"";
}

std::string PlanLayer(const cov::v1::PlanResponse& p) {
  std::string major =
      p.release().version().substr(0, p.release().version().find('.'));
  std::string out = absl::StrCat(
      "{\"name\":", JsonQuote("cov plan: " + p.subject()),
      ",\"versions\":{\"attack\":", JsonQuote(major),
      ",\"navigator\":\"5.2.0\",\"layer\":\"4.5\"},\"domain\":",
      JsonQuote(p.release().domain().empty() ? "enterprise-attack"
                                             : p.release().domain()),
      ",\"description\":",
      JsonQuote("Emulation plan steps; score = step order"),
      ",\"techniques\":[");
  for (int i = 0; i < p.steps_size(); ++i) {
    const auto& s = p.steps(i);
    absl::StrAppend(
        &out, i ? "," : "", "{\"techniqueID\":", JsonQuote(s.technique_id()),
        ",\"tactic\":", JsonQuote(s.tactic()), ",\"score\":", s.order(),
        ",\"comment\":",
        JsonQuote(absl::StrCat(s.tests_size(), " tests, ",
                               s.expected_rules_size(), " rules, evidence ",
                               s.evidence().empty() ? "none" : s.evidence())),
        ",\"enabled\":true}");
  }
  absl::StrAppend(&out,
                  "],\"gradient\":{\"colors\":[\"#c6dbef\",\"#08519c\"],"
                  "\"minValue\":1,\"maxValue\":",
                  std::max(1, p.steps_size()), "}}\n");
  return out;
}

std::string PlanMarkdown(const cov::v1::PlanResponse& p) {
  std::string out = absl::StrCat("# Emulation runbook: ", p.subject(), "\n\n",
                                 "ATT&CK ", p.release().domain(), " ",
                                 p.release().version(), ", ", p.steps_size(),
                                 " steps in kill-chain order.\n\n"
                                 "For each step: run a test, note the time, "
                                 "then record what fired with `cov experiment "
                                 "record` or import the alerts with `cov "
                                 "experiment import`.\n\n");
  for (const auto& s : p.steps()) {
    absl::StrAppend(&out, "## ", s.order(), ". ", s.technique_id(), " ",
                    s.technique_name(), " (", s.tactic(), ")\n\n");
    if (!s.procedure().empty())
      absl::StrAppend(&out, "> ", s.procedure(), "\n\n");
    absl::StrAppend(
        &out, "- Telemetry needed: ",
        s.data_components().empty() ? "none named by ATT&CK"
                                    : absl::StrJoin(s.data_components(), ", "),
        "\n- Evidence now: ", s.evidence().empty() ? "none" : s.evidence(),
        "\n");
    if (s.expected_rules().empty()) {
      absl::StrAppend(&out, "- Expected rules: **none** (a detection gap)\n");
    } else {
      absl::StrAppend(&out, "- Expected rules:\n");
      for (const auto& r : s.expected_rules()) {
        absl::StrAppend(&out, "  - `", r.uid(), "` ", r.title(), " (",
                        r.source(), ")\n");
      }
    }
    if (s.tests().empty()) {
      absl::StrAppend(&out, "- Tests: no test available\n\n");
      continue;
    }
    absl::StrAppend(&out, "- Tests:\n\n");
    for (const auto& t : s.tests()) {
      absl::StrAppend(
          &out, "  ### ", t.name(), " (`", t.guid(), "`)\n\n  ",
          absl::StrJoin(t.platforms(), ", "), ", executor ", t.executor(),
          t.elevation_required() ? ", elevated" : "", "\n\n  ```\n  ",
          absl::StrReplaceAll(t.command(), {{"\n", "\n  "}}), "\n  ```\n\n");
      if (!t.cleanup_command().empty()) {
        absl::StrAppend(
            &out, "  Cleanup:\n\n  ```\n  ",
            absl::StrReplaceAll(t.cleanup_command(), {{"\n", "\n  "}}),
            "\n  ```\n\n");
      }
      absl::StrAppend(&out, "  Record: `cov experiment record EXP --technique ",
                      s.technique_id(), " --test ", t.guid(),
                      " --outcome detected|missed|partial`\n\n");
    }
  }
  return out;
}

void PrintPlanTable(const cov::v1::PlanResponse& p) {
  std::printf("Emulation plan: %s (ATT&CK %s %s), %d steps\n\n",
              p.subject().c_str(), p.release().domain().c_str(),
              p.release().version().c_str(), p.steps_size());
  for (const auto& s : p.steps()) {
    std::printf("%3d. %-10s %-40s %-20s evidence: %s\n", s.order(),
                s.technique_id().c_str(),
                Truncate(s.technique_name(), 40).c_str(), s.tactic().c_str(),
                s.evidence().empty() ? "none" : s.evidence().c_str());
    if (!s.procedure().empty()) {
      std::printf("     why:   %s\n", Truncate(s.procedure(), 100).c_str());
    }
    if (s.tests().empty()) {
      std::printf("     tests: no test available\n");
    }
    for (const auto& t : s.tests()) {
      std::printf("     test:  %s %s [%s]\n", t.guid().c_str(),
                  Truncate(t.name(), 60).c_str(),
                  absl::StrJoin(t.platforms(), ",").c_str());
    }
    std::printf("     rules: %d expected%s\n", s.expected_rule_count(),
                s.expected_rule_count() == 0 ? " (gap)" : "");
    for (int i = 0; i < s.expected_rules_size() && i < 3; ++i) {
      std::printf("            %s %s\n", s.expected_rules(i).uid().c_str(),
                  Truncate(s.expected_rules(i).title(), 60).c_str());
    }
  }
}

int CmdPlan(Client& client) {
  cov::v1::PlanRequest req;
  if (!PlanRequestFromFlags(&req)) {
    return Usage(
        "give exactly one of --group, --software, --campaign, "
        "--technique, --ctid_plan");
  }
  grpc::ClientContext ctx;
  client.Prepare(&ctx);
  cov::v1::PlanResponse resp;
  grpc::Status s = client.stub()->GetPlan(&ctx, req, &resp);
  if (!s.ok()) return client.Fail(s);
  const std::string format = absl::GetFlag(FLAGS_format);
  if (format == "json") {
    PrintJson(resp);
  } else if (format == "yaml") {
    return WriteOut(PlanYaml(resp), "CTID-format plan");
  } else if (format == "layer") {
    return WriteOut(PlanLayer(resp), "Navigator layer");
  } else if (format == "markdown") {
    return WriteOut(PlanMarkdown(resp), "runbook");
  } else {
    PrintPlanTable(resp);
  }
  return 0;
}

bool ParseTime(const std::string& text, int64_t* out) {
  if (text.empty()) return true;
  if (absl::SimpleAtoi(text, out)) return true;
  absl::Time t;
  std::string err;
  if (!absl::ParseTime(absl::RFC3339_full, text, &t, &err)) return false;
  *out = absl::ToUnixSeconds(t);
  return true;
}

void PrintExperiment(const cov::v1::Experiment& e) {
  std::printf(
      "%s  %s  (%s)\n  window: %s .. %s\n", e.id().c_str(), e.name().c_str(),
      e.plan().subject().c_str(), FormatTime(e.started_at_unix()).c_str(),
      e.ended_at_unix() ? FormatTime(e.ended_at_unix()).c_str() : "open");
  std::map<std::string, const cov::v1::ExperimentResult*> latest;
  for (const auto& r : e.results()) latest[r.technique_id()] = &r;
  for (const auto& s : e.plan().steps()) {
    auto it = latest.find(s.technique_id());
    std::printf("  %3d. %-10s %-36s %-9s evidence: %s\n", s.order(),
                s.technique_id().c_str(),
                Truncate(s.technique_name(), 36).c_str(),
                it == latest.end() ? "untested" : it->second->outcome().c_str(),
                s.evidence().empty() ? "none" : s.evidence().c_str());
    if (it != latest.end() && !it->second->rule_uids().empty()) {
      std::printf("        fired: %s\n",
                  absl::StrJoin(it->second->rule_uids(), ", ").c_str());
    }
  }
  std::printf("  %d results recorded\n", e.results_size());
}

int CmdExperiment(Client& client, const std::vector<std::string>& args) {
  if (args.empty())
    return Usage("usage: cov experiment start|record|import|show|list");
  const std::string& sub = args[0];
  grpc::ClientContext ctx;
  client.Prepare(&ctx);
  if (sub == "start") {
    cov::v1::StartExperimentRequest req;
    if (!PlanRequestFromFlags(req.mutable_plan())) {
      return Usage(
          "experiment start needs one plan subject (see cov plan --help)");
    }
    req.set_name(absl::GetFlag(FLAGS_name));
    if (req.name().empty()) return Usage("experiment start needs --name");
    int64_t since = 0, until = 0;
    if (!ParseTime(absl::GetFlag(FLAGS_since), &since) ||
        !ParseTime(absl::GetFlag(FLAGS_until), &until)) {
      return Usage("--since/--until take RFC 3339 times or unix seconds");
    }
    req.set_started_at_unix(since);
    req.set_ended_at_unix(until);
    cov::v1::Experiment e;
    grpc::Status s = client.stub()->StartExperiment(&ctx, req, &e);
    if (!s.ok()) return client.Fail(s);
    if (JsonOutput()) {
      PrintJson(e);
    } else {
      std::printf("%s\n", e.id().c_str());
      std::fprintf(stderr, "started %s: %d steps\n", e.name().c_str(),
                   e.plan().steps_size());
    }
    return 0;
  }
  if (sub == "record") {
    if (args.size() != 2)
      return Usage(
          "usage: cov experiment record EXP --technique T --outcome O");
    cov::v1::RecordResultRequest req;
    req.set_experiment_id(args[1]);
    auto* r = req.mutable_result();
    r->set_technique_id(absl::GetFlag(FLAGS_technique));
    r->set_test_guid(absl::GetFlag(FLAGS_test));
    r->set_outcome(absl::GetFlag(FLAGS_outcome));
    for (const auto& u : absl::GetFlag(FLAGS_rule)) r->add_rule_uids(u);
    r->set_note(absl::GetFlag(FLAGS_note));
    if (r->technique_id().empty() || r->outcome().empty()) {
      return Usage("experiment record needs --technique and --outcome");
    }
    cov::v1::Experiment e;
    grpc::Status s = client.stub()->RecordResult(&ctx, req, &e);
    if (!s.ok()) return client.Fail(s);
    if (JsonOutput())
      PrintJson(e);
    else
      std::printf("recorded; %d results\n", e.results_size());
    return 0;
  }
  if (sub == "import") {
    if (args.size() != 2)
      return Usage("usage: cov experiment import EXP --eve FILE|--jsonl FILE");
    cov::v1::ImportAlertsRequest req;
    req.set_experiment_id(args[1]);
    std::string file = absl::GetFlag(FLAGS_eve);
    req.set_format("eve");
    if (file.empty()) {
      file = absl::GetFlag(FLAGS_jsonl);
      req.set_format("jsonl");
    }
    if (file.empty())
      return Usage("experiment import needs --eve FILE or --jsonl FILE");
    if (!ReadWhole(UserPath(file), req.mutable_content())) {
      std::fprintf(stderr, "cov: cannot read %s\n", file.c_str());
      return 1;
    }
    req.set_file_name(file);
    cov::v1::ImportAlertsResponse resp;
    grpc::Status s = client.stub()->ImportAlerts(&ctx, req, &resp);
    if (!s.ok()) return client.Fail(s);
    if (JsonOutput()) {
      PrintJson(resp);
      return 0;
    }
    std::printf(
        "%d alerts: %d matched a rule, %d unknown rule, %d outside the "
        "window; %d malformed lines, %d other events\n",
        resp.alerts(), resp.matched(), resp.unmatched(), resp.outside_window(),
        resp.malformed(), resp.skipped());
    for (const auto& e : resp.errors()) std::printf("  %s\n", e.c_str());
    for (const auto& r : resp.results()) {
      std::printf("  %-10s %-9s %s\n", r.technique_id().c_str(),
                  r.outcome().c_str(),
                  absl::StrJoin(r.rule_uids(), ", ").c_str());
    }
    return 0;
  }
  if (sub == "show") {
    if (args.size() != 2) return Usage("usage: cov experiment show EXP");
    cov::v1::GetExperimentRequest req;
    req.set_id(args[1]);
    cov::v1::Experiment e;
    grpc::Status s = client.stub()->GetExperiment(&ctx, req, &e);
    if (!s.ok()) return client.Fail(s);
    if (JsonOutput())
      PrintJson(e);
    else
      PrintExperiment(e);
    return 0;
  }
  if (sub == "list") {
    cov::v1::ListExperimentsResponse resp;
    grpc::Status s = client.stub()->ListExperiments(&ctx, {}, &resp);
    if (!s.ok()) return client.Fail(s);
    if (JsonOutput()) {
      PrintJson(resp);
      return 0;
    }
    for (const auto& e : resp.experiments()) {
      std::printf("%s  %-30s %-30s %s\n", e.id().c_str(), e.name().c_str(),
                  e.plan().subject().c_str(),
                  FormatTime(e.started_at_unix()).c_str());
    }
    return 0;
  }
  return Usage(absl::StrCat("unknown experiment command '", sub, "'"));
}

int CmdIngestLibrary(Client& client, const std::string& kind,
                     const std::string& arg) {
  cov::v1::IngestLibraryRequest req;
  req.set_kind(kind);
  std::string path = UserPath(arg);
  char buf[4096];
  req.set_path(realpath(path.c_str(), buf) ? std::string(buf) : path);
  req.set_source(absl::GetFlag(FLAGS_source));
  grpc::ClientContext ctx;
  client.Prepare(&ctx);
  cov::v1::IngestLibraryResponse resp;
  grpc::Status s = client.stub()->IngestLibrary(&ctx, req, &resp);
  if (!s.ok()) return client.Fail(s);
  if (JsonOutput()) {
    PrintJson(resp);
    return 0;
  }
  std::printf(
      "source %s: %d files, %d tests, %d plans, %d techniques in %.0f ms\n",
      resp.source().c_str(), resp.files(), resp.tests(), resp.plans(),
      resp.techniques(), resp.elapsed_ms());
  int shown = 0;
  for (const auto& d : resp.diagnostics()) {
    if (shown++ < 15) std::printf("  %s\n", FormatDiag(d).c_str());
  }
  if (resp.diagnostics_size() > 15) {
    std::printf("  ... %d more\n", resp.diagnostics_size() - 15);
  }
  return 0;
}

int CmdIngest(Client& client, const std::vector<std::string>& args) {
  if (args.size() != 2) {
    return Usage("usage: cov ingest attack|sigma|suricata|yara PATH");
  }
  if (args[0] == "sigma") {
    return CmdIngestRules(client, cov::v1::RULE_FORMAT_SIGMA, args[1]);
  }
  if (args[0] == "suricata" || args[0] == "snort") {
    return CmdIngestRules(client, cov::v1::RULE_FORMAT_SURICATA, args[1]);
  }
  if (args[0] == "yara") {
    return CmdIngestRules(client, cov::v1::RULE_FORMAT_YARA, args[1]);
  }
  if (args[0] == "atomics" || args[0] == "plans") {
    return CmdIngestLibrary(client, args[0], args[1]);
  }
  if (args[0] != "attack") {
    return Usage(absl::StrCat("cannot ingest '", args[0],
                              "': use attack, sigma, suricata or yara"));
  }
  std::string path = UserPath(args[1]);
  cov::v1::IngestAttackRequest req;
  req.set_version(absl::GetFlag(FLAGS_version));
  req.set_make_default(absl::GetFlag(FLAGS_make_default));
  if (absl::GetFlag(FLAGS_server_path)) {
    char buf[4096];
    req.set_path(realpath(path.c_str(), buf) ? std::string(buf) : path);
  } else {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
      std::fprintf(stderr, "cov: cannot read %s\n", path.c_str());
      return 1;
    }
    std::ostringstream ss;
    ss << in.rdbuf();
    req.set_content(ss.str());
    req.set_file_name(path.substr(path.find_last_of('/') + 1));
  }
  grpc::ClientContext ctx;
  client.Prepare(&ctx);
  cov::v1::IngestAttackResponse resp;
  grpc::Status s = client.stub()->IngestAttack(&ctx, req, &resp);
  if (!s.ok()) return client.Fail(s);
  if (JsonOutput()) {
    PrintJson(resp);
    return 0;
  }
  const auto& r = resp.release();
  std::printf("loaded %s %s from %s in %.0f ms (parse %.0f, store %.0f)\n",
              r.domain().c_str(), r.version().c_str(), path.c_str(),
              resp.elapsed_ms(), resp.parse_ms(), resp.store_ms());
  PrintRelease(r);
  for (const auto& d : resp.diagnostics()) {
    std::printf("  warning: %s%s%s [%s]\n", d.message().c_str(),
                d.object().empty() ? "" : " ", d.object().c_str(),
                d.code().c_str());
  }
  return 0;
}

int CmdReleases(Client& client) {
  grpc::ClientContext ctx;
  client.Prepare(&ctx);
  cov::v1::ListReleasesResponse resp;
  grpc::Status s = client.stub()->ListReleases(&ctx, {}, &resp);
  if (!s.ok()) return client.Fail(s);
  if (JsonOutput()) {
    PrintJson(resp);
    return 0;
  }
  if (resp.releases().empty()) {
    std::printf("no ATT&CK release stored; run `cov ingest attack FILE`\n");
  }
  for (const auto& r : resp.releases()) PrintRelease(r);
  return 0;
}

int CmdDefault(Client& client, const std::vector<std::string>& args) {
  if (args.size() != 1)
    return Usage("usage: cov default VERSION|DOMAIN@VERSION");
  cov::v1::SetDefaultReleaseRequest req;
  std::vector<std::string> parts = absl::StrSplit(args[0], '@');
  if (parts.size() == 2) {
    req.mutable_release()->set_domain(parts[0]);
    req.mutable_release()->set_version(parts[1]);
  } else {
    req.mutable_release()->set_domain(absl::GetFlag(FLAGS_domain));
    req.mutable_release()->set_version(args[0]);
  }
  grpc::ClientContext ctx;
  client.Prepare(&ctx);
  cov::v1::Release resp;
  grpc::Status s = client.stub()->SetDefaultRelease(&ctx, req, &resp);
  if (!s.ok()) return client.Fail(s);
  if (JsonOutput()) {
    PrintJson(resp);
  } else {
    PrintRelease(resp);
  }
  return 0;
}

void PrintTechnique(const cov::v1::Technique& t) {
  std::printf("%s  %s%s%s\n", t.id().c_str(), t.name().c_str(),
              t.revoked() ? "  [REVOKED]" : "",
              t.deprecated() ? "  [DEPRECATED]" : "");
  std::printf("  ATT&CK:       %s %s  %s\n", t.release().domain().c_str(),
              t.release().version().c_str(), t.url().c_str());
  if (t.revoked()) {
    std::printf("  Revoked by:   %s\n",
                t.revoked_by().empty() ? "(unknown)" : t.revoked_by().c_str());
    return;
  }
  std::printf("  Tactics:      %s\n", absl::StrJoin(t.tactics(), ", ").c_str());
  std::printf("  Platforms:    %s\n",
              absl::StrJoin(t.platforms(), ", ").c_str());
  if (!t.parent().empty())
    std::printf("  Parent:       %s\n", t.parent().c_str());
  if (!t.subtechniques().empty()) {
    std::printf("  Sub-techniques: %s\n",
                absl::StrJoin(t.subtechniques(), ", ").c_str());
  }
  std::printf("  Data components: %s\n",
              t.data_components().empty()
                  ? "(none)"
                  : absl::StrJoin(t.data_components(), ", ").c_str());
  for (const auto& ds : t.detection_strategies()) {
    std::printf("  Detection strategy %s: %s (%d analytics)\n", ds.id().c_str(),
                ds.name().c_str(), ds.analytics_size());
  }
  if (!t.detection().empty()) {
    std::printf("  Detection:\n%s", Wrap(t.detection(), 90, "    ").c_str());
  }
  std::printf("  Description:\n%s",
              Wrap(Truncate(t.description(), 600), 90, "    ").c_str());
  int groups = 0, software = 0, campaigns = 0;
  for (const auto& p : t.procedures()) {
    groups += p.kind() == "group";
    software += p.kind() == "software";
    campaigns += p.kind() == "campaign";
  }
  std::printf("  Used by:      %d groups, %d software, %d campaigns\n", groups,
              software, campaigns);
  for (const auto& p : t.procedures()) {
    std::printf("    %-6s %-28s %s\n", p.id().c_str(),
                Truncate(p.name(), 28).c_str(),
                Truncate(p.description(), 90).c_str());
  }
  if (!t.mitigations().empty()) std::printf("  Mitigations:\n");
  for (const auto& m : t.mitigations()) {
    std::printf("    %-6s %s\n", m.id().c_str(), m.name().c_str());
  }
}

int CmdTechnique(Client& client, const std::vector<std::string>& args) {
  if (args.size() != 1) return Usage("usage: cov technique ID");
  cov::v1::GetTechniqueRequest req;
  req.set_id(args[0]);
  *req.mutable_release() = ReleaseFromFlags();
  grpc::ClientContext ctx;
  client.Prepare(&ctx);
  cov::v1::Technique resp;
  grpc::Status s = client.stub()->GetTechnique(&ctx, req, &resp);
  if (!s.ok()) return client.Fail(s);
  if (JsonOutput()) {
    PrintJson(resp);
  } else {
    PrintTechnique(resp);
  }
  return 0;
}

int CmdActor(Client& client, const std::vector<std::string>& args) {
  if (args.empty()) return Usage("usage: cov actor ID|NAME|ALIAS");
  cov::v1::GetActorRequest req;
  req.set_id(absl::StrJoin(args, " "));
  *req.mutable_release() = ReleaseFromFlags();
  grpc::ClientContext ctx;
  client.Prepare(&ctx);
  cov::v1::Actor a;
  grpc::Status s = client.stub()->GetActor(&ctx, req, &a);
  if (!s.ok()) return client.Fail(s);
  if (JsonOutput()) {
    PrintJson(a);
    return 0;
  }
  std::printf("%s  %s (%s%s%s)%s\n", a.id().c_str(), a.name().c_str(),
              a.kind().c_str(), a.software_type().empty() ? "" : ", ",
              a.software_type().c_str(), a.revoked() ? "  [REVOKED]" : "");
  if (!a.aliases().empty()) {
    std::printf("  Aliases:    %s\n", absl::StrJoin(a.aliases(), ", ").c_str());
  }
  std::printf("  Description:\n%s",
              Wrap(Truncate(a.description(), 500), 90, "    ").c_str());
  std::printf("  Techniques (%d):\n", a.techniques_size());
  for (const auto& p : a.techniques()) {
    std::printf("    %-10s %-40s %s\n", p.id().c_str(),
                Truncate(p.name(), 40).c_str(),
                Truncate(p.description(), 70).c_str());
  }
  if (!a.software().empty()) {
    std::vector<std::string> sw;
    for (const auto& s2 : a.software()) sw.push_back(s2.id() + " " + s2.name());
    std::printf("  Software:   %s\n", absl::StrJoin(sw, ", ").c_str());
  }
  for (const auto& c : a.attributed()) {
    std::printf("  Attributed: %s %s\n", c.id().c_str(), c.name().c_str());
  }
  return 0;
}

int CmdSearch(Client& client, const std::vector<std::string>& args) {
  if (args.empty()) return Usage("usage: cov search TEXT...");
  cov::v1::SearchRequest req;
  req.set_query(absl::StrJoin(args, " "));
  *req.mutable_release() = ReleaseFromFlags();
  for (const auto& k : absl::GetFlag(FLAGS_kind)) req.add_kinds(k);
  req.set_limit(absl::GetFlag(FLAGS_limit));
  req.set_include_inactive(absl::GetFlag(FLAGS_all));
  grpc::ClientContext ctx;
  client.Prepare(&ctx);
  cov::v1::SearchResponse resp;
  grpc::Status s = client.stub()->Search(&ctx, req, &resp);
  if (!s.ok()) return client.Fail(s);
  if (JsonOutput()) {
    PrintJson(resp);
    return 0;
  }
  for (const auto& h : resp.hits()) {
    std::printf("%-10s %-14s %s%s\n", h.id().c_str(), h.kind().c_str(),
                h.name().c_str(), h.revoked() ? " [revoked]" : "");
    if (!h.snippet().empty()) {
      std::printf("           %s\n", Truncate(h.snippet(), 100).c_str());
    }
  }
  std::printf("%d of %d matches\n", resp.hits_size(), resp.total());
  return resp.total() == 0 ? 1 : 0;
}

std::string FormatUnix(int64_t t) {
  return absl::FormatTime("%Y-%m-%d %H:%M:%SZ", absl::FromUnixSeconds(t),
                          absl::UTCTimeZone());
}

void PrintBackups(
    const google::protobuf::RepeatedPtrField<cov::v1::BackupInfo>& backups) {
  std::printf("%6s  %-20s  %11s  %11s  %s\n", "ID", "CREATED (UTC)", "SIZE",
              "FILES", "CONTENT");
  for (const auto& b : backups) {
    std::printf("%6u  %s  %8.1f MB  %5u files  %s\n", b.backup_id(),
                FormatUnix(b.created_unix()).c_str(), b.size_bytes() / 1e6,
                b.file_count(), b.summary().c_str());
  }
}

int CmdAdmin(Client& client, const std::vector<std::string>& args) {
  if (args.size() != 1) {
    return Usage(
        "usage: cov admin backup|backups|restore|reload (see cov admin "
        "--help)");
  }
  const std::string& sub = args[0];
  grpc::ClientContext ctx;
  client.Prepare(&ctx);
  if (sub == "backup") {
    cov::v1::CreateBackupRequest req;
    req.set_backup_dir(absl::GetFlag(FLAGS_to));
    req.set_keep(absl::GetFlag(FLAGS_keep));
    if (req.backup_dir().empty()) return Usage("admin backup needs --to DIR");
    cov::v1::CreateBackupResponse resp;
    grpc::Status s = client.stub()->CreateBackup(&ctx, req, &resp);
    if (!s.ok()) return client.Fail(s);
    if (JsonOutput()) {
      PrintJson(resp);
      return 0;
    }
    std::printf("backup %u of %s taken into %s\n", resp.backup().backup_id(),
                resp.backup().summary().c_str(), req.backup_dir().c_str());
    PrintBackups(resp.backups());
    return 0;
  }
  if (sub == "backups") {
    cov::v1::ListBackupsRequest req;
    req.set_backup_dir(absl::GetFlag(FLAGS_from));
    cov::v1::ListBackupsResponse resp;
    grpc::Status s = client.stub()->ListBackups(&ctx, req, &resp);
    if (!s.ok()) return client.Fail(s);
    if (JsonOutput()) {
      PrintJson(resp);
      return 0;
    }
    std::printf("%s: %d backups\n", resp.backup_dir().c_str(),
                resp.backups_size());
    PrintBackups(resp.backups());
    return 0;
  }
  if (sub == "restore" || sub == "reload") {
    cov::v1::RestoreBackupRequest req;
    if (sub == "restore") {
      req.set_backup_dir(absl::GetFlag(FLAGS_from));
      req.set_backup_id(absl::GetFlag(FLAGS_id));
      if (req.backup_dir().empty()) {
        return Usage(
            "admin restore needs --from DIR (a replica reloads with "
            "`cov admin reload`)");
      }
    } else {
      req.set_only_if_newer(true);
    }
    cov::v1::RestoreBackupResponse resp;
    grpc::Status s = client.stub()->RestoreBackup(&ctx, req, &resp);
    if (!s.ok()) return client.Fail(s);
    if (JsonOutput()) {
      PrintJson(resp);
      return 0;
    }
    if (!resp.changed()) {
      std::printf("already serving backup %u (%s); nothing newer\n",
                  resp.backup().backup_id(), resp.backup().summary().c_str());
      return 0;
    }
    std::printf("now serving backup %u (%s); requests waited %.1f ms\n",
                resp.backup().backup_id(), resp.backup().summary().c_str(),
                resp.pause_ms());
    if (!resp.previous_store().empty()) {
      std::printf("previous store kept in %s\n", resp.previous_store().c_str());
    }
    return 0;
  }
  return Usage(absl::StrCat("unknown admin command '", sub,
                            "' (backup, backups, restore or reload)"));
}

int CmdStats(Client& client) {
  grpc::ClientContext ctx;
  client.Prepare(&ctx);
  cov::v1::Stats resp;
  grpc::Status s = client.stub()->GetStats(&ctx, {}, &resp);
  if (!s.ok()) return client.Fail(s);
  if (JsonOutput()) {
    PrintJson(resp);
    return 0;
  }
  std::printf("server:  %s, up %llds\n", resp.server_version().c_str(),
              static_cast<long long>(resp.uptime_seconds()));
  std::printf("store:   %.1f MB\n", resp.store_bytes() / 1e6);
  std::printf("rules:   %lld in %d sources\n",
              static_cast<long long>(resp.rule_count()), resp.sources_size());
  std::printf("releases (%d):\n", resp.releases_size());
  for (const auto& r : resp.releases()) PrintRelease(r);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  bool help = false;
  std::string command;
  if (int rc = PreCheckArgs(argc, argv, &help, &command); rc != 0) return rc;
  if (help) {
    auto it = CommandHelp().find(command);
    if (it != CommandHelp().end()) {
      std::printf("%s", it->second.c_str());
    } else {
      std::printf("%s", kUsage);
    }
    return 0;
  }
  std::vector<char*> positional = absl::ParseCommandLine(argc, argv);
  std::vector<std::string> args(positional.begin() + 1, positional.end());
  if (args.empty()) {
    std::printf("%s", kUsage);
    return 2;
  }
  const std::string format = absl::GetFlag(FLAGS_format);
  const bool plan_format =
      args[0] == "plan" &&
      (format == "yaml" || format == "layer" || format == "markdown");
  const bool check_format =
      args[0] == "check" && (format == "text" || format == "sarif" ||
                             format == "junit" || format == "github");
  if (format != "table" && format != "json" && !check_format && !plan_format &&
      !(format == "csv" && args[0] == "layer")) {
    return Usage(
        absl::StrCat("--format must be table or json (csv for "
                     "`layer`), not '",
                     format, "'"));
  }
  std::string server = absl::GetFlag(FLAGS_server);
  if (server.empty()) {
    const char* env = std::getenv("COV_SERVER");
    server = env != nullptr && *env != '\0' ? env : kDefaultServer;
  }
  std::string cmd = args[0];
  args.erase(args.begin());
  PrivateCovd private_covd;
  if (!absl::GetFlag(FLAGS_attack).empty()) {
    if (cmd != "check" && cmd != "fix") {
      return Usage("--attack (one-command mode) is for check and fix");
    }
    std::string error;
    server = private_covd.Start(argv[0], &error);
    if (server.empty()) {
      std::fprintf(stderr, "cov: %s\n", error.c_str());
      return 2;
    }
  }
  // The private covd of --attack is plain loopback without tokens.
  ClientSecurity security;
  if (absl::GetFlag(FLAGS_attack).empty()) {
    absl::StatusOr<ClientSecurity> flags = SecurityFromFlags();
    if (!flags.ok()) return Usage(std::string(flags.status().message()));
    security = *std::move(flags);
  }
  Client client(server, security);
  if (!absl::GetFlag(FLAGS_attack).empty()) {
    if (int rc = PrepareOneCommand(client); rc != 0) return rc;
  }
  if (cmd == "check") return CmdCheck(client, args);
  if (cmd == "fix") return CmdFix(client, args);
  if (cmd == "ingest") return CmdIngest(client, args);
  if (cmd == "releases") return CmdReleases(client);
  if (cmd == "default") return CmdDefault(client, args);
  if (cmd == "technique") return CmdTechnique(client, args);
  if (cmd == "actor") return CmdActor(client, args);
  if (cmd == "search") return CmdSearch(client, args);
  if (cmd == "stats") return CmdStats(client);
  if (cmd == "sources") return CmdSources(client);
  if (cmd == "coverage") return CmdCoverage(client);
  if (cmd == "gaps") return CmdGaps(client);
  if (cmd == "layer") return CmdLayer(client, args, /*report=*/false);
  if (cmd == "report") return CmdLayer(client, args, /*report=*/true);
  if (cmd == "profile") return CmdProfile(client, args);
  if (cmd == "plan") return CmdPlan(client);
  if (cmd == "experiment") return CmdExperiment(client, args);
  if (cmd == "errors") return CmdErrors(client, args);
  if (cmd == "rules") return CmdRules(client);
  if (cmd == "admin") return CmdAdmin(client, args);
  return Usage(absl::StrCat("unknown command '", cmd, "'"));
}
