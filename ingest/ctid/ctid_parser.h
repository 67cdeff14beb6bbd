// CTID Adversary Emulation Library plans (<plan>/Emulation_Plan/yaml/*.yaml)
// to ordered emulation steps.
//
// The format (structure/format_dictionary.yaml) is one YAML list. Item 0 is
// {emulation_plan_details: {id, adversary_name, adversary_description,
// attack_version, format_version}}; every further item is a procedure:
// {id, name, description, tactic, technique: {attack_id, name}, cti_source,
// procedure_group, procedure_step, platforms: {<os>: {<executor[,executor]>:
// {command, cleanup, payloads}}}, input_arguments, dependency_executor_name,
// dependencies, executors: [{name, command, cleanup_command,
// elevation_required}]}. The dictionary has no plan name, so a plan's name
// is its file name without extension ("APT29", "turla_carbon").
//
// Every procedure that is a map becomes a CtidStep, in file order, even
// when its technique is unusable, so a plan keeps its setup steps; callers
// that need a technique skip steps whose technique_id is empty. Real plans
// hold oddities, normalised with a warning where the intent is clear:
//   - tactics spelt many ways: see tactics.h (case/space variants of the
//     tactic name are silent; misspellings are normalised with
//     ctid-misspelt-tactic; several tactics keep the first with
//     ctid-several-tactics; anything else leaves `tactic` empty with
//     ctid-unknown-tactic). `tactic` may also be a map {name | attack_id}.
//   - placeholders ("x", "T1234.xxx", "TBD") for technique, tactic, step
//     and group: the field is left empty (ctid-placeholder-technique /
//     ctid-placeholder-tactic).
//   - attack_id and procedure_step swapped (attack_id "7.A.5",
//     procedure_step "T1070.004"): read the right way round
//     (ctid-swapped-step-and-technique).
//   - executor keys naming several executors ("psh,pwsh"): one CtidExecutor
//     per name, sharing the command.
// The file as a whole fails (kInvalidArgument, "path:line:col: message")
// when larger than kMaxPlanBytes, not UTF-8, not YAML, not a list, or
// without an
// emulation_plan_details item (e.g. CALDERA planner files in the same
// folders).
//
// Diagnostic codes (E: item skipped; W: kept), `object` = procedure id:
//   ctid-invalid-step (E)            a list item that is not a map
//   ctid-missing-id (W), ctid-missing-technique (W)
//   ctid-invalid-technique (W)       attack_id neither a technique ID nor a
//                                    placeholder (technique left empty)
//   ctid-placeholder-technique (W), ctid-placeholder-tactic (W)
//   ctid-swapped-step-and-technique (W)
//   ctid-misspelt-tactic (W), ctid-several-tactics (W), ctid-unknown-tactic (W)
//   ctid-unknown-platform (W)        a platform other than windows, linux,
//                                    darwin
//   ctid-unknown-executor (W)        an executor name CALDERA / Atomic Red
//                                    Team do not define (kept)
//   ctid-no-command (W)              an executor entry without a command
//                                    (entry dropped, step kept)
//   ctid-no-executors (W)            a procedure with nothing to run
//   ctid-duplicate-id (W), ctid-extra-plan-details (W)
//   ctid-invalid-field (W), ctid-unknown-argument-type (W),
//   ctid-invalid-dependency (W)      as in //ingest/atomics:yaml_fields
//
//   absl::StatusOr<CtidPlan> plan = ParseCtidPlan(bytes,
//   "apt29/.../APT29.yaml"); for (const CtidStep& s : plan->steps) {
//     cov::v1::PlanStep step = ToPlanStep(s, plan->name);
//   }
//
// Thread-safe: pure functions, no shared state.
#ifndef COV_INGEST_CTID_CTID_PARSER_H_
#define COV_INGEST_CTID_CTID_PARSER_H_

#include <cstddef>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "cov/v1/emulation.pb.h"
#include "cov/v1/rules.pb.h"

namespace cov::ingest::ctid {

// Largest plan accepted (the biggest real plan is ~110 KB).
inline constexpr size_t kMaxPlanBytes = 8u << 20;

// One way to run a procedure.
struct CtidExecutor {
  // `platforms` key ("windows", "linux", "darwin"); "" for entries of the
  // Atomic-style `executors` list.
  std::string platform;
  // One executor name: CALDERA's ("psh", "pwsh", "cmd", "sh", "proc", ...)
  // under `platforms`, Atomic Red Team's ("powershell", "command_prompt",
  // "sh", ...) in `executors`.
  std::string name;
  std::string command;
  // `cleanup` (platforms; a list is joined with newlines) or
  // `cleanup_command` (executors list).
  std::string cleanup_command;
  std::vector<std::string> payloads;
  bool elevation_required = false;
  bool from_executors_list = false;
  int line = 0;  // 1-based line of the executor entry
};

struct CtidStep {
  int order = 0;             // 1-based position among the returned steps
  int line = 0;              // 1-based line where the procedure starts
  std::string procedure_id;  // `id` (a UUID)
  std::string name;
  std::string description;     // as written
  std::string tactic;          // Enterprise shortname; "" when unknown
  std::string tactic_raw;      // as written
  std::string technique_id;    // "T1059.001"; "" when unusable
  std::string technique_name;  // `technique.name` ("" for placeholders)
  std::string step_id;         // `procedure_step` ("2.A.1"); "" if none
  std::string procedure_group;
  std::string cti_source;  // a list of sources is joined by newlines
  std::vector<std::string> platforms;   // `platforms` keys, in file order
  std::vector<CtidExecutor> executors;  // platforms first, then `executors`
  std::vector<cov::v1::InputArgument> input_arguments;
  std::vector<cov::v1::TestDependency> dependencies;
  std::string dependency_executor;
};

struct CtidPlan {
  std::string name;  // file stem, e.g. "APT29"
  // emulation_plan_details fields, as written.
  std::string id;
  std::string adversary_name;
  std::string adversary_description;
  std::string attack_version;
  std::string format_version;
  std::vector<CtidStep> steps;
  std::vector<cov::v1::Diagnostic> diagnostics;
};

// See the file comment.
absl::StatusOr<CtidPlan> ParseCtidPlan(absl::string_view yaml,
                                       absl::string_view path);

// The step as API PlanStep: order, technique_id, technique_name, tactic,
// procedure (description without trailing white space), step_id, and one
// TestProcedure per `platforms` executor (guid = procedure id, name,
// description, platforms = {platform}, executor, command, cleanup, origin
// "ctid:<plan_name>", input arguments, dependencies). An `executors` entry
// whose command equals a platform entry's (ignoring surrounding white
// space) only lends it cleanup_command / elevation_required when that entry
// has none; other `executors` entries become tests of their own, with all
// the step's platforms.
cov::v1::PlanStep ToPlanStep(const CtidStep& step, absl::string_view plan_name);

}  // namespace cov::ingest::ctid

#endif  // COV_INGEST_CTID_CTID_PARSER_H_
