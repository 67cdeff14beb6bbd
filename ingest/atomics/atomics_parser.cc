#include "ingest/atomics/atomics_parser.h"

#include <algorithm>
#include <set>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "ingest/atomics/render.h"
#include "ingest/atomics/yaml_fields.h"
#include "ingest/base/text_checks.h"
#include "ingest/base/utf8.h"
#include "yaml-cpp/yaml.h"

namespace cov::ingest::atomics {
namespace {

constexpr absl::string_view kExecutors[] = {"command_prompt", "powershell",
                                            "sh", "bash", "manual"};
// Atomic Red Team's Platform literal (atomic_red_team/models.py).
constexpr absl::string_view kPlatforms[] = {
    "windows",          "macos",    "linux", "office-365", "azure-ad",
    "google-workspace", "saas",     "iaas",  "containers", "iaas:gcp",
    "iaas:azure",       "iaas:aws", "esxi"};
constexpr absl::string_view kTestKeys[] = {"name",
                                           "auto_generated_guid",
                                           "description",
                                           "supported_platforms",
                                           "input_arguments",
                                           "dependencies",
                                           "dependency_executor_name",
                                           "executor"};
constexpr absl::string_view kExecutorKeys[] = {
    "name", "command", "cleanup_command", "elevation_required", "steps"};

template <size_t N>
void WarnUnknownKeys(const YAML::Node& map, const absl::string_view (&known)[N],
                     absl::string_view where, YamlDiagnostics& diags) {
  for (auto it = map.begin(); it != map.end(); ++it) {
    const YAML::Node k = it->first;
    if (k.IsScalar() && OneOf(k.Scalar(), known)) continue;
    diags.Warn(k, "unknown-key",
               absl::StrCat("unknown key '", k.IsScalar() ? k.Scalar() : "?",
                            "' in ", where, " (ignored)"));
  }
}

class TestReader {
 public:
  TestReader(YamlDiagnostics& diags, std::set<std::string>& guids)
      : diags_(diags), guids_(guids) {}

  // Fills *out from `n`; false when the test must be dropped.
  bool Read(const YAML::Node& n, cov::v1::TestProcedure* out) {
    diags_.set_object("");
    if (!n.IsMap()) {
      diags_.Error(
          n, "invalid-test",
          absl::StrCat("an atomic test must be a map, not a ", TypeName(n)));
      return false;
    }
    bool ok = true;
    // Identity first, so every diagnostic below names the test.
    const YAML::Node guid = Child(n, "auto_generated_guid");
    if (IsAbsent(guid) || !guid.IsScalar() || guid.Scalar().empty()) {
      diags_.Error(IsAbsent(guid) ? n : guid, "missing-guid",
                   "test has no 'auto_generated_guid'");
      ok = false;
    } else {
      out->set_guid(guid.Scalar());
      diags_.set_object(out->guid());
      if (!IsUuid(out->guid())) {
        diags_.Warn(guid, "invalid-guid",
                    absl::StrCat("'", out->guid(),
                                 "' is not a GUID (8-4-4-4-12 hex digits)"));
      }
      if (!guids_.insert(absl::AsciiStrToLower(out->guid())).second) {
        diags_.Error(guid, "duplicate-guid",
                     absl::StrCat("GUID ", out->guid(),
                                  " is used by an earlier test of this file"));
        ok = false;
      }
    }
    WarnUnknownKeys(n, kTestKeys, "an atomic test", diags_);
    if (!ReadScalar(n, "name", diags_, out->mutable_name()) ||
        out->name().empty()) {
      diags_.Warn(n, "missing-name", "test has no 'name'");
    }
    ReadScalar(n, "description", diags_, out->mutable_description());
    ok &= ReadPlatforms(n, out);
    ok &= ReadExecutor(n, out);
    ReadInputArguments(Child(n, "input_arguments"), diags_,
                       out->mutable_input_arguments());
    ReadDependencies(Child(n, "dependencies"), diags_,
                     out->mutable_dependencies());
    if (ReadScalar(n, "dependency_executor_name", diags_,
                   out->mutable_dependency_executor()) &&
        !OneOf(out->dependency_executor(), kExecutors)) {
      diags_.Warn(Child(n, "dependency_executor_name"),
                  "unknown-dependency-executor",
                  absl::StrCat("unknown dependency executor '",
                               out->dependency_executor(), "'"));
    }
    CheckArguments(n, *out);
    out->set_origin("atomics");
    return ok;
  }

