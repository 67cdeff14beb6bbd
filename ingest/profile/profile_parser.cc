#include "ingest/profile/profile_parser.h"

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "ingest/profile/telemetry_map.h"
#include "yaml-cpp/yaml.h"

namespace cov::ingest::profile {
namespace {

constexpr const char* kTopKeys[] = {"name",      "description", "attack",
                                    "telemetry", "platforms",   "rules"};
constexpr const char* kAttackKeys[] = {"domain", "version"};
constexpr const char* kTelemetryKeys[] = {"data_components", "log_sources"};
constexpr const char* kRulesKeys[] = {"sources", "min_status", "min_level"};

constexpr const char* kDomains[] = {"enterprise-attack", "mobile-attack",
                                    "ics-attack"};
constexpr const char* kStatuses[] = {"experimental", "test", "stable"};
constexpr const char* kLevels[] = {"informational", "low", "medium", "high",
                                   "critical"};
// ATT&CK platform names: Enterprise and Mobile, releases 15 to 18.
constexpr const char* kPlatforms[] = {
    "Windows", "Linux",   "macOS",        "Network Devices",   "Containers",
    "IaaS",    "SaaS",    "Office Suite", "Identity Provider", "ESXi",
    "PRE",     "Android", "iOS"};

template <size_t N>
bool Contains(const char* const (&list)[N], absl::string_view s) {
  for (const char* x : list) {
    if (s == x) return true;
  }
  return false;
}

template <size_t N>
std::string OneOf(const char* const (&list)[N]) {
  return absl::StrJoin(list, ", ");
}

const char* TypeName(const YAML::Node& n) {
  switch (n.Type()) {
    case YAML::NodeType::Null:
      return "null";
    case YAML::NodeType::Scalar:
      return "a string";
    case YAML::NodeType::Sequence:
      return "a sequence";
    case YAML::NodeType::Map:
      return "a mapping";
    default:
      return "nothing";
  }
}

// Collects `file:line:col: message` lines.
class Errors {
 public:
  explicit Errors(absl::string_view file) : file_(file) {}

  void Add(const YAML::Mark& mark, absl::string_view message) {
    if (mark.is_null()) {
      lines_.push_back(absl::StrCat(file_, ": ", message));
    } else {
      lines_.push_back(absl::StrCat(file_, ":", mark.line + 1, ":",
                                    mark.column + 1, ": ", message));
    }
  }
  void Add(const YAML::Node& at, absl::string_view message) {
    Add(at.Mark(), message);
  }

  bool empty() const { return lines_.empty(); }
  absl::Status ToStatus() const {
    return absl::InvalidArgumentError(absl::StrJoin(lines_, "\n"));
  }

