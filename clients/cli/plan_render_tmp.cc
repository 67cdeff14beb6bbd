// TEMPORARY: the plan renderers until they move to server/export.
#include <algorithm>
#include <cstdio>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "cov/v1/emulation.pb.h"

namespace cov::clients::cli {
namespace {
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

}  // namespace

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

namespace {
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

}  // namespace

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

}  // namespace cov::clients::cli
