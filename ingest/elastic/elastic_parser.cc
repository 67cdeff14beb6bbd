#include "ingest/elastic/elastic_parser.h"

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "ingest/base/attack_ids.h"
#include "ingest/base/diagnostics.h"
#include "ingest/base/hash.h"
#include "ingest/base/input_check.h"
#include "ingest/base/rule_files.h"
#include "ingest/base/text_checks.h"
#include "ingest/base/utf8.h"
#include "ingest/elastic/unread_strings.h"
#include "toml++/toml.h"

namespace cov::ingest::elastic {
namespace {

constexpr absl::string_view kFramework = "MITRE ATT&CK";

// Abseil's string_view is its own type in Debian's build; toml++ takes std's.
std::string_view Std(absl::string_view s) { return {s.data(), s.size()}; }

int LineOf(const toml::node& n) {
  return static_cast<int>(n.source().begin.line);
}
int ColumnOf(const toml::node& n) {
  return static_cast<int>(n.source().begin.column);
}

const char* TypeName(const toml::node& n) {
  switch (n.type()) {
    case toml::node_type::table:
      return "table";
    case toml::node_type::array:
      return "array";
    case toml::node_type::string:
      return "string";
    case toml::node_type::integer:
    case toml::node_type::floating_point:
      return "number";
    case toml::node_type::boolean:
      return "boolean";
    default:
      return "date/time";
  }
}

// Reads one rule file; diagnostics go to `out`.
class Reader {
 public:
  Reader(const SourceFile& file, ParsedFile* out) : file_(file), out_(out) {}

  void Warn(const toml::node& at, absl::string_view code,
            absl::string_view message) {
    out_->diagnostics.push_back(Warning(file_.path, LineOf(at), ColumnOf(at),
                                        absl::StrCat("elastic-", code),
                                        message));
    out_->diagnostics.back().set_object(uid_);
  }

  // `t[key]` as a string; false when absent, a warning when not a string.
  bool String(const toml::table& t, absl::string_view key, std::string* out) {
    const toml::node* n = t.get(Std(key));
    if (n == nullptr) return false;
    if (const auto* s = n->as_string()) {
      *out = s->get();
      return true;
    }
    Warn(*n, "invalid-field",
         absl::StrCat("'", key, "' must be a string, not a ", TypeName(*n)));
    return false;
  }

  // `t[key]` as an array of strings (a lone string is accepted too).
  std::vector<std::string> Strings(const toml::table& t,
                                   absl::string_view key) {
    std::vector<std::string> v;
    const toml::node* n = t.get(Std(key));
    if (n == nullptr) return v;
    if (const auto* s = n->as_string()) {
      v.push_back(s->get());
      return v;
    }
    const toml::array* a = n->as_array();
    if (a == nullptr) {
      Warn(*n, "invalid-field",
           absl::StrCat("'", key, "' must be an array of strings, not a ",
                        TypeName(*n)));
      return v;
    }
    for (const toml::node& el : *a) {
      if (const auto* s = el.as_string()) {
        v.push_back(s->get());
      } else {
        Warn(el, "invalid-field",
             absl::StrCat("'", key, "' holds a ", TypeName(el),
                          ", not a string"));
      }
    }
    return v;
  }

  // The array of tables `t[key]` (absent: empty).
  std::vector<const toml::table*> Tables(const toml::table& t,
                                         absl::string_view key) {
    std::vector<const toml::table*> v;
    const toml::node* n = t.get(Std(key));
    if (n == nullptr) return v;
    if (const toml::table* one = n->as_table()) {
      v.push_back(one);
      return v;
    }
    const toml::array* a = n->as_array();
    if (a == nullptr) {
      Warn(*n, "invalid-field",
           absl::StrCat("'", key, "' must be an array of tables, not a ",
                        TypeName(*n)));
      return v;
    }
    for (const toml::node& el : *a) {
      if (const toml::table* tt = el.as_table()) {
        v.push_back(tt);
      } else {
        Warn(el, "invalid-field",
             absl::StrCat("'", key, "' holds a ", TypeName(el),
                          ", not a table"));
      }
    }
    return v;
  }

