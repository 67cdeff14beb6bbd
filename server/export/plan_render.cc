#include "server/export/plan_render.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "server/export/json_writer.h"
#include "server/export/xlsx_writer.h"

namespace cov::server::exporter {
namespace {

// A YAML double-quoted scalar (YAML 1.2 escapes, not JSON's: shell
// redirections such as `>nul 2>&1` stay readable for the operator).
std::string Quote(absl::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    const unsigned char u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\t') {
      out += "\\t";
    } else if (u < 0x20 || u == 0x7f) {
      absl::StrAppend(&out, "\\x", absl::Hex(u, absl::kZeroPad2));
    } else {
      out += c;
    }
  }
  return out + "\"";
}

void AppendYamlStep(const cov::v1::PlanStep& s, std::string* out) {
  absl::StrAppend(
      out, "- id: ",
      Quote(s.tests().empty() ? absl::StrCat("step-", s.order())
                              : s.tests(0).guid()),
      "\n  name: ", Quote(s.technique_name()),
      "\n  description: ", Quote(s.procedure()),
      "\n  tactic:\n    name: ", Quote(s.tactic()),
      "\n  technique:\n    attack_id: ", s.technique_id(),
      "\n    name: ", Quote(s.technique_name()), "\n  procedure_step: ",
      Quote(s.step_id().empty() ? absl::StrCat(s.order()) : s.step_id()), "\n");
  if (!s.tests().empty()) absl::StrAppend(out, "  executors:\n");
  for (const auto& t : s.tests()) {
    absl::StrAppend(out, "    - name: ", Quote(t.executor()),
                    "\n      command: ", Quote(t.command()),
                    "\n      cleanup_command: ", Quote(t.cleanup_command()),
                    "\n      elevation_required: ",
                    t.elevation_required() ? "true" : "false", "\n");
  }
  absl::StrAppend(out, "\n");
}

// A code block indented two spaces, for a test's command.
std::string Block(absl::string_view code) {
  return absl::StrCat("  ```\n  ", absl::StrReplaceAll(code, {{"\n", "\n  "}}),
                      "\n  ```\n\n");
}

void AppendMarkdownTests(const cov::v1::PlanStep& s, std::string* out) {
  if (s.tests().empty()) {
    absl::StrAppend(out, "- Tests: no test available\n\n");
    return;
  }
  absl::StrAppend(out, "- Tests:\n\n");
  for (const auto& t : s.tests()) {
    absl::StrAppend(out, "  ### ", t.name(), " (`", t.guid(), "`)\n\n  ",
                    absl::StrJoin(t.platforms(), ", "), ", executor ",
                    t.executor(), t.elevation_required() ? ", elevated" : "",
                    "\n\n", Block(t.command()));
    if (!t.cleanup_command().empty()) {
      absl::StrAppend(out, "  Cleanup:\n\n", Block(t.cleanup_command()));
    }
    absl::StrAppend(out, "  Record: `cov experiment record EXP --technique ",
                    s.technique_id(), " --test ", t.guid(),
                    " --outcome detected|missed|partial`\n\n");
  }
}

void AppendMarkdownStep(const cov::v1::PlanStep& s, std::string* out) {
  absl::StrAppend(out, "## ", s.order(), ". ", s.technique_id(), " ",
                  s.technique_name(), " (", s.tactic(), ")\n\n");
  if (!s.procedure().empty()) absl::StrAppend(out, "> ", s.procedure(), "\n\n");
  absl::StrAppend(
      out, "- Telemetry needed: ",
      s.data_components().empty() ? "none named by ATT&CK"
                                  : absl::StrJoin(s.data_components(), ", "),
      "\n- Evidence now: ", s.evidence().empty() ? "none" : s.evidence(), "\n");
  if (s.expected_rules().empty()) {
    absl::StrAppend(out, "- Expected rules: **none** (a detection gap)\n");
  } else {
    absl::StrAppend(out, "- Expected rules:\n");
    for (const auto& r : s.expected_rules()) {
      absl::StrAppend(out, "  - `", r.uid(), "` ", r.title(), " (", r.source(),
                      ")\n");
    }
  }
  AppendMarkdownTests(s, out);
}

}  // namespace