 private:
  std::string file_;
  std::vector<std::string> lines_;
};

struct Entry {
  std::string key;
  YAML::Node key_node;
  YAML::Node value;
};

// The entries of mapping `map` (named `where` in messages) whose keys are in
// `allowed`. Reports non-string, unknown and duplicate keys.
template <size_t N>
std::vector<Entry> Entries(const YAML::Node& map, absl::string_view where,
                           const char* const (&allowed)[N], Errors& errors) {
  std::vector<Entry> out;
  std::map<std::string, int> seen;  // key -> 1-based line
  for (auto it = map.begin(); it != map.end(); ++it) {
    const YAML::Node k = it->first;
    if (!k.IsScalar()) {
      errors.Add(k, absl::StrCat("keys of ", where, " must be strings, not ",
                                 TypeName(k)));
      continue;
    }
    const std::string key = k.Scalar();
    if (!Contains(allowed, key)) {
      errors.Add(k, absl::StrCat("unknown key '", key, "' in ", where,
                                 "; expected one of: ", OneOf(allowed)));
      continue;
    }
    auto [pos, inserted] = seen.emplace(key, k.Mark().line + 1);
    if (!inserted) {
      errors.Add(k, absl::StrCat("duplicate key '", key, "' in ", where,
                                 " (first at line ", pos->second, ")"));
      continue;
    }
    out.push_back({key, k, it->second});
  }
  return out;
}

// A scalar's text, trimmed. Reports other node types; returns false then.
bool ScalarValue(const YAML::Node& n, absl::string_view what, Errors& errors,
                 std::string* out) {
  if (!n.IsScalar()) {
    errors.Add(
        n, absl::StrCat("'", what, "' must be a string, not ", TypeName(n)));
    return false;
  }
  *out = std::string(absl::StripAsciiWhitespace(n.Scalar()));
  return true;
}

// A list of non-empty, unique strings. `key` folds an entry for duplicate
// detection; `check` validates it (returns an error message or ""). Null is
// an empty list.
template <typename KeyFn, typename CheckFn>
std::vector<std::string> StringList(const YAML::Node& n, absl::string_view what,
                                    Errors& errors, KeyFn key, CheckFn check) {
  std::vector<std::string> out;
  if (n.IsNull()) return out;
  if (!n.IsSequence()) {
    errors.Add(n, absl::StrCat("'", what,
                               "' must be a sequence of strings, "
                               "not ",
                               TypeName(n)));
    return out;
  }
  std::map<std::string, std::pair<std::string, int>> seen;
  for (size_t i = 0; i < n.size(); ++i) {
    const YAML::Node item = n[i];
    const std::string item_what = absl::StrCat(what, "[", i, "]");
    std::string value;
    if (!ScalarValue(item, item_what, errors, &value)) continue;
    if (value.empty()) {
      errors.Add(item, absl::StrCat("'", item_what, "' is empty"));
      continue;
    }
    if (std::string problem = check(&value); !problem.empty()) {
      errors.Add(item, problem);
      continue;
    }
    auto [pos, inserted] =
        seen.emplace(key(value), std::make_pair(value, item.Mark().line + 1));
    if (!inserted) {
      errors.Add(item, absl::StrCat("duplicate entry '", value, "' in '", what,
                                    "' (same as '", pos->second.first,
                                    "' at line ", pos->second.second, ")"));
      continue;
    }
    out.push_back(std::move(value));
  }
  return out;
}

std::string Identity(const std::string& s) { return s; }
std::string NoCheck(std::string*) { return ""; }

// Duplicate key of a data component: its catalogue ID when known (so
// "DC0082" and "Network Connection Creation" collide), else its folded name.
std::string ComponentKey(const std::string& s) {
  std::string id = ComponentId(s);
  if (!id.empty()) return id;
  return absl::AsciiStrToLower(s);
}

std::string CheckComponent(std::string* s) {
  const bool looks_like_id = s->size() >= 3 &&
                             absl::StartsWithIgnoreCase(*s, "dc") &&
                             absl::ascii_isdigit((*s)[2]);
  if (!looks_like_id) return "";
  bool ok = s->size() == 6 && absl::StartsWith(*s, "DC");
  for (size_t i = 2; ok && i < s->size(); ++i) {
    ok = absl::ascii_isdigit((*s)[i]);
  }
  if (ok) return "";
  return absl::StrCat("invalid data component ID '", *s,
                      "': write DC followed by four digits, e.g. DC0082");
}

std::string CheckPlatform(std::string* s) {
  for (const char* p : kPlatforms) {
    if (absl::EqualsIgnoreCase(*s, p)) {
      *s = p;
      return "";
    }
  }
  return absl::StrCat("unknown platform '", *s,
                      "'; expected one of: ", OneOf(kPlatforms));
}

bool IsVersion(absl::string_view v) {
  // MAJOR or MAJOR.MINOR, digits only.
  size_t dot = v.find('.');
  absl::string_view major = v.substr(0, dot);
  absl::string_view minor =
      dot == absl::string_view::npos ? "0" : v.substr(dot + 1);
  auto digits = [](absl::string_view s) {
    if (s.empty()) return false;
    for (char c : s) {
      if (!absl::ascii_isdigit(c)) return false;
    }
    return true;
  };
  return digits(major) && digits(minor);
}

void ParseAttack(const YAML::Node& n, Errors& errors, cov::v1::Profile* p) {
  if (n.IsNull()) return;
  if (!n.IsMap()) {
    errors.Add(n, absl::StrCat("'attack' must be a mapping with domain and "
                               "version, not ",
                               TypeName(n)));
    return;
  }
  for (const Entry& e : Entries(n, "'attack'", kAttackKeys, errors)) {
    if (e.value.IsNull()) continue;
    std::string v;
    if (!ScalarValue(e.value, "attack." + e.key, errors, &v)) continue;
    if (e.key == "domain") {
      if (!Contains(kDomains, v)) {
        errors.Add(e.value,
                   absl::StrCat("invalid attack.domain '", v,
                                "'; expected one of: ", OneOf(kDomains)));
        continue;
      }
      p->mutable_release()->set_domain(v);
    } else {
      if (!IsVersion(v)) {
        errors.Add(e.value,
                   absl::StrCat("invalid attack.version '", v,
                                "'; expected MAJOR or MAJOR.MINOR, e.g. "
                                "\"18.1\""));
        continue;
      }
      p->mutable_release()->set_version(v);
    }
  }
}

void ParseTelemetry(const YAML::Node& n, Errors& errors, cov::v1::Profile* p) {
  if (n.IsNull()) return;
  if (!n.IsMap()) {
    errors.Add(n, absl::StrCat("'telemetry' must be a mapping with "
                               "data_components and log_sources, not ",
                               TypeName(n)));
    return;
  }
  for (const Entry& e : Entries(n, "'telemetry'", kTelemetryKeys, errors)) {
    if (e.key == "data_components") {
      for (std::string& s : StringList(e.value, "telemetry.data_components",
                                       errors, ComponentKey, CheckComponent)) {
        p->add_data_components(std::move(s));
      }
    } else {
      for (std::string& s : StringList(e.value, "telemetry.log_sources", errors,
                                       Identity, NoCheck)) {
        p->add_log_sources(std::move(s));
      }
    }
  }
}

void ParseRules(const YAML::Node& n, Errors& errors, cov::v1::Profile* p) {
  if (n.IsNull()) return;
  if (!n.IsMap()) {
    errors.Add(n, absl::StrCat("'rules' must be a mapping with sources, "
                               "min_status and min_level, not ",
                               TypeName(n)));
    return;
  }
  for (const Entry& e : Entries(n, "'rules'", kRulesKeys, errors)) {
    if (e.key == "sources") {
      for (std::string& s :
           StringList(e.value, "rules.sources", errors, Identity, NoCheck)) {
        p->add_sources(std::move(s));
      }
      continue;
    }
    if (e.value.IsNull()) continue;
    std::string v;
    if (!ScalarValue(e.value, "rules." + e.key, errors, &v)) continue;
    if (e.key == "min_status") {
      if (!Contains(kStatuses, v)) {
        errors.Add(e.value,
                   absl::StrCat("invalid rules.min_status '", v,
                                "'; expected one of: ", OneOf(kStatuses)));
        continue;
      }
      p->set_min_status(v);
    } else {
      if (!Contains(kLevels, v)) {
        errors.Add(e.value,
                   absl::StrCat("invalid rules.min_level '", v,
                                "'; expected one of: ", OneOf(kLevels)));
        continue;
      }
      p->set_min_level(v);
    }
  }
}

void ParseTop(const YAML::Node& doc, Errors& errors, cov::v1::Profile* p) {
  if (!doc.IsMap()) {
    errors.Add(doc, absl::StrCat("a profile must be a mapping with name, "
                                 "telemetry, platforms and rules, not ",
                                 TypeName(doc)));
    return;
  }
  bool has_name = false;
  for (const Entry& e : Entries(doc, "the profile", kTopKeys, errors)) {
    if (e.key == "name") {
      has_name = true;
      std::string v;
      if (!e.value.IsScalar() || !ScalarValue(e.value, "name", errors, &v) ||
          v.empty()) {
        errors.Add(e.value.IsNull() ? e.key_node : e.value,
                   "'name' must be a non-empty string");
        continue;
      }
      p->set_name(v);
    } else if (e.key == "description") {
      if (!e.value.IsNull() && !e.value.IsScalar()) {
        errors.Add(e.value, absl::StrCat("'description' must be a string, "
                                         "not ",
                                         TypeName(e.value)));
      }
    } else if (e.key == "attack") {
      ParseAttack(e.value, errors, p);
    } else if (e.key == "telemetry") {
      ParseTelemetry(e.value, errors, p);
    } else if (e.key == "platforms") {
      for (std::string& s :
           StringList(e.value, "platforms", errors, Identity, CheckPlatform)) {
        p->add_platforms(std::move(s));
      }
    } else if (e.key == "rules") {
      ParseRules(e.value, errors, p);
    }
  }
  if (!has_name) {
    errors.Add(doc, "missing required key 'name'");
  }
}

}  // namespace

absl::StatusOr<cov::v1::Profile> ParseProfile(absl::string_view yaml,
                                              absl::string_view file_name) {
  Errors errors(file_name);
  if (yaml.size() > kMaxProfileBytes) {
    errors.Add(YAML::Mark::null_mark(),
               absl::StrCat("profile is ", yaml.size(), " bytes; the limit is ",
                            kMaxProfileBytes));
    return errors.ToStatus();
  }
  cov::v1::Profile profile;
  // yaml-cpp reports syntax errors by exception; they stop here.
  try {
    std::vector<YAML::Node> docs = YAML::LoadAll(std::string(yaml));
    if (docs.empty() || (docs.size() == 1 && docs[0].IsNull())) {
      errors.Add(docs.empty() ? YAML::Mark() : docs[0].Mark(),
                 "empty profile: expected a mapping with at least 'name'");
      return errors.ToStatus();
    }
    if (docs.size() > 1) {
      errors.Add(docs[1].Mark(),
                 absl::StrCat("a profile file holds one YAML document; found ",
                              docs.size()));
      return errors.ToStatus();
    }
    ParseTop(docs[0], errors, &profile);
  } catch (const YAML::Exception& e) {
    errors.Add(e.mark, absl::StrCat("YAML syntax error: ", e.msg));
  }
  if (!errors.empty()) return errors.ToStatus();
  return profile;
}

std::string ProfileToYaml(const cov::v1::Profile& p) {
  YAML::Emitter out;
  out << YAML::BeginMap;
  out << YAML::Key << "name" << YAML::Value << p.name();
  if (!p.release().domain().empty() || !p.release().version().empty()) {
    out << YAML::Key << "attack" << YAML::Value << YAML::BeginMap;
    if (!p.release().domain().empty()) {
      out << YAML::Key << "domain" << YAML::Value << p.release().domain();
    }
    if (!p.release().version().empty()) {
      // Quoted so that YAML readers that type scalars keep "18.10" a string.
      out << YAML::Key << "version" << YAML::Value << YAML::DoubleQuoted
          << p.release().version();
    }
    out << YAML::EndMap;
  }
  out << YAML::Key << "telemetry" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "data_components" << YAML::Value;
  if (p.data_components().empty()) {
    out << YAML::Flow << YAML::BeginSeq << YAML::EndSeq
        << YAML::Comment("empty: all telemetry");
  } else {
    out << YAML::BeginSeq;
    for (const std::string& s : p.data_components()) out << s;
    out << YAML::EndSeq;
  }
  if (!p.log_sources().empty()) {
    out << YAML::Key << "log_sources" << YAML::Value << YAML::BeginSeq;
    for (const std::string& s : p.log_sources()) out << s;
    out << YAML::EndSeq;
  }
  out << YAML::EndMap;
  if (!p.platforms().empty()) {
    out << YAML::Key << "platforms" << YAML::Value << YAML::Flow
        << YAML::BeginSeq;
    for (const std::string& s : p.platforms()) out << s;
    out << YAML::EndSeq;
  }
  if (!p.sources().empty() || !p.min_status().empty() ||
      !p.min_level().empty()) {
    out << YAML::Key << "rules" << YAML::Value << YAML::BeginMap;
    if (!p.sources().empty()) {
      out << YAML::Key << "sources" << YAML::Value << YAML::Flow
          << YAML::BeginSeq;
      for (const std::string& s : p.sources()) out << s;
      out << YAML::EndSeq;
    }
    if (!p.min_status().empty()) {
      out << YAML::Key << "min_status" << YAML::Value << p.min_status();
    }
    if (!p.min_level().empty()) {
      out << YAML::Key << "min_level" << YAML::Value << p.min_level();
    }
    out << YAML::EndMap;
  }
  out << YAML::EndMap;
  return absl::StrCat(out.c_str(), "\n");
}

}  // namespace cov::ingest::profile