 private:
  bool ReadPlatforms(const YAML::Node& n, cov::v1::TestProcedure* out) {
    const YAML::Node p = Child(n, "supported_platforms");
    std::vector<YAML::Node> items;
    if (!IsAbsent(p) && p.IsScalar()) {
      diags_.Warn(p, "invalid-field",
                  "'supported_platforms' must be a list, not a single "
                  "string (kept as one platform)");
      items.push_back(p);
    } else if (!IsAbsent(p) && p.IsSequence()) {
      for (size_t i = 0; i < p.size(); ++i) items.push_back(p[i]);
    } else if (!IsAbsent(p)) {
      diags_.Warn(p, "invalid-field",
                  absl::StrCat("'supported_platforms' must be a list, not a ",
                               TypeName(p)));
    }
    for (const YAML::Node& item : items) {
      if (IsAbsent(item) || !item.IsScalar() || item.Scalar().empty()) {
        diags_.Warn(item, "invalid-field",
                    "platforms must be non-empty strings (item ignored)");
        continue;
      }
      if (!OneOf(item.Scalar(), kPlatforms)) {
        diags_.Warn(item, "unknown-platform",
                    absl::StrCat("unknown platform '", item.Scalar(), "'"));
      }
      out->add_platforms(item.Scalar());
    }
    if (out->platforms().empty()) {
      diags_.Error(IsAbsent(p) ? n : p, "missing-platforms",
                   "test has no 'supported_platforms'");
      return false;
    }
    return true;
  }

  bool ReadExecutor(const YAML::Node& n, cov::v1::TestProcedure* out) {
    const YAML::Node e = Child(n, "executor");
    if (IsAbsent(e) || !e.IsMap()) {
      diags_.Error(
          IsAbsent(e) ? n : e, "missing-executor",
          IsAbsent(e)
              ? std::string("test has no 'executor'")
              : absl::StrCat("'executor' must be a map, not a ", TypeName(e)));
      return false;
    }
    WarnUnknownKeys(e, kExecutorKeys, "executor", diags_);
    bool ok = true;
    if (!ReadScalar(e, "name", diags_, out->mutable_executor(),
                    cov::v1::SEVERITY_ERROR) ||
        out->executor().empty()) {
      diags_.Error(e, "missing-executor", "executor has no 'name'");
      ok = false;
    } else if (!OneOf(out->executor(), kExecutors)) {
      diags_.Error(Child(e, "name"), "unknown-executor",
                   absl::StrCat("unknown executor '", out->executor(),
                                "' (expected one of: ",
                                absl::StrJoin(kExecutors, ", "), ")"));
      ok = false;
    }
    const bool manual = out->executor() == "manual";
    const absl::string_view body_key = manual ? "steps" : "command";
    if (!ReadScalar(e, body_key, diags_, out->mutable_command(),
                    cov::v1::SEVERITY_ERROR) ||
        absl::StripAsciiWhitespace(out->command()).empty()) {
      if (ok) {
        diags_.Error(e, "missing-command",
                     absl::StrCat("executor has no '", body_key, "'"));
      }
      ok = false;
    }
    ReadScalar(e, "cleanup_command", diags_, out->mutable_cleanup_command());
    const YAML::Node elev = Child(e, "elevation_required");
    if (!IsAbsent(elev)) {
      bool v = false;
      if (elev.IsScalar() && YAML::convert<bool>::decode(elev, v)) {
        out->set_elevation_required(v);
      } else {
        diags_.Warn(elev, "invalid-field",
                    "'elevation_required' must be true or false (read as "
                    "false)");
      }
    }
    return ok;
  }

  // Every `#{x}` must name an input argument and every argument be used
  // somewhere (commands, cleanup, dependency commands), as the Atomic Red
  // Team validator requires.
  void CheckArguments(const YAML::Node& n, const cov::v1::TestProcedure& t) {
    std::vector<std::string> used;
    auto collect = [&used](absl::string_view text) {
      for (std::string& name : ReferencedArguments(text)) {
        if (std::find(used.begin(), used.end(), name) == used.end()) {
          used.push_back(std::move(name));
        }
      }
    };
    collect(t.command());
    collect(t.cleanup_command());
    for (const cov::v1::TestDependency& d : t.dependencies()) {
      collect(d.prereq_command());
      collect(d.get_prereq_command());
    }
    std::set<absl::string_view> defined;
    for (const cov::v1::InputArgument& a : t.input_arguments()) {
      defined.insert(a.name());
    }
    for (const std::string& name : used) {
      if (defined.count(name) == 0) {
        diags_.Warn(
            n, "undefined-argument",
            absl::StrCat("'#{", name, "}' is used but not in input_arguments"));
      }
    }
    for (const cov::v1::InputArgument& a : t.input_arguments()) {
      if (std::find(used.begin(), used.end(), a.name()) == used.end()) {
        diags_.Warn(Child(n, "input_arguments"), "unused-argument",
                    absl::StrCat("input argument '", a.name(),
                                 "' is not used by any command"));
      }
    }
  }

