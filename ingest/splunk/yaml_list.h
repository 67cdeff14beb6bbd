// YAML pieces Splunk and Sentinel rules share (also used by
// //ingest/sentinel): a list of strings, as they write their ID and
// data-source lists, with the node of each entry (for its line); and the
// reading of a one-rule YAML file.
//
//   std::vector<YamlString> ids =
//       ReadStringList(Child(tags, "mitre_attack_id"), "mitre_attack_id",
//                      diags);
//   ReadYamlRuleFile(file.content, file, "splunk", &ReadRule, &out);
#ifndef COV_INGEST_SPLUNK_YAML_LIST_H_
#define COV_INGEST_SPLUNK_YAML_LIST_H_

#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "ingest/atomics/yaml_fields.h"
#include "ingest/base/rule_parser.h"
#include "yaml-cpp/yaml.h"

namespace cov::ingest::splunk {

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
                                       atomics::YamlDiagnostics& diags);

// Reads the rule of one YAML file: parses `text` (the file's content, or
// what is left of it past a byte-order mark) and calls
// read_rule(root, file, diags, out), with diags reporting "<prefix>-" codes
// at file.path. A YAML syntax error drops the rules read and adds a
// "<prefix>-yaml-syntax" error; then every rule and diagnostic of *out is
// made valid UTF-8. Never throws.
using ReadYamlRuleFn = void (*)(const YAML::Node& root, const SourceFile& file,
                                atomics::YamlDiagnostics& diags,
                                ParsedFile* out);
void ReadYamlRuleFile(absl::string_view text, const SourceFile& file,
                      absl::string_view prefix, ReadYamlRuleFn read_rule,
                      ParsedFile* out);

}  // namespace cov::ingest::splunk

#endif  // COV_INGEST_SPLUNK_YAML_LIST_H_
