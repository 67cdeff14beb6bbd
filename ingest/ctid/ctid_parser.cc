#include "ingest/ctid/ctid_parser.h"

#include <set>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "ingest/atomics/atomics_parser.h"
#include "ingest/atomics/yaml_fields.h"
#include "ingest/base/text_checks.h"
#include "ingest/ctid/tactics.h"
#include "yaml-cpp/yaml.h"

namespace cov::ingest::ctid {
namespace {

using atomics::Child;
using atomics::InvalidAt;
using atomics::InvalidYaml;
using atomics::IsAbsent;
using atomics::LineOf;
using atomics::ReadScalar;
using atomics::TypeName;
using atomics::YamlDiagnostics;

// CALDERA (Sandcat) executor names, used as keys under `platforms`.
constexpr absl::string_view kCalderaExecutors[] = {
    "psh",           "pwsh",      "cmd",       "sh",          "bash",
    "proc",          "osascript", "python",    "donut_amd64", "shellcode_amd64",
    "shellcode_386", "native",    "native_aws"};
// Atomic Red Team executor names, used in the `executors` list.
constexpr absl::string_view kAtomicExecutors[] = {
    "command_prompt", "powershell", "sh", "bash", "manual"};
constexpr absl::string_view kPlatforms[] = {"windows", "linux", "darwin"};

// "x", "TBD", "T1234.xxx", "Txxxx": values authors left to fill in later.
bool IsPlaceholder(absl::string_view raw) {
  const std::string s = absl::AsciiStrToLower(absl::StripAsciiWhitespace(raw));
  if (s.empty()) return true;
  if (s == "x" || s == "xx" || s == "xxx" || s == "tbd" || s == "tba" ||
      s == "todo" || s == "n/a" || s == "na" || s == "none" || s == "-" ||
      s == "?") {
    return true;
  }
  if (s[0] != 't' || s.size() < 2) return false;
  bool has_x = false;
  for (size_t i = 1; i < s.size(); ++i) {
    const char c = s[i];
    if (c == 'x') {
      has_x = true;
    } else if (!absl::ascii_isdigit(static_cast<unsigned char>(c)) &&
               c != '.') {
      return false;
    }
  }
  return has_x;
}

// "7.A.5", "1.A", "10.B.2": an emulation step label.
bool LooksLikeStepId(absl::string_view s) {
  std::vector<absl::string_view> parts = absl::StrSplit(s, '.');
  if (parts.size() < 2) return false;
  for (absl::string_view p : parts) {
    if (p.empty()) return false;
    for (char c : p) {
      if (!absl::ascii_isalnum(static_cast<unsigned char>(c))) return false;
    }
  }
  return absl::ascii_isdigit(static_cast<unsigned char>(parts[0][0]));
}

std::string Trimmed(const std::string& s) {
  return std::string(absl::StripAsciiWhitespace(s));
}

class StepReader {
 public:
  explicit StepReader(YamlDiagnostics& diags) : diags_(diags) {}

  void Read(const YAML::Node& n, CtidStep* step) {
    step->line = LineOf(n);
    if (ReadScalar(n, "id", diags_, &step->procedure_id)) {
      step->procedure_id = Trimmed(step->procedure_id);
    }
    diags_.set_object(step->procedure_id);
    if (step->procedure_id.empty()) {
      diags_.Warn(n, "missing-id", "procedure has no 'id'");
    } else if (!ids_.insert(step->procedure_id).second) {
      diags_.Warn(Child(n, "id"), "duplicate-id",
                  absl::StrCat("procedure id ", step->procedure_id,
                               " is used by an earlier procedure"));
    }
    ReadScalar(n, "name", diags_, &step->name);
    ReadScalar(n, "description", diags_, &step->description);
    // Some plans list several sources; they are kept one per line.
    const YAML::Node cti = Child(n, "cti_source");
    if (!IsAbsent(cti)) step->cti_source = ScalarOrLines(cti);
    ReadPlaceholderable(n, "procedure_group", &step->procedure_group);
    ReadPlaceholderable(n, "procedure_step", &step->step_id);
    ReadTechnique(n, step);
    ReadTactic(n, step);
    ReadPlatforms(n, step);
    ReadExecutorsList(n, step);
    if (step->executors.empty()) {
      diags_.Warn(n, "no-executors",
                  "procedure has no executor with a command");
    }
    google::protobuf::RepeatedPtrField<cov::v1::InputArgument> args;
    atomics::ReadInputArguments(Child(n, "input_arguments"), diags_, &args);
    step->input_arguments.assign(args.begin(), args.end());
    google::protobuf::RepeatedPtrField<cov::v1::TestDependency> deps;
    atomics::ReadDependencies(Child(n, "dependencies"), diags_, &deps);
    step->dependencies.assign(deps.begin(), deps.end());
    ReadScalar(n, "dependency_executor_name", diags_,
               &step->dependency_executor);
  }

