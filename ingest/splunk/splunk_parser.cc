#include "ingest/splunk/splunk_parser.h"

#include <string>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "ingest/base/attack_ids.h"
#include "ingest/base/diagnostics.h"
#include "ingest/base/hash.h"
#include "ingest/base/input_check.h"
#include "ingest/base/rule_files.h"
#include "ingest/base/text_checks.h"
#include "ingest/base/yaml_lite.h"
#include "ingest/splunk/yaml_list.h"
#include "yaml-cpp/yaml.h"

namespace cov::ingest::splunk {
namespace {

constexpr absl::string_view kOrigin = "tags.mitre_attack_id";

// The fields ReadRule looks at; libyaml's reader keeps only these.
const YamlKeep& Keep() {
  static const YamlKeep* const keep = new YamlKeep(
      {"id", "name", "status", "type", "date", "author", "description",
       "search", "known_false_positives", "references", "data_source",
       "tags.analytic_story", "tags.mitre_attack_id"});
  return *keep;
}

bool UnderDeprecatedFolder(absl::string_view path) {
  return absl::StartsWith(path, "deprecated/") ||
         absl::StrContains(path, "/deprecated/");
}

// One reader for both node types (YamlLiteNode, YAML::Node): see
// yaml_list.h.
template <typename Node>
void ReadRule(const Node& root, const SourceFile& file, RuleDiagnostics& diags,
              ParsedFile* out) {
  if (!root.IsMap()) {
    out->diagnostics.push_back(Error(file.path, 1, 1, "splunk-missing-field",
                                     "a detection must be a YAML map"));
    return;
  }
  cov::v1::Rule r;
  if (!ReadScalar(root, "id", diags, r.mutable_uid()) || r.uid().empty()) {
    out->diagnostics.push_back(Error(file.path, 1, 1, "splunk-missing-field",
                                     "detection has no 'id'"));
    return;
  }
  diags.set_object(r.uid());
  if (!IsUuid(r.uid())) {
    diags.Warn(Child(root, "id"), "not-uuid",
               absl::StrCat("id '", r.uid(), "' is not a GUID"));
  }
  r.set_format(cov::v1::RULE_FORMAT_SPLUNK);
  r.set_source(file.source);
  r.set_file(file.path);
  r.set_line(1);
  r.set_content_hash(file.content_hash.empty() ? Fnv1a64Hex(file.content)
                                               : file.content_hash);
  ReadScalar(root, "name", diags, r.mutable_title());
  ReadScalar(root, "status", diags, r.mutable_status());
  ReadScalar(root, "type", diags, r.mutable_rule_type());
  ReadScalar(root, "date", diags, r.mutable_date());
  ReadScalar(root, "author", diags, r.mutable_author());
  ReadScalar(root, "description", diags, r.mutable_description());
  std::string search;
  if (ReadScalar(root, "search", diags, &search)) {
    if (search.size() > kMaxQueryBytes) search.resize(kMaxQueryBytes);
    r.set_query(std::move(search));
  }
  std::string fp;
  if (ReadScalar(root, "known_false_positives", diags, &fp)) {
    r.add_falsepositives(std::move(fp));
  }
  for (auto& s :
       ReadStringList(Child(root, "references"), "references", diags)) {
    r.add_references(std::move(s.value));
  }
  for (auto& s :
       ReadStringList(Child(root, "data_source"), "data_source", diags)) {
    r.add_data_sources(std::move(s.value));
  }
  const auto& tags = Child(root, "tags");
  for (auto& s :
       ReadStringList(Child(tags, "analytic_story"), "analytic_story", diags)) {
    r.add_tags(absl::StrCat("analytic_story:", s.value));
  }
  for (const YamlString& s : ReadStringList(Child(tags, "mitre_attack_id"),
                                            "mitre_attack_id", diags)) {
    const std::string id = NormalizeTechniqueId(s.value);
    if (id.empty()) {
      diags.Add(cov::v1::SEVERITY_WARNING, s.line, s.column, "invalid-id",
                absl::StrCat("mitre_attack_id '", s.value,
                             "' is not an ATT&CK technique ID "
                             "(T#### or T####.###)"));
      continue;
    }
    *r.add_attack_refs() =
        MakeAttackRef(s.value, id, "technique", s.line, kOrigin);
  }
  const bool deprecated_status = r.status() == "deprecated";
  const bool deprecated_folder = UnderDeprecatedFolder(file.path);
  if (deprecated_folder && !deprecated_status) {
    diags.Warn(
        Child(root, "status"), "deprecated-folder",
        absl::StrCat("detection is under deprecated/ but its status is '",
                     r.status(), "'; treated as deprecated"));
  }
  if (deprecated_status) {
    r.set_disabled_reason("deprecated (status)");
  } else if (deprecated_folder) {
    r.set_disabled_reason("deprecated (under deprecated/)");
  }
  r.set_enabled(r.disabled_reason().empty());
  r.set_is_correlation(r.rule_type() == "Correlation");
  out->rules.push_back(std::move(r));
}

}  // namespace

ParsedFile SplunkParser::Parse(const SourceFile& file) const {
  ParsedFile out;
  if (auto bad = CheckInputDiagnostic(file.content, file.path, kMaxSplunkBytes,
                                      "splunk-input")) {
    out.diagnostics.push_back(*std::move(bad));
    return out;
  }
  static const YamlRuleReader kReader = {&Keep(), &ReadRule<YamlLiteNode>,
                                         &ReadRule<YAML::Node>};
  ReadYamlRuleFile(file.content, file, "splunk", kReader, &out,
                   !options_.fast_yaml);
  return out;
}

bool SplunkParser::Accepts(absl::string_view path) const {
  return FormatReads(format(), path);
}

}  // namespace cov::ingest::splunk
