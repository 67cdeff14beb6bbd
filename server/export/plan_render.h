// Renderings of an emulation plan (cov.v1.PlanResponse) that every client
// shares: the CTID adversary-emulation plan YAML, an ATT&CK Navigator layer
// and a Markdown operator runbook. Pure functions, no gRPC, no store; covd
// fills PlanResponse.rendered with them when PlanRequest.format asks.
//
// Example:
//   cov::v1::PlanResponse plan = ...;  // from the engine
//   absl::Status s = RenderPlan("markdown", &plan);
//   // plan.rendered() starts with "# Emulation runbook: <subject>"
//
// Thread-safe (no shared state).
#ifndef COV_SERVER_EXPORT_PLAN_RENDER_H_
#define COV_SERVER_EXPORT_PLAN_RENDER_H_

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "cov/v1/emulation.pb.h"

namespace cov::server::exporter {

// The CTID plan layout (structure/format_dictionary.yaml): one
// emulation_plan_details item, then one item per step with its tactic,
// technique and executors (the step's tests). Strings are double-quoted.
std::string PlanYaml(const cov::v1::PlanResponse& plan);

// A Navigator layer (format 4.5, compact JSON): one technique entry per
// step, score = step order, comment = tests, rules and evidence.
std::string PlanLayer(const cov::v1::PlanResponse& plan);

// A runbook: per step the procedure, telemetry, evidence, expected rules
// and each test's commands with the `cov experiment record` line to run.
std::string PlanMarkdown(const cov::v1::PlanResponse& plan);

// Sets plan->rendered for `format`: "yaml", "layer" or "markdown"; "",
// "table" and "json" leave it empty (the client renders the message).
// "xlsx" fills plan->workbook() instead (an Excel workbook, see
// xlsx_writer.h; its errors are returned). InvalidArgument ("unknown plan
// format 'x' (yaml, layer, markdown, xlsx)") for any other format.
absl::Status RenderPlan(absl::string_view format, cov::v1::PlanResponse* plan);

}  // namespace cov::server::exporter

#endif  // COV_SERVER_EXPORT_PLAN_RENDER_H_