 private:
  // Scalar field whose placeholder value reads as "".
  void ReadPlaceholderable(const YAML::Node& n, absl::string_view key,
                           std::string* out) {
    std::string v;
    if (ReadScalar(n, key, diags_, &v) && !IsPlaceholder(v)) *out = Trimmed(v);
  }

  void ReadTechnique(const YAML::Node& n, CtidStep* step) {
    const YAML::Node t = Child(n, "technique");
    if (IsAbsent(t)) {
      diags_.Warn(n, "missing-technique", "procedure has no 'technique'");
      return;
    }
    std::string raw;
    YAML::Node at = t;
    if (t.IsScalar()) {
      raw = t.Scalar();  // tolerate `technique: T1059`
    } else if (t.IsMap()) {
      at.reset(Child(t, "attack_id"));  // re-point; `=` would overwrite t
      if (!ReadScalar(t, "attack_id", diags_, &raw)) {
        diags_.Warn(t, "missing-technique", "technique has no 'attack_id'");
      }
      std::string name;
      if (ReadScalar(t, "name", diags_, &name) && !IsPlaceholder(name)) {
        step->technique_name = Trimmed(name);
      }
    } else {
      diags_.Warn(
          t, "invalid-field",
          absl::StrCat("'technique' must be a map, not a ", TypeName(t)));
      return;
    }
    raw = Trimmed(raw);
    if (raw.empty()) return;
    if (atomics::IsTechniqueId(raw)) {
      step->technique_id = raw;
      return;
    }
    const std::string upper = absl::AsciiStrToUpper(raw);
    if (atomics::IsTechniqueId(upper)) {
      diags_.Warn(at, "invalid-technique",
                  absl::StrCat("technique ID '", raw, "' read as ", upper));
      step->technique_id = upper;
      return;
    }
    if (LooksLikeStepId(raw) && atomics::IsTechniqueId(step->step_id)) {
      diags_.Warn(at, "swapped-step-and-technique",
                  absl::StrCat("attack_id '", raw,
                               "' is a step label and "
                               "procedure_step '",
                               step->step_id,
                               "' a technique ID; read the other way round"));
      step->technique_id = step->step_id;
      step->step_id = raw;
      return;
    }
    if (IsPlaceholder(raw)) {
      diags_.Warn(at, "placeholder-technique",
                  absl::StrCat("technique ID is a placeholder ('", raw,
                               "'); step kept without a technique"));
      return;
    }
    diags_.Warn(at, "invalid-technique",
                absl::StrCat("'", raw,
                             "' is not an ATT&CK technique ID; "
                             "step kept without a technique"));
  }

