#include "ingest/atomics/yaml_fields.h"

#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "ingest/base/diagnostics.h"

namespace cov::ingest::atomics {

void YamlDiagnostics::Add(cov::v1::Severity severity, int line, int column,
                          absl::string_view code, absl::string_view message) {
  cov::v1::Diagnostic d = MakeDiagnostic(
      severity, path_, line, column, absl::StrCat(prefix_, "-", code), message);
  if (!object_.empty()) d.set_object(object_);
  out_->push_back(std::move(d));
}

void YamlDiagnostics::Error(const YAML::Node& at, absl::string_view code,
                            absl::string_view message) {
  Add(cov::v1::SEVERITY_ERROR, LineOf(at), ColumnOf(at), code, message);
}

void YamlDiagnostics::Warn(const YAML::Node& at, absl::string_view code,
                           absl::string_view message) {
  Add(cov::v1::SEVERITY_WARNING, LineOf(at), ColumnOf(at), code, message);
}

absl::Status InvalidAt(absl::string_view path, const YAML::Node& at,
                       absl::string_view message) {
  const int line = LineOf(at);
  if (line == 0) {
    return absl::InvalidArgumentError(absl::StrCat(path, ": ", message));
  }
  return absl::InvalidArgumentError(
      absl::StrCat(path, ":", line, ":", ColumnOf(at), ": ", message));
}

absl::Status InvalidYaml(absl::string_view path, const YAML::Exception& e) {
  if (e.mark.is_null()) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ": invalid YAML: ", e.msg));
  }
  return absl::InvalidArgumentError(absl::StrCat(path, ":", e.mark.line + 1,
                                                 ":", e.mark.column + 1,
                                                 ": invalid YAML: ", e.msg));
}

int LineOf(const YAML::Node& n) {
  if (!n.IsDefined()) return 0;
  const YAML::Mark m = n.Mark();
  return m.is_null() ? 0 : m.line + 1;
}

int ColumnOf(const YAML::Node& n) {
  if (!n.IsDefined()) return 0;
  const YAML::Mark m = n.Mark();
  return m.is_null() ? 0 : m.column + 1;
}

const char* TypeName(const YAML::Node& n) {
  if (!n.IsDefined()) return "nothing";
  switch (n.Type()) {
    case YAML::NodeType::Map:
      return "map";
    case YAML::NodeType::Sequence:
      return "list";
    case YAML::NodeType::Scalar:
      return "string";
    case YAML::NodeType::Null:
      return "null";
    default:
      return "nothing";
  }
}

bool IsAbsent(const YAML::Node& n) {
  if (!n.IsDefined() || n.IsNull()) return true;
  // A plain `~` or `null` is null in YAML; yaml-cpp keeps it a scalar.
  if (n.IsScalar() && n.Tag() != "!") {
    const std::string& v = n.Scalar();
    return v == "~" || v == "null" || v == "Null" || v == "NULL";
  }
  return false;
}

YAML::Node Child(const YAML::Node& map, absl::string_view key) {
  if (map.IsDefined() && map.IsMap()) {
    for (auto it = map.begin(); it != map.end(); ++it) {
      if (it->first.IsScalar() && it->first.Scalar() == key) return it->second;
    }
  }
  return YAML::Node(YAML::NodeType::Undefined);
}

bool ReadScalar(const YAML::Node& map, absl::string_view key,
                YamlDiagnostics& diags, std::string* out,
                cov::v1::Severity severity) {
  const YAML::Node n = Child(map, key);
  if (IsAbsent(n)) return false;
  if (!n.IsScalar()) {
    diags.Add(
        severity, LineOf(n), ColumnOf(n), "invalid-field",
        absl::StrCat("'", key, "' must be a string, not a ", TypeName(n)));
    return false;
  }
  *out = n.Scalar();
  return true;
}

void ReadInputArguments(
    const YAML::Node& n, YamlDiagnostics& diags,
    google::protobuf::RepeatedPtrField<cov::v1::InputArgument>* out) {
  if (IsAbsent(n)) return;
  if (!n.IsMap()) {
    diags.Warn(n, "invalid-field",
               absl::StrCat("'input_arguments' must be a map, not a ",
                            TypeName(n), "; ignored"));
    return;
  }
  for (auto it = n.begin(); it != n.end(); ++it) {
    const YAML::Node key = it->first;
    const YAML::Node value = it->second;
    if (!key.IsScalar() || key.Scalar().empty()) {
      diags.Warn(key, "invalid-field",
                 "input argument names must be non-empty strings; ignored");
      continue;
    }
    cov::v1::InputArgument* arg = out->Add();
    arg->set_name(key.Scalar());
    if (IsAbsent(value)) continue;  // declared without details
    if (!value.IsMap()) {
      diags.Warn(value, "invalid-field",
                 absl::StrCat("input argument '", key.Scalar(),
                              "' must be a map, not a ", TypeName(value)));
      continue;
    }
    ReadScalar(value, "description", diags, arg->mutable_description());
    if (ReadScalar(value, "type", diags, arg->mutable_type())) {
      const std::string t = absl::AsciiStrToLower(arg->type());
      if (t != "string" && t != "path" && t != "url" && t != "integer" &&
          t != "float") {
        diags.Warn(Child(value, "type"), "unknown-argument-type",
                   absl::StrCat("input argument '", key.Scalar(),
                                "' has type '", arg->type(),
                                "' (expected string, path, url, integer or "
                                "float)"));
      }
    }
    ReadScalar(value, "default", diags, arg->mutable_default_value());
  }
}

void ReadDependencies(
    const YAML::Node& n, YamlDiagnostics& diags,
    google::protobuf::RepeatedPtrField<cov::v1::TestDependency>* out) {
  if (IsAbsent(n)) return;
  if (!n.IsSequence()) {
    diags.Warn(n, "invalid-field",
               absl::StrCat("'dependencies' must be a list, not a ",
                            TypeName(n), "; ignored"));
    return;
  }
  for (size_t i = 0; i < n.size(); ++i) {
    const YAML::Node item = n[i];
    if (!item.IsMap()) {
      diags.Warn(item, "invalid-dependency",
                 absl::StrCat("a dependency must be a map, not a ",
                              TypeName(item), "; ignored"));
      continue;
    }
    cov::v1::TestDependency* dep = out->Add();
    ReadScalar(item, "description", diags, dep->mutable_description());
    ReadScalar(item, "get_prereq_command", diags,
               dep->mutable_get_prereq_command());
    if (!ReadScalar(item, "prereq_command", diags,
                    dep->mutable_prereq_command())) {
      diags.Warn(item, "invalid-dependency",
                 "dependency without 'prereq_command' (kept)");
    }
  }
}

}  // namespace cov::ingest::atomics
