// YAML pieces Splunk and Sentinel rules share (also used by
// //ingest/sentinel): field reading that works the same over yaml-cpp's
// YAML::Node and the pruned libyaml YamlLiteNode (//ingest/base:yaml_lite),
// so one rule reader, written as a template over the node type, runs on the
// fast reader and falls back to yaml-cpp with identical results; a list of
// strings, as they write their ID and data-source lists, with the position
// of each entry; and the reading of a one-rule YAML file.
//
//   template <typename Node>
//   void ReadRule(const Node& root, const SourceFile& file,
//                 RuleDiagnostics& diags, ParsedFile* out) {
//     std::string uid;
//     ReadScalar(root, "id", diags, &uid);
//     for (YamlString& s : ReadStringList(Child(root, "references"),
//                                         "references", diags)) ...
//   }
//   const YamlRuleReader reader = {&keep, &ReadRule<YamlLiteNode>,
//                                  &ReadRule<YAML::Node>};
//   ReadYamlRuleFile(file.content, file, "splunk", reader, &out);
#ifndef COV_INGEST_SPLUNK_YAML_LIST_H_
#define COV_INGEST_SPLUNK_YAML_LIST_H_

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "ingest/atomics/yaml_fields.h"
#include "ingest/base/rule_parser.h"
#include "ingest/base/yaml_lite.h"
#include "yaml-cpp/yaml.h"

namespace cov::ingest::splunk {

// The same questions asked of either node type (yaml-cpp's answers are
// atomics::Child, IsAbsent, TypeName, LineOf, ColumnOf). Never throw.
inline const YAML::Node Child(const YAML::Node& map, absl::string_view key) {
  return atomics::Child(map, key);
}
inline const YamlLiteNode& Child(const YamlLiteNode& map,
                                 absl::string_view key) {
  return map.Child(key);
}
inline bool IsAbsent(const YAML::Node& n) { return atomics::IsAbsent(n); }
inline bool IsAbsent(const YamlLiteNode& n) { return n.IsAbsent(); }
inline const char* TypeName(const YAML::Node& n) {
  return atomics::TypeName(n);
}
inline const char* TypeName(const YamlLiteNode& n) { return n.TypeName(); }
inline const std::string& ScalarOf(const YAML::Node& n) { return n.Scalar(); }
inline const std::string& ScalarOf(const YamlLiteNode& n) { return n.scalar; }

// Calls f(entry) for each entry of a list, in order.
template <typename F>
void ForEachEntry(const YAML::Node& list, F f) {
  for (const YAML::Node& el : list) f(el);
}
template <typename F>
void ForEachEntry(const YamlLiteNode& list, F f) {
  for (const YamlLiteNode& el : list.sequence) f(el);
}
// Calls f(key, value) for each pair of a map, in order.
template <typename F>
void ForEachPair(const YAML::Node& map, F f) {
  for (auto it = map.begin(); it != map.end(); ++it) f(it->first, it->second);
}
template <typename F>
void ForEachPair(const YamlLiteNode& map, F f) {
  for (const auto& [k, v] : map.map) f(k, v);
}

// atomics::YamlDiagnostics positioned at either node type. Notes when a
// position came from a YamlLiteNode whose mark libyaml and yaml-cpp place
// differently (mark_exact false): the caller then re-reads with yaml-cpp.
class RuleDiagnostics {
 public:
  // `diags` must outlive this object.
  explicit RuleDiagnostics(atomics::YamlDiagnostics* diags) : diags_(diags) {}

  void set_object(absl::string_view object) { diags_->set_object(object); }
  void Add(cov::v1::Severity severity, int line, int column,
           absl::string_view code, absl::string_view message) {
    diags_->Add(severity, line, column, code, message);
  }
  void Add(cov::v1::Severity severity, const YAML::Node& at,
           absl::string_view code, absl::string_view message) {
    Add(severity, atomics::LineOf(at), atomics::ColumnOf(at), code, message);
  }
  void Add(cov::v1::Severity severity, const YamlLiteNode& at,
           absl::string_view code, absl::string_view message) {
    if (!at.mark_exact) inexact_ = true;
    Add(severity, at.line, at.column, code, message);
  }
  template <typename Node>
  void Warn(const Node& at, absl::string_view code, absl::string_view message) {
    Add(cov::v1::SEVERITY_WARNING, at, code, message);
  }

  bool used_inexact_mark() const { return inexact_; }

 private:
  atomics::YamlDiagnostics* diags_;
  bool inexact_ = false;
};

// Reads `map[key]` as text into *out (as atomics::ReadScalar): false when
// absent or null; a non-scalar value is a "<prefix>-invalid-field".
template <typename Node>
bool ReadScalar(const Node& map, absl::string_view key, RuleDiagnostics& diags,
                std::string* out,
                cov::v1::Severity severity = cov::v1::SEVERITY_WARNING) {
  const auto& n = Child(map, key);
  if (IsAbsent(n)) return false;
  if (!n.IsScalar()) {
    diags.Add(
        severity, n, "invalid-field",
        absl::StrCat("'", key, "' must be a string, not a ", TypeName(n)));
    return false;
  }
  *out = ScalarOf(n);
  return true;
}

struct YamlString {
  std::string value;
  int line = 0;    // 1-based
  int column = 0;  // 1-based
};

// The strings of list `n` (absent, null or `[]`: none). A lone scalar is
// read as a one-entry list. Entries that are maps or lists, and a map in
// place of the list, are reported as "<prefix>-invalid-field" warnings
// naming `key` and skipped. Never throws.
std::vector<YamlString> ReadStringList(const YAML::Node& n,
                                       absl::string_view key,
                                       RuleDiagnostics& diags);
std::vector<YamlString> ReadStringList(const YamlLiteNode& n,
                                       absl::string_view key,
                                       RuleDiagnostics& diags);

// How to read one rule: the keys to keep, and the reader over each node
// type (the same template, instantiated twice).
template <typename Node>
using ReadYamlRuleFn = void (*)(const Node& root, const SourceFile& file,
                                RuleDiagnostics& diags, ParsedFile* out);
struct YamlRuleReader {
  const YamlKeep* keep;
  ReadYamlRuleFn<YamlLiteNode> lite;
  ReadYamlRuleFn<YAML::Node> full;
};

// Reads the rule of one YAML file: `text` (the file's content, or what is
// left of it past a byte-order mark) goes to reader.lite when libyaml's
// pruned reader takes it, else (or when a diagnostic needs a position only
// yaml-cpp gives) to reader.full over yaml-cpp's tree; diags report
// "<prefix>-" codes at file.path. A YAML syntax error (yaml-cpp's) drops the
// rules read and adds a "<prefix>-yaml-syntax" error; then every rule and
// diagnostic of *out is made valid UTF-8. `full_only` skips libyaml (the
// reference the fast path is tested against). Never throws.
void ReadYamlRuleFile(absl::string_view text, const SourceFile& file,
                      absl::string_view prefix, const YamlRuleReader& reader,
                      ParsedFile* out, bool full_only = false);

}  // namespace cov::ingest::splunk

#endif  // COV_INGEST_SPLUNK_YAML_LIST_H_