  void ReadTactic(const YAML::Node& n, CtidStep* step) {
    const YAML::Node t = Child(n, "tactic");
    if (IsAbsent(t)) return;
    YAML::Node at = t;
    std::string raw;
    if (t.IsScalar()) {
      raw = t.Scalar();
    } else if (t.IsMap()) {
      // {attack_id: TA0005, name: Defense Evasion}: the ID wins.
      std::string id;
      if (ReadScalar(t, "attack_id", diags_, &id) &&
          NormalizeTactic(id).kind == TacticMatch::kId) {
        raw = id;
        at.reset(Child(t, "attack_id"));
      } else if (ReadScalar(t, "name", diags_, &raw)) {
        at.reset(Child(t, "name"));
      }
    } else {
      diags_.Warn(
          t, "invalid-field",
          absl::StrCat("'tactic' must be a string, not a ", TypeName(t)));
      return;
    }
    step->tactic_raw = raw;
    if (IsPlaceholder(raw)) {
      if (!Trimmed(raw).empty()) {
        diags_.Warn(
            at, "placeholder-tactic",
            absl::StrCat("tactic is a placeholder ('", Trimmed(raw), "')"));
      }
      return;
    }
    const TacticMatch m = NormalizeTactic(raw);
    step->tactic = m.shortname;
    switch (m.kind) {
      case TacticMatch::kFuzzy:
        diags_.Warn(at, "misspelt-tactic",
                    absl::StrCat("tactic '", raw, "' read as ", m.shortname));
        break;
      case TacticMatch::kFirstOfSeveral:
        diags_.Warn(at, "several-tactics",
                    absl::StrCat("tactic '", raw,
                                 "' names several tactics; "
                                 "using the first, ",
                                 m.shortname));
        break;
      case TacticMatch::kNone:
        diags_.Warn(at, "unknown-tactic",
                    absl::StrCat("'", raw,
                                 "' is not an ATT&CK Enterprise "
                                 "tactic; step kept without a tactic"));
        break;
      default:
        break;
    }
  }

  static std::string ScalarOrLines(const YAML::Node& n) {
    if (n.IsScalar()) return n.Scalar();
    std::vector<std::string> lines;
    if (n.IsSequence()) {
      for (size_t i = 0; i < n.size(); ++i) {
        if (n[i].IsScalar()) lines.push_back(n[i].Scalar());
      }
    }
    return absl::StrJoin(lines, "\n");
  }

  void ReadPlatforms(const YAML::Node& n, CtidStep* step) {
    const YAML::Node p = Child(n, "platforms");
    if (IsAbsent(p)) return;
    if (!p.IsMap()) {
      diags_.Warn(
          p, "invalid-field",
          absl::StrCat("'platforms' must be a map, not a ", TypeName(p)));
      return;
    }
    for (auto it = p.begin(); it != p.end(); ++it) {
      const YAML::Node os = it->first;
      const YAML::Node execs = it->second;
      if (!os.IsScalar()) continue;
      const std::string platform = Trimmed(os.Scalar());
      if (!OneOf(platform, kPlatforms)) {
        diags_.Warn(os, "unknown-platform",
                    absl::StrCat("unknown platform '", platform,
                                 "' (expected windows, linux or darwin)"));
      }
      step->platforms.push_back(platform);
      if (IsAbsent(execs) || !execs.IsMap()) {
        diags_.Warn(IsAbsent(execs) ? os : execs, "invalid-field",
                    absl::StrCat("platform '", platform,
                                 "' must map executor names to commands"));
        continue;
      }
      for (auto e = execs.begin(); e != execs.end(); ++e) {
        const YAML::Node key = e->first;
        const YAML::Node body = e->second;
        if (!key.IsScalar()) continue;
        CtidExecutor proto;
        proto.platform = platform;
        proto.line = LineOf(key);
        if (!IsAbsent(body) && body.IsMap()) {
          ReadScalar(body, "command", diags_, &proto.command);
          const YAML::Node cleanup = Child(body, "cleanup");
          if (!IsAbsent(cleanup))
            proto.cleanup_command = ScalarOrLines(cleanup);
          const YAML::Node payloads = Child(body, "payloads");
          if (!IsAbsent(payloads) && payloads.IsSequence()) {
            for (size_t i = 0; i < payloads.size(); ++i) {
              if (payloads[i].IsScalar()) {
                proto.payloads.push_back(payloads[i].Scalar());
              }
            }
          }
        }
        if (absl::StripAsciiWhitespace(proto.command).empty()) {
          diags_.Warn(key, "no-command",
                      absl::StrCat("executor '", key.Scalar(), "' on ",
                                   platform, " has no command (ignored)"));
          continue;
        }
        // "psh,pwsh": one entry per executor name.
        for (absl::string_view name :
             absl::StrSplit(key.Scalar(), ',', absl::SkipWhitespace())) {
          name = absl::StripAsciiWhitespace(name);
          if (!OneOf(name, kCalderaExecutors)) {
            diags_.Warn(key, "unknown-executor",
                        absl::StrCat("unknown executor '", name, "' on ",
                                     platform, " (kept)"));
          }
          CtidExecutor ex = proto;
          ex.name = std::string(name);
          step->executors.push_back(std::move(ex));
        }
      }
    }
  }

