// Reads a YAML value that should be a list of strings, as Splunk and
// Sentinel rules write their ID and data-source lists, with the node of each
// entry (for its line). Also used by //ingest/sentinel.
//
//   std::vector<YamlString> ids =
//       ReadStringList(Child(tags, "mitre_attack_id"), "mitre_attack_id",
//                      diags);
#ifndef COV_INGEST_SPLUNK_YAML_LIST_H_
#define COV_INGEST_SPLUNK_YAML_LIST_H_

#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "ingest/atomics/yaml_fields.h"
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

}  // namespace cov::ingest::splunk

#endif  // COV_INGEST_SPLUNK_YAML_LIST_H_