  YamlDiagnostics& diags_;
  std::set<std::string>& guids_;
};

}  // namespace

bool IsTechniqueId(absl::string_view id) {
  auto digits = [&id](size_t from, size_t n) {
    for (size_t i = from; i < from + n; ++i) {
      if (!absl::ascii_isdigit(static_cast<unsigned char>(id[i]))) return false;
    }
    return true;
  };
  if (id.size() == 5) return id[0] == 'T' && digits(1, 4);
  if (id.size() == 9) {
    return id[0] == 'T' && digits(1, 4) && id[5] == '.' && digits(6, 3);
  }
  return false;
}

absl::StatusOr<AtomicsFile> ParseAtomics(absl::string_view yaml,
                                         absl::string_view path) {
  if (absl::Status ok = CheckTextInput(yaml, path, kMaxAtomicsBytes); !ok.ok())
    return ok;
  AtomicsFile file;
  YamlDiagnostics diags(path, "atomics", &file.diagnostics);
  // yaml-cpp reports syntax and conversion errors by exception; they stop
  // here and become a status.
  try {
    const YAML::Node root = YAML::Load(std::string(yaml));
    if (IsAbsent(root)) {
      return InvalidAt(path, root,
                       "empty file: expected an Atomic Red Team map");
    }
    if (!root.IsMap()) {
      return InvalidAt(path, root,
                       absl::StrCat("expected a map with attack_technique and "
                                    "atomic_tests, not a ",
                                    TypeName(root)));
    }
    const YAML::Node technique = Child(root, "attack_technique");
    if (IsAbsent(technique) || !technique.IsScalar()) {
      return InvalidAt(path, IsAbsent(technique) ? root : technique,
                       "missing 'attack_technique'");
    }
    file.technique_id = technique.Scalar();
    if (!IsTechniqueId(file.technique_id)) {
      return InvalidAt(path, technique,
                       absl::StrCat("'", file.technique_id,
                                    "' is not an ATT&CK technique ID "
                                    "(T#### or T####.###)"));
    }
    const absl::string_view stem = FileStem(path);
    if (IsTechniqueId(stem) && stem != file.technique_id) {
      diags.Warn(technique, "technique-mismatch",
                 absl::StrCat("file is named ", stem,
                              " but attack_technique is ", file.technique_id));
    }
    if (!ReadScalar(root, "display_name", diags, &file.display_name) ||
        file.display_name.empty()) {
      diags.Warn(root, "missing-display-name", "no 'display_name'");
    }
    const YAML::Node tests = Child(root, "atomic_tests");
    if (IsAbsent(tests) || !tests.IsSequence()) {
      return InvalidAt(
          path, IsAbsent(tests) ? root : tests,
          IsAbsent(tests)
              ? std::string("missing 'atomic_tests'")
              : absl::StrCat("'atomic_tests' must be a list, not a ",
                             TypeName(tests)));
    }
    std::set<std::string> guids;
    TestReader reader(diags, guids);
    for (size_t i = 0; i < tests.size(); ++i) {
      const YAML::Node n = tests[i];
      AtomicTest t;
      t.number = static_cast<int>(i) + 1;
      t.line = LineOf(n);
      if (reader.Read(n, &t.procedure)) file.tests.push_back(std::move(t));
    }
  } catch (const YAML::Exception& e) {
    return InvalidYaml(path, e);
  }
  // yaml-cpp decodes escapes such as "\N" into raw single bytes; protobuf
  // strings must be UTF-8.
  for (AtomicTest& t : file.tests) SanitizeUtf8(&t.procedure);
  for (cov::v1::Diagnostic& d : file.diagnostics) SanitizeUtf8(&d);
  return file;
}

}  // namespace cov::ingest::atomics