  void ReadExecutorsList(const YAML::Node& n, CtidStep* step) {
    const YAML::Node list = Child(n, "executors");
    if (IsAbsent(list)) return;
    if (!list.IsSequence()) {
      diags_.Warn(
          list, "invalid-field",
          absl::StrCat("'executors' must be a list, not a ", TypeName(list)));
      return;
    }
    for (size_t i = 0; i < list.size(); ++i) {
      const YAML::Node e = list[i];
      if (!e.IsMap()) {
        diags_.Warn(e, "invalid-field", "an executors entry must be a map");
        continue;
      }
      CtidExecutor ex;
      ex.from_executors_list = true;
      ex.line = LineOf(e);
      ReadScalar(e, "name", diags_, &ex.name);
      ex.name = Trimmed(ex.name);
      ReadScalar(e, "command", diags_, &ex.command);
      ReadScalar(e, "cleanup_command", diags_, &ex.cleanup_command);
      const YAML::Node elev = Child(e, "elevation_required");
      if (!IsAbsent(elev)) {
        bool v = false;
        if (elev.IsScalar() && YAML::convert<bool>::decode(elev, v)) {
          ex.elevation_required = v;
        } else {
          diags_.Warn(elev, "invalid-field",
                      "'elevation_required' must be true or false");
        }
      }
      if (absl::StripAsciiWhitespace(ex.command).empty()) {
        diags_.Warn(
            e, "no-command",
            absl::StrCat("executor '", ex.name, "' has no command (ignored)"));
        continue;
      }
      if (!OneOf(ex.name, kAtomicExecutors)) {
        diags_.Warn(Child(e, "name"), "unknown-executor",
                    absl::StrCat("unknown executor '", ex.name, "' (kept)"));
      }
      step->executors.push_back(std::move(ex));
    }
  }

