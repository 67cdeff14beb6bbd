#include "ingest/sentinel/sentinel_parser.h"

#include <set>
#include <string>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "ingest/base/attack_ids.h"
#include "ingest/base/attack_tactics.h"
#include "ingest/base/diagnostics.h"
#include "ingest/base/hash.h"
#include "ingest/base/input_check.h"
#include "ingest/base/rule_files.h"
#include "ingest/base/text_checks.h"
#include "ingest/base/yaml_lite.h"
#include "ingest/splunk/yaml_list.h"
#include "yaml-cpp/yaml.h"

namespace cov::ingest::sentinel {
namespace {

using splunk::Child;
using splunk::ForEachEntry;
using splunk::ForEachPair;
using splunk::IsAbsent;
using splunk::ReadScalar;
using splunk::ReadStringList;
using splunk::ReadYamlRuleFile;
using splunk::RuleDiagnostics;
using splunk::ScalarOf;
using splunk::YamlRuleReader;
using splunk::YamlString;

constexpr absl::string_view kBom = "\xEF\xBB\xBF";

// The fields ReadRule looks at; libyaml's reader keeps only these.
const YamlKeep& Keep() {
  static const YamlKeep* const keep =
      new YamlKeep({"id", "description", "query", "name", "severity", "kind",
                    "status", "tags", "requiredDataConnectors", "tactics",
                    "relevantTechniques", "techniques"});
  return *keep;
}

std::string Letters(absl::string_view s) {
  std::string out;
  for (char c : s) {
    if (absl::ascii_isalpha(static_cast<unsigned char>(c))) {
      out.push_back(absl::ascii_tolower(static_cast<unsigned char>(c)));
    }
  }
  return out;
}

std::string CamelCase(absl::string_view shortname) {
  std::string out;
  for (absl::string_view w : absl::StrSplit(shortname, '-')) {
    if (w.empty()) continue;
    out.push_back(absl::ascii_toupper(static_cast<unsigned char>(w[0])));
    out.append(w.data() + 1, w.size() - 1);
  }
  return out;
}

// The readers below take either node type (YamlLiteNode, YAML::Node): see
// //ingest/splunk:yaml_list.
template <typename Node>
void ReadTactics(const Node& root, RuleDiagnostics& diags, cov::v1::Rule* r) {
  for (const YamlString& t :
       ReadStringList(Child(root, "tactics"), "tactics", diags)) {
    std::string canonical;
    const std::string shortname = TacticShortname(t.value, &canonical);
    if (shortname.empty()) {
      if (Letters(t.value) == "preattack") {
        diags.Add(cov::v1::SEVERITY_WARNING, t.line, t.column,
                  "pre-attack-tactic",
                  "tactic 'PreAttack' is the retired PRE-ATT&CK matrix, not "
                  "an Enterprise tactic; ignored");
      } else {
        diags.Add(cov::v1::SEVERITY_WARNING, t.line, t.column, "unknown-tactic",
                  absl::StrCat("tactic '", t.value,
                               "' is no Enterprise ATT&CK tactic; ignored"));
      }
      continue;
    }
    if (t.value != canonical) {
      diags.Add(cov::v1::SEVERITY_WARNING, t.line, t.column, "tactic-spelling",
                absl::StrCat("tactic '", t.value, "' read as ", canonical, " (",
                             shortname, ")"));
    }
    *r->add_attack_refs() =
        MakeAttackRef(t.value, shortname, "tactic", t.line, "tactics");
  }
}

template <typename Node>
void ReadTechniques(const Node& root, RuleDiagnostics& diags,
                    cov::v1::Rule* r) {
  absl::string_view key = "relevantTechniques";
  const auto& relevant = Child(root, key);
  const auto& other = Child(root, "techniques");
  const bool use_other = !relevant.IsDefined() && other.IsDefined();
  if (use_other) {
    diags.Warn(other, "techniques-key",
               "'techniques' read as 'relevantTechniques'");
    key = "techniques";
  }
  for (const YamlString& t :
       ReadStringList(use_other ? other : relevant, key, diags)) {
    const std::string id = NormalizeTechniqueId(t.value);
    if (id.empty()) {
      diags.Add(cov::v1::SEVERITY_WARNING, t.line, t.column, "invalid-id",
                absl::StrCat(key, " entry '", t.value,
                             "' is not an ATT&CK technique ID "
                             "(T#### or T####.###)"));
      continue;
    }
    *r->add_attack_refs() =
        MakeAttackRef(t.value, id, "technique", t.line, std::string(key));
  }
}

template <typename Node>
void ReadConnectors(const Node& root, RuleDiagnostics& diags,
                    cov::v1::Rule* r) {
  const auto& list = Child(root, "requiredDataConnectors");
  if (IsAbsent(list)) return;
  if (!list.IsSequence()) {
    diags.Warn(list, "invalid-field",
               "'requiredDataConnectors' must be a list; ignored");
    return;
  }
  std::set<std::string> seen;
  auto add = [&](std::string s) {
    if (seen.insert(s).second) r->add_data_sources(std::move(s));
  };
  ForEachEntry(list, [&](const Node& c) {
    if (!c.IsMap()) {
      diags.Warn(c, "invalid-field",
                 "requiredDataConnectors entries must be maps; skipped");
      return;
    }
    std::string id;
    if (ReadScalar(c, "connectorId", diags, &id) && !id.empty()) {
      add(absl::StrCat("connector:", id));
    }
    for (const YamlString& t :
         ReadStringList(Child(c, "dataTypes"), "dataTypes", diags)) {
      add(absl::StrCat("table:", t.value));
    }
  });
}

// `tags` entries are strings or maps ({Schema: ASimAuthentication,
// SchemaVersion: 0.1.0}); a map's pairs become "key:value" tags.
template <typename Node>
void ReadTags(const Node& list, cov::v1::Rule* r) {
  if (IsAbsent(list) || !list.IsSequence()) return;
  ForEachEntry(list, [&](const Node& t) {
    if (t.IsScalar()) {
      r->add_tags(ScalarOf(t));
    } else if (t.IsMap()) {
      ForEachPair(t, [&](const Node& key, const Node& value) {
        if (key.IsScalar() && value.IsScalar()) {
          r->add_tags(absl::StrCat(ScalarOf(key), ":", ScalarOf(value)));
        }
      });
    }
  });
}

template <typename Node>
void ReadRule(const Node& root, const SourceFile& file, RuleDiagnostics& diags,
              ParsedFile* out) {
  if (!root.IsMap()) {
    out->diagnostics.push_back(Error(file.path, 1, 1, "sentinel-missing-field",
                                     "a rule must be a YAML map"));
    return;
  }
  cov::v1::Rule r;
  if (!ReadScalar(root, "id", diags, r.mutable_uid()) || r.uid().empty()) {
    out->diagnostics.push_back(
        Error(file.path, 1, 1, "sentinel-missing-field", "rule has no 'id'"));
    return;
  }
  diags.set_object(r.uid());
  ReadScalar(root, "description", diags, r.mutable_description());
  if (IsAbsent(Child(root, "query"))) {
    std::string desc(absl::StripAsciiWhitespace(r.description()));
    if (desc.size() > 120) desc = absl::StrCat(desc.substr(0, 120), "...");
    diags.Warn(root, "no-query",
               absl::StrCat("no 'query': a migration stub or not a rule; not "
                            "counted",
                            desc.empty() ? "" : absl::StrCat(" (", desc, ")")));
    return;
  }
  if (!IsUuid(r.uid())) {
    diags.Warn(Child(root, "id"), "not-uuid",
               absl::StrCat("id '", r.uid(), "' is not a GUID"));
  }
  r.set_format(cov::v1::RULE_FORMAT_SENTINEL);
  r.set_source(file.source);
  r.set_file(file.path);
  r.set_line(1);
  r.set_content_hash(file.content_hash.empty() ? Fnv1a64Hex(file.content)
                                               : file.content_hash);
  ReadScalar(root, "name", diags, r.mutable_title());
  std::string severity;
  if (ReadScalar(root, "severity", diags, &severity)) {
    r.set_level(absl::AsciiStrToLower(severity));
  }
  ReadScalar(root, "kind", diags, r.mutable_rule_type());
  ReadScalar(root, "status", diags, r.mutable_status());
  std::string query;
  if (ReadScalar(root, "query", diags, &query)) {
    if (query.size() > kMaxQueryBytes) query.resize(kMaxQueryBytes);
    r.set_query(std::move(query));
  }
  ReadTags(Child(root, "tags"), &r);
  ReadConnectors(root, diags, &r);
  ReadTactics(root, diags, &r);
  ReadTechniques(root, diags, &r);
  const std::string status = absl::AsciiStrToLower(r.status());
  if (status == "deprecated" || status == "disabled") {
    r.set_disabled_reason(absl::StrCat("status ", r.status()));
  }
  r.set_enabled(r.disabled_reason().empty());
  out->rules.push_back(std::move(r));
}

}  // namespace

std::string TacticShortname(absl::string_view name, std::string* canonical) {
  const std::string letters = Letters(name);
  if (letters.empty()) return "";
  auto match = [&](absl::string_view shortname) {
    if (Letters(shortname) != letters) return false;
    if (canonical != nullptr) *canonical = CamelCase(shortname);
    return true;
  };
  for (absl::string_view s : kEnterpriseTactics) {
    if (match(s)) return std::string(s);
  }
  for (absl::string_view s : kEnterpriseTacticsV19) {
    if (match(s)) return std::string(s);
  }
  return "";
}

ParsedFile SentinelParser::Parse(const SourceFile& file) const {
  ParsedFile out;
  absl::string_view text = file.content;
  if (auto bad = CheckInputDiagnostic(text, file.path, kMaxSentinelBytes,
                                      "sentinel-input")) {
    out.diagnostics.push_back(*std::move(bad));
    return out;
  }
  if (absl::StartsWith(text, kBom)) {
    text.remove_prefix(kBom.size());
    out.diagnostics.push_back(MakeDiagnostic(cov::v1::SEVERITY_INFO, file.path,
                                             1, 1, "sentinel-utf8-bom",
                                             "UTF-8 byte-order mark skipped"));
  }
  static const YamlRuleReader kReader = {&Keep(), &ReadRule<YamlLiteNode>,
                                         &ReadRule<YAML::Node>};
  ReadYamlRuleFile(text, file, "sentinel", kReader, &out, !options_.fast_yaml);
  return out;
}

bool SentinelParser::Accepts(absl::string_view path) const {
  return FormatReads(format(), path);
}

}  // namespace cov::ingest::sentinel
