// yaml-cpp helpers shared by the Atomic Red Team and CTID parsers: node
// lookup without exceptions, positioned diagnostics, and the Atomic-style
// `input_arguments` / `dependencies` blocks both formats use.
//
// Not a general API: yaml-cpp types stay inside the YAML parser packages
// (//ingest/atomics, //ingest/ctid), so the target is visible to them only.
//
//   YamlDiagnostics diags("T1197/T1197.yaml", "atomics", &out);
//   YAML::Node args = Child(test, "input_arguments");
//   ReadInputArguments(args, diags, proc.mutable_input_arguments());
#ifndef COV_INGEST_ATOMICS_YAML_FIELDS_H_
#define COV_INGEST_ATOMICS_YAML_FIELDS_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "cov/v1/emulation.pb.h"
#include "cov/v1/rules.pb.h"
#include "google/protobuf/repeated_field.h"
#include "yaml-cpp/yaml.h"

namespace cov::ingest::atomics {

// Appends Diagnostics for one file; codes get "<prefix>-" prepended.
class YamlDiagnostics {
 public:
  // `out` must outlive this object.
  YamlDiagnostics(absl::string_view path, absl::string_view prefix,
                  std::vector<cov::v1::Diagnostic>* out)
      : path_(path), prefix_(prefix), out_(out) {}

  // Diagnostics added from now on carry `object` (e.g. a test GUID).
  void set_object(absl::string_view object) { object_ = std::string(object); }

  void Add(cov::v1::Severity severity, int line, int column,
           absl::string_view code, absl::string_view message);
  // Positioned at `at` (line/column 0 when it has no mark).
  void Error(const YAML::Node& at, absl::string_view code,
             absl::string_view message);
  void Warn(const YAML::Node& at, absl::string_view code,
            absl::string_view message);

  const std::string& path() const { return path_; }

 private:
  std::string path_;
  std::string prefix_;
  std::string object_;
  std::vector<cov::v1::Diagnostic>* out_;
};

// 1-based line / column of a node; 0 when it has none.
int LineOf(const YAML::Node& n);
int ColumnOf(const YAML::Node& n);

// "map", "list", "string", "null" or "nothing".
const char* TypeName(const YAML::Node& n);

// True for an absent key, a null value and a plain `~`/`null` scalar.
bool IsAbsent(const YAML::Node& n);

// The value of scalar key `key` in `map`; an undefined node when `map` is
// not a map or has no such key. Never throws.
YAML::Node Child(const YAML::Node& map, absl::string_view key);

// Reads `map[key]` as text into *out. Returns false (leaving *out alone)
// when absent or null; a non-scalar value is reported as
// "<prefix>-invalid-field" (severity as given) and also returns false.
bool ReadScalar(const YAML::Node& map, absl::string_view key,
                YamlDiagnostics& diags, std::string* out,
                cov::v1::Severity severity = cov::v1::SEVERITY_WARNING);

// kInvalidArgument "path:line:col: message" positioned at `at`, or
// "path: message" when it has no mark: a file the parser rejects whole.
absl::Status InvalidAt(absl::string_view path, const YAML::Node& at,
                       absl::string_view message);

// kInvalidArgument "path:line:col: invalid YAML: <e.msg>" (or "path: invalid
// YAML: ..." without a mark) for a yaml-cpp syntax or conversion exception.
absl::Status InvalidYaml(absl::string_view path, const YAML::Exception& e);

// Reads an `input_arguments` map (name -> {description, type, default}).
// Problems are warnings: "<prefix>-invalid-field" for wrong YAML types and
// "<prefix>-unknown-argument-type" for a type other than string, path, url,
// integer, float (any case). Arguments are appended in file order.
void ReadInputArguments(
    const YAML::Node& n, YamlDiagnostics& diags,
    google::protobuf::RepeatedPtrField<cov::v1::InputArgument>* out);

// Reads a `dependencies` list of {description, prereq_command,
// get_prereq_command}. An entry without prereq_command gets a
// "<prefix>-invalid-dependency" warning and is kept.
void ReadDependencies(
    const YAML::Node& n, YamlDiagnostics& diags,
    google::protobuf::RepeatedPtrField<cov::v1::TestDependency>* out);

}  // namespace cov::ingest::atomics

#endif  // COV_INGEST_ATOMICS_YAML_FIELDS_H_