  YamlDiagnostics& diags_;
  std::set<std::string> ids_;
};

void ReadDetails(const YAML::Node& d, YamlDiagnostics& diags, CtidPlan* plan) {
  if (!d.IsMap()) {
    diags.Warn(d, "invalid-field",
               absl::StrCat("'emulation_plan_details' must be a map, not a ",
                            TypeName(d)));
    return;
  }
  ReadScalar(d, "id", diags, &plan->id);
  ReadScalar(d, "adversary_name", diags, &plan->adversary_name);
  ReadScalar(d, "adversary_description", diags, &plan->adversary_description);
  ReadScalar(d, "attack_version", diags, &plan->attack_version);
  ReadScalar(d, "format_version", diags, &plan->format_version);
  plan->id = Trimmed(plan->id);
  plan->adversary_name = Trimmed(plan->adversary_name);
}

}  // namespace

absl::StatusOr<CtidPlan> ParseCtidPlan(absl::string_view yaml,
                                       absl::string_view path) {
  if (absl::Status ok = CheckTextInput(yaml, path, kMaxPlanBytes); !ok.ok())
    return ok;
  CtidPlan plan;
  plan.name = std::string(FileStem(path));
  YamlDiagnostics diags(path, "ctid", &plan.diagnostics);
  // yaml-cpp reports syntax errors by exception; they stop here.
  try {
    const YAML::Node root = YAML::Load(std::string(yaml));
    if (IsAbsent(root)) {
      return InvalidAt(path, root,
                       "empty file: expected an emulation plan list");
    }
    if (!root.IsSequence()) {
      return InvalidAt(
          path, root,
          absl::StrCat("not a CTID emulation plan: expected a list "
                       "starting with emulation_plan_details, not "
                       "a ",
                       TypeName(root)));
    }
    bool have_details = false;
    StepReader reader(diags);
    for (size_t i = 0; i < root.size(); ++i) {
      const YAML::Node item = root[i];
      diags.set_object("");
      if (item.IsMap()) {
        const YAML::Node details = Child(item, "emulation_plan_details");
        if (details.IsDefined()) {
          if (have_details) {
            diags.Warn(item, "extra-plan-details",
                       "a second emulation_plan_details item (ignored)");
          } else {
            ReadDetails(details, diags, &plan);
            have_details = true;
          }
          continue;
        }
        CtidStep step;
        reader.Read(item, &step);
        step.order = static_cast<int>(plan.steps.size()) + 1;
        plan.steps.push_back(std::move(step));
        continue;
      }
      diags.Error(item, "invalid-step",
                  absl::StrCat("a plan item must be a map, not a ",
                               TypeName(item), " (skipped)"));
    }
    if (!have_details) {
      return InvalidAt(path, root,
                       "not a CTID emulation plan: no emulation_plan_details "
                       "item");
    }
  } catch (const YAML::Exception& e) {
    return InvalidYaml(path, e);
  }
  return plan;
}

cov::v1::PlanStep ToPlanStep(const CtidStep& step,
                             absl::string_view plan_name) {
  cov::v1::PlanStep out;
  out.set_order(step.order);
  out.set_technique_id(step.technique_id);
  out.set_technique_name(step.technique_name);
  out.set_tactic(step.tactic);
  out.set_procedure(
      std::string(absl::StripTrailingAsciiWhitespace(step.description)));
  out.set_step_id(step.step_id);
  const std::string origin = absl::StrCat("ctid:", plan_name);
  auto new_test = [&](const CtidExecutor& e) {
    cov::v1::TestProcedure* t = out.add_tests();
    t->set_guid(step.procedure_id);
    t->set_name(step.name);
    t->set_description(step.description);
    t->set_executor(e.name);
    t->set_command(e.command);
    t->set_cleanup_command(e.cleanup_command);
    t->set_elevation_required(e.elevation_required);
    t->set_origin(origin);
    for (const auto& a : step.input_arguments) *t->add_input_arguments() = a;
    for (const auto& d : step.dependencies) *t->add_dependencies() = d;
    t->set_dependency_executor(step.dependency_executor);
    return t;
  };
  for (const CtidExecutor& e : step.executors) {
    if (!e.from_executors_list) new_test(e)->add_platforms(e.platform);
  }
  const int platform_tests = out.tests_size();
  for (const CtidExecutor& e : step.executors) {
    if (!e.from_executors_list) continue;
    const absl::string_view cmd = absl::StripAsciiWhitespace(e.command);
    bool merged = false;
    for (int i = 0; i < platform_tests; ++i) {
      cov::v1::TestProcedure* t = out.mutable_tests(i);
      if (absl::StripAsciiWhitespace(t->command()) != cmd) continue;
      merged = true;
      if (t->cleanup_command().empty())
        t->set_cleanup_command(e.cleanup_command);
      if (!t->elevation_required())
        t->set_elevation_required(e.elevation_required);
    }
    if (merged) continue;
    cov::v1::TestProcedure* t = new_test(e);
    for (const std::string& p : step.platforms) t->add_platforms(p);
  }
  return out;
}

}  // namespace cov::ingest::ctid