  void Read(const toml::table& doc) {
    const toml::node* rule_node = doc.get("rule");
    const toml::table* rule = rule_node ? rule_node->as_table() : nullptr;
    if (rule == nullptr) {
      out_->diagnostics.push_back(
          Error(file_.path, rule_node ? LineOf(*rule_node) : 1,
                rule_node ? ColumnOf(*rule_node) : 1, "elastic-missing-field",
                "no [rule] table"));
      return;
    }
    std::string rule_id;
    if (!String(*rule, "rule_id", &rule_id) || rule_id.empty()) {
      out_->diagnostics.push_back(
          Error(file_.path, LineOf(*rule), ColumnOf(*rule),
                "elastic-missing-field", "[rule] has no rule_id"));
      return;
    }
    uid_ = rule_id;
    if (!IsUuid(rule_id)) {
      Warn(*rule->get("rule_id"), "not-uuid",
           absl::StrCat("rule_id '", rule_id, "' is not a GUID"));
    }
    cov::v1::Rule r;
    r.set_uid(rule_id);
    r.set_format(cov::v1::RULE_FORMAT_ELASTIC);
    r.set_source(file_.source);
    r.set_file(file_.path);
    r.set_line(LineOf(*rule));
    r.set_content_hash(file_.content_hash.empty() ? Fnv1a64Hex(file_.content)
                                                  : file_.content_hash);
    String(*rule, "name", r.mutable_title());
    String(*rule, "description", r.mutable_description());
    String(*rule, "type", r.mutable_rule_type());
    String(*rule, "language", r.mutable_language());
    std::string query;
    if (String(*rule, "query", &query)) {
      if (query.size() > kMaxQueryBytes) query.resize(kMaxQueryBytes);
      r.set_query(std::move(query));
    }
    for (auto& s : Strings(*rule, "index")) r.add_data_sources(std::move(s));
    r.set_author(absl::StrJoin(Strings(*rule, "author"), ", "));
    for (auto& s : Strings(*rule, "tags")) r.add_tags(std::move(s));
    for (auto& s : Strings(*rule, "references")) r.add_references(std::move(s));
    for (auto& s : Strings(*rule, "false_positives")) {
      r.add_falsepositives(std::move(s));
    }
    std::string building_block;
    r.set_building_block(String(*rule, "building_block_type", &building_block));
    if (const toml::table* meta = doc.get_as<toml::table>("metadata")) {
      String(*meta, "maturity", r.mutable_status());
      String(*meta, "creation_date", r.mutable_date());
      String(*meta, "updated_date", r.mutable_modified());
    }
    const bool deprecated = r.status() == "deprecated";
    if (!deprecated && absl::StrContains(file_.path, "_deprecated/")) {
      Warn(*rule, "deprecated-folder",
           absl::StrCat("rule is under _deprecated/ but its maturity is '",
                        r.status(), "'; it counts"));
    }
    if (deprecated) {
      r.set_disabled_reason("deprecated (metadata.maturity)");
    } else if (r.building_block()) {
      r.set_disabled_reason(absl::StrCat(
          "building block (rule.building_block_type = \"", building_block,
          "\"); counts only with include_disabled"));
    }
    r.set_enabled(r.disabled_reason().empty());
    for (const toml::table* threat : Tables(*rule, "threat")) {
      ReadThreat(*threat, &r);
    }
    out_->rules.push_back(std::move(r));
  }

 private:
  // Adds the reference of `t`'s `id` (tactic or technique) to `r`; returns
  // the normalised ID ("" when missing or malformed).
  std::string AddRef(const toml::table& t, absl::string_view kind,
                     absl::string_view origin, cov::v1::Rule* r) {
    const toml::node* idn = t.get("id");
    std::string raw;
    if (idn == nullptr || !String(t, "id", &raw)) {
      if (idn == nullptr) {
        Warn(t, "invalid-field", absl::StrCat(origin, " has no 'id'"));
      }
      return "";
    }
    const std::string id =
        kind == "tactic" ? NormalizeTacticId(raw) : NormalizeTechniqueId(raw);
    if (id.empty()) {
      Warn(
          *idn, "invalid-id",
          absl::StrCat(origin, " id '", raw, "' is not an ATT&CK ",
                       kind == "tactic" ? "tactic ID (TA####)"
                                        : "technique ID (T#### or T####.###)"));
      return "";
    }
    *r->add_attack_refs() = MakeAttackRef(raw, id, kind, LineOf(*idn), origin);
    std::string name;
    if (String(t, "name", &name) && !name.empty()) {
      r->add_attack_names(absl::StrCat(id, "=", name));
    }
    return id;
  }

  void ReadThreat(const toml::table& threat, cov::v1::Rule* r) {
    std::string framework;
    if (!String(threat, "framework", &framework) || framework != kFramework) {
      Warn(threat, "other-framework",
           absl::StrCat("threat table of framework '", framework,
                        "' skipped; only \"", kFramework, "\" is read"));
      return;
    }
    if (const toml::node* tn = threat.get("tactic")) {
      if (const toml::table* tactic = tn->as_table()) {
        AddRef(*tactic, "tactic", "rule.threat.tactic", r);
      } else {
        Warn(*tn, "invalid-field",
             absl::StrCat("'tactic' must be a table, not a ", TypeName(*tn)));
      }
    }
    for (const toml::table* tech : Tables(threat, "technique")) {
      const std::string parent =
          AddRef(*tech, "technique", "rule.threat.technique", r);
      for (const toml::table* sub : Tables(*tech, "subtechnique")) {
        const std::string id =
            AddRef(*sub, "technique", "rule.threat.technique.subtechnique", r);
        if (id.empty() || parent.empty()) continue;
        if (id.size() != 9 || !absl::StartsWith(id, parent)) {
          Warn(*sub->get("id"), "subtechnique-parent",
               absl::StrCat("sub-technique ", id, " is listed under ", parent,
                            ", not under its parent ", id.substr(0, 5)));
        }
      }
    }
  }

  const SourceFile& file_;
  ParsedFile* out_;
  std::string uid_;
};

}  // namespace

ParsedFile ElasticParser::Parse(const SourceFile& file) const {
  ParsedFile out;
  if (auto bad = CheckInputDiagnostic(file.content, file.path, kMaxElasticBytes,
                                      "elastic-input")) {
    out.diagnostics.push_back(*std::move(bad));
    return out;
  }
  // `note` and `setup` (half the bytes of a rule) are never read: toml++
  // gets them empty when that cannot change what it reports.
  std::optional<std::string> lean;
  if (options_.drop_unread_strings) {
    lean = DropUnreadStrings(file.content, {"note", "setup"});
  }
  const absl::string_view text = lean ? *lean : file.content;
  toml::table doc;
  try {
    doc = toml::parse(Std(text), std::string_view(file.path));
  } catch (const toml::parse_error& e) {
    out.diagnostics.push_back(
        Error(file.path, static_cast<int>(e.source().begin.line),
              static_cast<int>(e.source().begin.column), "elastic-toml-syntax",
              std::string(e.description())));
    SanitizeUtf8(&out);
    return out;
  }
  Reader(file, &out).Read(doc);
  SanitizeUtf8(&out);
  return out;
}

bool ElasticParser::Accepts(absl::string_view path) const {
  return FormatReads(format(), path);
}

}  // namespace cov::ingest::elastic