std::string PlanYaml(const cov::v1::PlanResponse& p) {
  std::string out =
      absl::StrCat("- emulation_plan_details:\n    id: ", Quote(p.subject()),
                   "\n    adversary_name: ", Quote(p.subject()),
                   "\n    attack_version: ", Quote(p.release().version()),
                   "\n    format_version: 1.0\n\n");
  for (const auto& s : p.steps()) AppendYamlStep(s, &out);
  return out;
}

std::string PlanLayer(const cov::v1::PlanResponse& p) {
  const std::string& version = p.release().version();
  std::string out;
  JsonWriter w(&out);
  w.BeginObject();
  w.KeyString("name", absl::StrCat("cov plan: ", p.subject()));
  w.Key("versions");
  w.BeginObject();
  w.KeyString("attack", version.substr(0, version.find('.')));
  w.KeyString("navigator", "5.2.0");
  w.KeyString("layer", "4.5");
  w.EndObject();
  w.KeyString("domain", p.release().domain().empty() ? "enterprise-attack"
                                                     : p.release().domain());
  w.KeyString("description", "Emulation plan steps; score = step order");
  w.Key("techniques");
  w.BeginArray();
  for (const auto& s : p.steps()) {
    w.BeginObject();
    w.KeyString("techniqueID", s.technique_id());
    w.KeyString("tactic", s.tactic());
    w.KeyInt("score", s.order());
    w.KeyString("comment",
                absl::StrCat(s.tests_size(), " tests, ",
                             s.expected_rules_size(), " rules, evidence ",
                             s.evidence().empty() ? "none" : s.evidence()));
    w.KeyBool("enabled", true);
    w.EndObject();
  }
  w.EndArray();
  w.Key("gradient");
  w.BeginObject();
  w.Key("colors");
  w.BeginArray();
  w.String("#c6dbef");
  w.String("#08519c");
  w.EndArray();
  w.KeyInt("minValue", 1);
  w.KeyInt("maxValue", std::max(1, p.steps_size()));
  w.EndObject();
  w.EndObject();
  out += "\n";
  return out;
}

std::string PlanMarkdown(const cov::v1::PlanResponse& p) {
  std::string out = absl::StrCat(
      "# Emulation runbook: ", p.subject(), "\n\nATT&CK ", p.release().domain(),
      " ", p.release().version(), ", ", p.steps_size(),
      " steps in kill-chain order.\n\n"
      "For each step: run a test, note the time, then record what fired with "
      "`cov experiment record` or import the alerts with `cov experiment "
      "import`.\n\n");
  for (const auto& s : p.steps()) AppendMarkdownStep(s, &out);
  return out;
}

absl::Status RenderPlan(absl::string_view format, cov::v1::PlanResponse* plan) {
  if (format.empty() || format == "table" || format == "json") {
    return absl::OkStatus();
  }
  if (format == "yaml") {
    plan->set_rendered(PlanYaml(*plan));
  } else if (format == "layer") {
    plan->set_rendered(PlanLayer(*plan));
  } else if (format == "markdown") {
    plan->set_rendered(PlanMarkdown(*plan));
  } else if (format == "xlsx") {
    absl::StatusOr<std::string> workbook = PlanXlsx(*plan);
    if (!workbook.ok()) return workbook.status();
    plan->set_workbook(*std::move(workbook));
  } else {
    return absl::InvalidArgumentError(absl::StrCat(
        "unknown plan format '", format, "' (yaml, layer, markdown, xlsx)"));
  }
  return absl::OkStatus();
}

}  // namespace cov::server::exporter
