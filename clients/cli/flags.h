// Every flag of the `cov` CLI, declared once. Which command takes which
// flag is stated in the command table (command_table.cc); the argument
// check (args.h) rejects a flag the command does not take.
//
// Flags are process-wide (absl flags): read them with absl::GetFlag in the
// command handlers, after args::Parse has accepted the command line.
#ifndef COV_CLIENTS_CLI_FLAGS_H_
#define COV_CLIENTS_CLI_FLAGS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/flags/declare.h"

ABSL_DECLARE_FLAG(std::string, server);
ABSL_DECLARE_FLAG(std::string, format);
ABSL_DECLARE_FLAG(std::string, attack_version);
ABSL_DECLARE_FLAG(std::string, domain);
ABSL_DECLARE_FLAG(std::string, version);
ABSL_DECLARE_FLAG(bool, make_default);
ABSL_DECLARE_FLAG(bool, server_path);
ABSL_DECLARE_FLAG(std::vector<std::string>, kind);
ABSL_DECLARE_FLAG(int, limit);
ABSL_DECLARE_FLAG(bool, all);
ABSL_DECLARE_FLAG(double, timeout);
ABSL_DECLARE_FLAG(std::string, token);
ABSL_DECLARE_FLAG(std::string, token_file);
ABSL_DECLARE_FLAG(std::string, tls_ca);
ABSL_DECLARE_FLAG(std::string, tls_cert);
ABSL_DECLARE_FLAG(std::string, tls_key);
ABSL_DECLARE_FLAG(std::string, to);
ABSL_DECLARE_FLAG(std::string, from);
ABSL_DECLARE_FLAG(uint32_t, id);
ABSL_DECLARE_FLAG(uint32_t, keep);
ABSL_DECLARE_FLAG(std::string, new_default);
ABSL_DECLARE_FLAG(bool, round_robin);
ABSL_DECLARE_FLAG(std::string, tls_server_name);
ABSL_DECLARE_FLAG(std::string, source);
ABSL_DECLARE_FLAG(std::string, technique);
ABSL_DECLARE_FLAG(int, page_size);
ABSL_DECLARE_FLAG(std::string, profile);
ABSL_DECLARE_FLAG(std::string, by);
ABSL_DECLARE_FLAG(bool, rollup);
ABSL_DECLARE_FLAG(bool, tactic_context);
ABSL_DECLARE_FLAG(bool, include_disabled);
ABSL_DECLARE_FLAG(std::vector<std::string>, group);
ABSL_DECLARE_FLAG(int, top);
ABSL_DECLARE_FLAG(std::string, out);
ABSL_DECLARE_FLAG(std::string, name);
ABSL_DECLARE_FLAG(bool, include_unreachable);
ABSL_DECLARE_FLAG(std::string, base);
ABSL_DECLARE_FLAG(std::string, fail_on);
ABSL_DECLARE_FLAG(std::vector<std::string>, allow_regression);
ABSL_DECLARE_FLAG(bool, flag_parent_and_sub);
ABSL_DECLARE_FLAG(std::string, attack);
ABSL_DECLARE_FLAG(std::string, covd);
ABSL_DECLARE_FLAG(bool, revoked);
ABSL_DECLARE_FLAG(bool, dry_run);
ABSL_DECLARE_FLAG(std::string, rule_format);
ABSL_DECLARE_FLAG(std::string, software);
ABSL_DECLARE_FLAG(std::string, campaign);
ABSL_DECLARE_FLAG(std::string, ctid_plan);
ABSL_DECLARE_FLAG(std::string, platform);
ABSL_DECLARE_FLAG(bool, include_campaigns);
ABSL_DECLARE_FLAG(std::string, test);
ABSL_DECLARE_FLAG(std::string, outcome);
ABSL_DECLARE_FLAG(std::vector<std::string>, rule);
ABSL_DECLARE_FLAG(std::string, note);
ABSL_DECLARE_FLAG(std::string, eve);
ABSL_DECLARE_FLAG(std::string, jsonl);
ABSL_DECLARE_FLAG(std::string, since);
ABSL_DECLARE_FLAG(std::string, until);
ABSL_DECLARE_FLAG(std::string, evidence);
ABSL_DECLARE_FLAG(int, rules_per_technique);
ABSL_DECLARE_FLAG(std::string, page_token);
// Replay and scan (replay_commands.cc).
ABSL_DECLARE_FLAG(double, min_score);
ABSL_DECLARE_FLAG(bool, upload);
ABSL_DECLARE_FLAG(int, max_examples);
ABSL_DECLARE_FLAG(std::string, dataset);
ABSL_DECLARE_FLAG(bool, record);
ABSL_DECLARE_FLAG(int, max_file_mb);
ABSL_DECLARE_FLAG(int, scan_timeout);
ABSL_DECLARE_FLAG(std::string, tests);
#endif  // COV_CLIENTS_CLI_FLAGS_H_
