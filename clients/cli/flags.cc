// Definitions of the flags declared in flags.h; their help strings are the
// per-flag lines of `cov COMMAND --help`.
#include "clients/cli/flags.h"

#include "absl/flags/flag.h"

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
ABSL_FLAG(std::string, new_default, "",
          "releases rm: the release (DOMAIN@VERSION or VERSION) that becomes "
          "the default in place of the removed one.");
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
ABSL_FLAG(std::string, rule_format, "",
          "check/fix: read every file as this format (sigma, suricata, yara, "
          "elastic, splunk, sentinel, layer). Default: from the extension "
          "(.yml Sigma, .rules Suricata, .yar YARA, .toml Elastic); Splunk "
          "and Sentinel YAML need it.");
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
ABSL_FLAG(double, min_score, 0,
          "ingest layer: count a Navigator layer entry only when its score is "
          "at least this (0: any score above 0).");
ABSL_FLAG(bool, upload, false,
          "replay/scan, ingest attack: send the files' contents instead of "
          "their paths (covd reads paths itself, under its --ingest_root; "
          "ingest attack sends the path only to a loopback covd).");
ABSL_FLAG(int, max_examples, 3,
          "replay: matching events listed per rule (at most 100).");
ABSL_FLAG(std::string, dataset, "",
          "experiment replay: OTRF Security-Datasets metadata file(s) or "
          "folder(s), comma-separated.");
ABSL_FLAG(bool, record, false,
          "experiment replay --dataset: also record each dataset as an "
          "experiment.");
ABSL_FLAG(int, max_file_mb, 64, "scan: skip files larger than this (MiB).");
ABSL_FLAG(int, scan_timeout, 10, "scan: per-file scan timeout in seconds.");
ABSL_FLAG(std::string, tests, "",
          "check: folder of SigmaHQ-style regression tests (info.yml + "
          ".evtx/.json per rule).");
