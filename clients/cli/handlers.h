// The command handlers of the `cov` CLI, one group per file, and their long
// help texts. Only the command table (command_table.cc) refers to them; see
// command.h for the Handler contract (exit codes 0, 1, 2).
#ifndef COV_CLIENTS_CLI_HANDLERS_H_
#define COV_CLIENTS_CLI_HANDLERS_H_

#include <string>
#include <vector>

#include "clients/cli/client.h"

namespace cov::clients::cli {

using Args = std::vector<std::string>;

// Knowledge base (kb_commands.cc).
int IngestAttack(Client& client, const Args& args);
int Releases(Client& client, const Args& args);
int Default(Client& client, const Args& args);
int Technique(Client& client, const Args& args);
int Actor(Client& client, const Args& args);
int Search(Client& client, const Args& args);
int Stats(Client& client, const Args& args);
extern const char kIngestAttackHelp[];
extern const char kTechniqueHelp[];

// Rules (rules_commands.cc).
int IngestRules(Client& client, const Args& args);
int Sources(Client& client, const Args& args);
int Errors(Client& client, const Args& args);
int Rules(Client& client, const Args& args);
extern const char kIngestRulesHelp[];
extern const char kRulesHelp[];

// Coverage (coverage_commands.cc, export_commands.cc).
int Coverage(Client& client, const Args& args);
int Gaps(Client& client, const Args& args);
int Layer(Client& client, const Args& args);
int Report(Client& client, const Args& args);
int Profile(Client& client, const Args& args);
extern const char kCoverageHelp[];
extern const char kGapsHelp[];
extern const char kLayerHelp[];
extern const char kReportHelp[];
extern const char kProfileHelp[];

// CI (check_commands.cc).
int Check(Client& client, const Args& args);
int Fix(Client& client, const Args& args);
extern const char kCheckHelp[];
extern const char kFixHelp[];

// Emulation and validation (plan_commands.cc, experiment_commands.cc).
int IngestLibrary(Client& client, const Args& args);
int Plan(Client& client, const Args& args);
int Experiment(Client& client, const Args& args);
extern const char kPlanHelp[];
extern const char kExperimentHelp[];

// Proven coverage (replay_commands.cc); experiment replay|scan dispatch
// there from Experiment.
int Replay(Client& client, const Args& args);
int Scan(Client& client, const Args& args);
int ExperimentReplay(Client& client, const Args& args);
int ExperimentScan(Client& client, const Args& args);
extern const char kReplayHelp[];
extern const char kScanHelp[];

// Administration (admin_commands.cc).
int Admin(Client& client, const Args& args);
extern const char kAdminHelp[];
// `cov releases rm DOMAIN@VERSION [--new_default REF]` (admin token).
int ReleasesRm(Client& client, const Args& args);
extern const char kReleasesRmHelp[];

}  // namespace cov::clients::cli

#endif  // COV_CLIENTS_CLI_HANDLERS_H_
