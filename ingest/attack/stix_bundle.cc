#include "ingest/attack/stix_bundle.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <set>
#include <string_view>  // simdjson returns std::string_view
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "ingest/base/diagnostics.h"
#include "simdjson.h"

namespace cov::ingest::attack {
namespace {

using simdjson::dom::array;
using simdjson::dom::element;
using simdjson::dom::element_type;
using simdjson::dom::object;

// Debian's Abseil is built without std::string_view aliasing, so
// absl::string_view is its own type; simdjson hands out std::string_view.
absl::string_view AV(std::string_view s) { return {s.data(), s.size()}; }

bool GetString(const element& e, absl::string_view* out) {
  std::string_view s;
  if (e.get_string().get(s) != simdjson::SUCCESS) return false;
  *out = AV(s);
  return true;
}

simdjson::simdjson_result<element> AtKey(const object& o,
                                         absl::string_view key) {
  return o.at_key(std::string_view(key.data(), key.size()));
}

// Object types ATT&CK publishes that cov reads or knowingly ignores.
// Anything else is counted as an unknown type.
const absl::flat_hash_set<absl::string_view>& KnownTypes() {
  static const auto* kTypes = new absl::flat_hash_set<absl::string_view>{
      "attack-pattern",
      "relationship",
      "malware",
      "tool",
      "intrusion-set",
      "campaign",
      "course-of-action",
      "x-mitre-tactic",
      "x-mitre-matrix",
      "x-mitre-data-source",
      "x-mitre-data-component",
      "x-mitre-detection-strategy",
      "x-mitre-analytic",
      "x-mitre-collection",
      "x-mitre-asset",
      "identity",
      "marking-definition",
  };
  return *kTypes;
}

bool IsAttackSourceName(absl::string_view s) {
  return s == "mitre-attack" || s == "mitre-mobile-attack" ||
         s == "mitre-ics-attack";
}

const char* TypeName(element_type t) {
  switch (t) {
    case element_type::ARRAY:
      return "array";
    case element_type::OBJECT:
      return "object";
    case element_type::INT64:
    case element_type::UINT64:
    case element_type::DOUBLE:
      return "number";
    case element_type::STRING:
      return "string";
    case element_type::BOOL:
      return "boolean";
    case element_type::NULL_VALUE:
      return "null";
  }
  return "unknown";
}

// One STIX object after de-duplication, with the fields every kind shares.
struct Obj {
  object json;
  absl::string_view type;
  absl::string_view stix_id;
  absl::string_view modified;
  absl::string_view attack_id;  // external ID, e.g. "T1197"; may be empty
  absl::string_view url;
  absl::string_view name;
  absl::string_view description;
  bool revoked = false;
  bool deprecated = false;
};

struct Relationship {
  absl::string_view type;
  absl::string_view source;
  absl::string_view target;
  absl::string_view description;
};

// Collects warnings, capping the per-code list so that a bundle with 20,000
// bad objects still yields a readable report (the count stays exact).
class Warnings {
 public:
  explicit Warnings(std::string file) : file_(std::move(file)) {}

  void Add(absl::string_view code, std::string message,
           absl::string_view object = "") {
    int& n = per_code_[std::string(code)];
    ++n;
    if (n > kMaxPerCode) return;
    cov::v1::Diagnostic d = Warning(file_, 0, 0, code, message);
    d.set_object(std::string(object));
    out_.push_back(std::move(d));
  }

  std::vector<cov::v1::Diagnostic> Finish() {
    for (const auto& [code, n] : per_code_) {
      if (n > kMaxPerCode) {
        out_.push_back(Warning(
            file_, 0, 0, code,
            absl::StrCat(n - kMaxPerCode, " more warnings of this kind")));
      }
    }
    return std::move(out_);
  }

 private:
  static constexpr int kMaxPerCode = 50;
  std::string file_;
  std::map<std::string, int> per_code_;
  std::vector<cov::v1::Diagnostic> out_;
};

class BundleReader {
 public:
  BundleReader(const ParseOptions& options)
      : options_(options), warnings_(options.file_name) {}

  absl::StatusOr<ParsedRelease> Read(absl::string_view json);

 private:
  absl::Status Fail(absl::string_view message) const {
    return absl::InvalidArgumentError(absl::StrCat(
        options_.file_name.empty() ? "<bundle>" : options_.file_name, ": ",
        message));
  }

  // Field accessors: a present field of the wrong type is a warning naming
  // the object and is treated as absent.
  absl::string_view Str(const object& o, absl::string_view key,
                        absl::string_view stix_id) {
    element e;
    if (AtKey(o, key).get(e) != simdjson::SUCCESS) return {};
    absl::string_view s;
    if (GetString(e, &s)) return s;
    if (!e.is_null()) {
      warnings_.Add("stix-field-type",
                    absl::StrCat("field '", key, "' is ", TypeName(e.type()),
                                 ", expected string; ignored"),
                    stix_id);
    }
    return {};
  }

  bool Bool(const object& o, absl::string_view key, absl::string_view stix_id) {
    element e;
    if (AtKey(o, key).get(e) != simdjson::SUCCESS) return false;
    bool b = false;
    if (e.get_bool().get(b) == simdjson::SUCCESS) return b;
    warnings_.Add("stix-field-type",
                  absl::StrCat("field '", key, "' is ", TypeName(e.type()),
                               ", expected boolean; ignored"),
                  stix_id);
    return false;
  }

  // Field `key` of `o` as an array into *a; false when absent, or (with a
  // warning) when not an array.
  bool Array(const object& o, absl::string_view key, absl::string_view stix_id,
             array* a) {
    element e;
    if (AtKey(o, key).get(e) != simdjson::SUCCESS) return false;
    if (e.get_array().get(*a) == simdjson::SUCCESS) return true;
    warnings_.Add("stix-field-type",
                  absl::StrCat("field '", key, "' is ", TypeName(e.type()),
                               ", expected array; ignored"),
                  stix_id);
    return false;
  }

  std::vector<absl::string_view> StrList(const object& o, absl::string_view key,
                                         absl::string_view stix_id) {
    std::vector<absl::string_view> out;
    array a;
    if (!Array(o, key, stix_id, &a)) return out;
    for (element item : a) {
      absl::string_view s;
      if (GetString(item, &s)) {
        out.push_back(s);
      } else {
        warnings_.Add("stix-field-type",
                      absl::StrCat("an element of '", key, "' is ",
                                   TypeName(item.type()), ", expected string"),
                      stix_id);
      }
    }
    return out;
  }

  std::vector<object> ObjList(const object& o, absl::string_view key,
                              absl::string_view stix_id) {
    std::vector<object> out;
    array a;
    if (!Array(o, key, stix_id, &a)) return out;
    for (element item : a) {
      object obj;
      if (item.get_object().get(obj) == simdjson::SUCCESS) out.push_back(obj);
    }
    return out;
  }

  void CollectObjects(const array& objects);
  absl::Status ResolveDomainAndVersion(ParsedRelease& out);
  absl::Status BuildTactics(ParsedRelease& out);
  void IndexRelationships();
  void BuildDataComponents(ParsedRelease& out);
  void BuildDetectionStrategies();
  void BuildTechniques(ParsedRelease& out);
  void BuildActors(ParsedRelease& out);
  void BuildMitigations(ParsedRelease& out);

  // Follows `revoked-by` to its end; returns the ATT&CK ID of the final
  // replacement (empty when unknown or cyclic).
  absl::string_view RevokedByEnd(absl::string_view stix_id) const;

  const Obj* Find(absl::string_view stix_id) const {
    auto it = objects_.find(stix_id);
    return it == objects_.end() ? nullptr : &it->second;
  }

  std::string ActorKind(absl::string_view type) const {
    if (type == "intrusion-set") return "group";
    if (type == "campaign") return "campaign";
    return "software";
  }

  const ParseOptions& options_;
  Warnings warnings_;
  simdjson::dom::parser parser_;

  absl::flat_hash_map<absl::string_view, Obj> objects_;
  absl::flat_hash_map<absl::string_view, std::vector<const Obj*>> by_type_;
  std::vector<Relationship> relationships_;
  int relationship_objects_ = 0;
  absl::flat_hash_map<absl::string_view, absl::string_view> revoked_by_;

  // Relationship indexes (STIX IDs).
  absl::flat_hash_map<absl::string_view, std::vector<const Relationship*>>
      uses_by_target_, uses_by_source_, mitigates_by_target_,
      detects_by_target_, attributed_by_source_, attributed_by_target_;
  absl::flat_hash_map<absl::string_view, absl::string_view> parent_of_;

  absl::flat_hash_map<absl::string_view, cov::v1::DataComponent> components_;
  // Lower-cased component name -> component STIX ID (for x_mitre_data_sources).
  absl::flat_hash_map<std::string, absl::string_view> component_by_name_;
  absl::flat_hash_map<absl::string_view, cov::v1::DetectionStrategy>
      strategies_;
  // Detection strategy STIX ID -> data component STIX IDs its analytics use.
  absl::flat_hash_map<absl::string_view, std::vector<absl::string_view>>
      strategy_components_;
  absl::flat_hash_map<absl::string_view, int> tactic_order_;
  std::string kill_chain_name_;
  std::string domain_;
};

void BundleReader::CollectObjects(const array& objects) {
  absl::flat_hash_map<std::string, int> unknown_types;
  size_t index = 0;
  for (element e : objects) {
    ++index;
    object o;
    if (e.get_object().get(o) != simdjson::SUCCESS) {
      warnings_.Add("stix-not-object",
                    absl::StrCat("objects[", index - 1, "] is ",
                                 TypeName(e.type()), ", expected object"));
      continue;
    }
    Obj obj;
    obj.json = o;
    absl::string_view raw_id;
    element id_el;
    if (AtKey(o, "id").get(id_el) == simdjson::SUCCESS) {
      GetString(id_el, &raw_id);
    }
    obj.type = Str(o, "type", raw_id);
    obj.stix_id = Str(o, "id", raw_id);
    if (obj.type.empty() || obj.stix_id.empty()) {
      warnings_.Add("stix-missing-id",
                    absl::StrCat("objects[", index - 1,
                                 "] has no string 'type' or 'id'; skipped"));
      continue;
    }
    if (!KnownTypes().contains(obj.type)) {
      ++unknown_types[obj.type];
      continue;
    }
    obj.modified = Str(o, "modified", obj.stix_id);
    obj.revoked = Bool(o, "revoked", obj.stix_id);
    obj.deprecated = Bool(o, "x_mitre_deprecated", obj.stix_id);
    auto [it, inserted] = objects_.try_emplace(obj.stix_id, obj);
    if (!inserted) {
      // RFC 3339 timestamps of one format compare correctly as strings.
      bool newer = obj.modified > it->second.modified;
      warnings_.Add(
          "stix-duplicate-id",
          absl::StrCat("duplicate object (modified ", it->second.modified,
                       " and ", obj.modified, "); kept the newest"),
          obj.stix_id);
      if (newer) it->second = obj;
    }
  }
  for (const auto& [type, n] : unknown_types) {
    warnings_.Add(
        "stix-unknown-type",
        absl::StrCat(n, " object(s) of unknown type '", type, "' ignored"));
  }

  for (auto& [id, obj] : objects_) {
    if (obj.type == "relationship") {
      ++relationship_objects_;
      continue;
    }
    obj.name = Str(obj.json, "name", id);
    obj.description = Str(obj.json, "description", id);
    for (const object& ref : ObjList(obj.json, "external_references", id)) {
      absl::string_view source = Str(ref, "source_name", id);
      if (IsAttackSourceName(source)) {
        obj.attack_id = Str(ref, "external_id", id);
        obj.url = Str(ref, "url", id);
        break;
      }
    }
    by_type_[obj.type].push_back(&obj);
  }
  // Deterministic order regardless of hash iteration.
  for (auto& [type, list] : by_type_) {
    std::sort(list.begin(), list.end(), [](const Obj* a, const Obj* b) {
      if (a->attack_id != b->attack_id) return a->attack_id < b->attack_id;
      return a->stix_id < b->stix_id;
    });
  }
}

absl::Status BundleReader::ResolveDomainAndVersion(ParsedRelease& out) {
  cov::v1::Release& rel = out.release;
  // Domain: the matrix's external ID is authoritative.
  for (const Obj* m : by_type_["x-mitre-matrix"]) {
    if (!m->attack_id.empty()) {
      domain_ = std::string(m->attack_id);
      break;
    }
  }
  std::string file_domain, file_version;
  bool file_has_version =
      VersionFromFileName(options_.file_name, &file_domain, &file_version);
  if (domain_.empty()) domain_ = file_domain;
  if (domain_.empty()) {
    return Fail(
        "cannot tell the ATT&CK domain: no x-mitre-matrix with an external "
        "ID (enterprise-attack, mobile-attack, ics-attack)");
  }
  rel.set_domain(domain_);
  if (domain_ == "mobile-attack") {
    kill_chain_name_ = "mitre-mobile-attack";
  } else if (domain_ == "ics-attack") {
    kill_chain_name_ = "mitre-ics-attack";
  } else {
    kill_chain_name_ = "mitre-attack";
  }

  std::string version;
  for (const Obj* c : by_type_["x-mitre-collection"]) {
    absl::string_view v = Str(c->json, "x_mitre_version", c->stix_id);
    if (!v.empty()) {
      version = std::string(v);
      rel.set_version_source("x-mitre-collection");
      break;
    }
  }
  if (version.empty() && file_has_version) {
    version = file_version;
    rel.set_version_source("file-name");
  }
  if (version.empty() && !options_.version_flag.empty()) {
    version = options_.version_flag;
    rel.set_version_source("flag");
  }
  if (version.empty()) {
    return Fail(
        "cannot tell the ATT&CK version: the bundle has no x-mitre-collection "
        "object and the file name does not carry one "
        "(like enterprise-attack-18.1.json); pass it with --version");
  }
  if (!options_.version_flag.empty() && options_.version_flag != version) {
    warnings_.Add(
        "stix-version-conflict",
        absl::StrCat("--version ", options_.version_flag, " ignored: the ",
                     rel.version_source(), " says ", version));
  }
  rel.set_version(version);
  return absl::OkStatus();
}

absl::Status BundleReader::BuildTactics(ParsedRelease& out) {
  const auto& matrices = by_type_["x-mitre-matrix"];
  if (matrices.empty()) {
    return Fail(
        "the bundle has no x-mitre-matrix object, so the kill-chain order of "
        "its tactics is unknown");
  }
  // Mobile ships two matrices; the one with most tactics leads, others follow.
  std::vector<const Obj*> ordered(matrices.begin(), matrices.end());
  std::vector<std::vector<absl::string_view>> refs;
  for (const Obj* m : ordered) {
    refs.push_back(StrList(m->json, "tactic_refs", m->stix_id));
  }
  std::vector<size_t> idx(ordered.size());
  for (size_t i = 0; i < idx.size(); ++i) idx[i] = i;
  std::stable_sort(idx.begin(), idx.end(), [&](size_t a, size_t b) {
    return refs[a].size() > refs[b].size();
  });
  int order = 0;
  for (size_t i : idx) {
    for (absl::string_view ref : refs[i]) {
      const Obj* t = Find(ref);
      if (t == nullptr || t->type != "x-mitre-tactic") {
        warnings_.Add("stix-dangling-ref",
                      absl::StrCat("matrix tactic_refs names ", ref,
                                   ", which is not a tactic of the bundle"),
                      ordered[i]->stix_id);
        continue;
      }
      absl::string_view shortname =
          Str(t->json, "x_mitre_shortname", t->stix_id);
      if (tactic_order_.contains(shortname)) continue;
      tactic_order_[shortname] = order;
      cov::v1::Tactic tactic;
      tactic.set_id(std::string(t->attack_id));
      tactic.set_name(std::string(t->name));
      tactic.set_shortname(std::string(shortname));
      tactic.set_description(std::string(t->description));
      tactic.set_order(order);
      tactic.set_url(std::string(t->url));
      out.tactics.push_back(std::move(tactic));
      ++order;
    }
  }
  return absl::OkStatus();
}

void BundleReader::IndexRelationships() {
  for (const auto& [id, obj] : objects_) {
    if (obj.type != "relationship") continue;
    if (obj.revoked || obj.deprecated) continue;
    Relationship r;
    r.type = Str(obj.json, "relationship_type", id);
    r.source = Str(obj.json, "source_ref", id);
    r.target = Str(obj.json, "target_ref", id);
    r.description = Str(obj.json, "description", id);
    if (r.type.empty() || r.source.empty() || r.target.empty()) {
      warnings_.Add("stix-bad-relationship",
                    "relationship without relationship_type, source_ref or "
                    "target_ref; skipped",
                    id);
      continue;
    }
    if (Find(r.source) == nullptr || Find(r.target) == nullptr) {
      warnings_.Add("stix-dangling-ref",
                    absl::StrCat(r.type,
                                 " relationship names an object the "
                                 "bundle does not hold; skipped"),
                    id);
      continue;
    }
    relationships_.push_back(r);
  }
  // Stable order for reproducible output.
  std::sort(relationships_.begin(), relationships_.end(),
            [](const Relationship& a, const Relationship& b) {
              return std::tie(a.type, a.source, a.target) <
                     std::tie(b.type, b.source, b.target);
            });
  for (const Relationship& r : relationships_) {
    if (r.type == "uses") {
      uses_by_target_[r.target].push_back(&r);
      uses_by_source_[r.source].push_back(&r);
    } else if (r.type == "mitigates") {
      mitigates_by_target_[r.target].push_back(&r);
    } else if (r.type == "detects") {
      detects_by_target_[r.target].push_back(&r);
    } else if (r.type == "attributed-to") {
      attributed_by_source_[r.source].push_back(&r);
      attributed_by_target_[r.target].push_back(&r);
    } else if (r.type == "subtechnique-of") {
      parent_of_[r.source] = r.target;
    } else if (r.type == "revoked-by") {
      revoked_by_[r.source] = r.target;
    }
  }
}

absl::string_view BundleReader::RevokedByEnd(absl::string_view stix_id) const {
  absl::string_view cur = stix_id;
  for (int hops = 0; hops < 32; ++hops) {
    auto it = revoked_by_.find(cur);
    if (it == revoked_by_.end()) break;
    cur = it->second;
  }
  if (cur == stix_id) return {};
  const Obj* end = Find(cur);
  return end == nullptr ? absl::string_view() : end->attack_id;
}

void BundleReader::BuildDataComponents(ParsedRelease& out) {
  for (const Obj* c : by_type_["x-mitre-data-component"]) {
    cov::v1::DataComponent dc;
    dc.set_id(std::string(c->attack_id));
    dc.set_name(std::string(c->name));
    dc.set_description(std::string(c->description));
    dc.set_deprecated(c->deprecated || c->revoked);
    absl::string_view ds_ref =
        Str(c->json, "x_mitre_data_source_ref", c->stix_id);
    if (const Obj* ds = ds_ref.empty() ? nullptr : Find(ds_ref)) {
      dc.set_data_source_id(std::string(ds->attack_id));
      dc.set_data_source_name(std::string(ds->name));
    }
    for (const object& ls :
         ObjList(c->json, "x_mitre_log_sources", c->stix_id)) {
      cov::v1::LogSource* l = dc.add_log_sources();
      l->set_name(std::string(Str(ls, "name", c->stix_id)));
      l->set_channel(std::string(Str(ls, "channel", c->stix_id)));
    }
    component_by_name_[absl::AsciiStrToLower(c->name)] = c->stix_id;
    out.data_components.push_back(dc);
    components_[c->stix_id] = std::move(dc);
  }
}

void BundleReader::BuildDetectionStrategies() {
  for (const Obj* s : by_type_["x-mitre-detection-strategy"]) {
    cov::v1::DetectionStrategy ds;
    ds.set_id(std::string(s->attack_id));
    ds.set_name(std::string(s->name));
    ds.set_url(std::string(s->url));
    std::vector<absl::string_view>& comps = strategy_components_[s->stix_id];
    for (absl::string_view ref :
         StrList(s->json, "x_mitre_analytic_refs", s->stix_id)) {
      const Obj* a = Find(ref);
      if (a == nullptr || a->type != "x-mitre-analytic") {
        warnings_.Add("stix-dangling-ref",
                      absl::StrCat("x_mitre_analytic_refs names ", ref,
                                   ", which is not an analytic of the bundle"),
                      s->stix_id);
        continue;
      }
      cov::v1::Analytic* an = ds.add_analytics();
      an->set_id(std::string(a->attack_id));
      an->set_name(std::string(a->name));
      an->set_description(std::string(a->description));
      an->set_url(std::string(a->url));
      for (absl::string_view p :
           StrList(a->json, "x_mitre_platforms", a->stix_id)) {
        an->add_platforms(std::string(p));
      }
      for (const object& ls :
           ObjList(a->json, "x_mitre_log_source_references", a->stix_id)) {
        cov::v1::LogSource* l = an->add_log_sources();
        l->set_name(std::string(Str(ls, "name", a->stix_id)));
        l->set_channel(std::string(Str(ls, "channel", a->stix_id)));
        absl::string_view dc_ref =
            Str(ls, "x_mitre_data_component_ref", a->stix_id);
        auto it = components_.find(dc_ref);
        if (it == components_.end()) {
          warnings_.Add("stix-dangling-ref",
                        absl::StrCat("log source reference names data "
                                     "component '",
                                     dc_ref, "', which the bundle lacks"),
                        a->stix_id);
          continue;
        }
        l->set_data_component_id(it->second.id());
        l->set_data_component_name(it->second.name());
        comps.push_back(it->first);
      }
    }
    strategies_[s->stix_id] = std::move(ds);
  }
}

void BundleReader::BuildTechniques(ParsedRelease& out) {
  cov::v1::ReleaseCounts* counts = out.release.mutable_counts();
  absl::flat_hash_map<absl::string_view, std::vector<std::string>> subs;
  for (const Obj* t : by_type_["attack-pattern"]) {
    auto it = parent_of_.find(t->stix_id);
    if (it == parent_of_.end() || t->revoked || t->deprecated) continue;
    subs[it->second].push_back(std::string(t->attack_id));
  }

  for (const Obj* t : by_type_["attack-pattern"]) {
    if (t->attack_id.empty()) {
      warnings_.Add("stix-missing-attack-id",
                    "attack-pattern without an ATT&CK external ID; skipped",
                    t->stix_id);
      continue;
    }
    cov::v1::Technique& tech = *out.techniques.Add();
    tech.set_id(std::string(t->attack_id));
    tech.set_stix_id(std::string(t->stix_id));
    tech.set_name(std::string(t->name));
    tech.set_description(std::string(t->description));
    tech.set_url(std::string(t->url));
    tech.set_revoked(t->revoked);
    tech.set_deprecated(t->deprecated);
    tech.set_version(std::string(Str(t->json, "x_mitre_version", t->stix_id)));
    tech.set_created(std::string(Str(t->json, "created", t->stix_id)));
    tech.set_modified(std::string(t->modified));
    tech.set_detection(
        std::string(Str(t->json, "x_mitre_detection", t->stix_id)));
    tech.mutable_release()->set_domain(out.release.domain());
    tech.mutable_release()->set_version(out.release.version());
    bool is_sub = Bool(t->json, "x_mitre_is_subtechnique", t->stix_id);
    auto parent = parent_of_.find(t->stix_id);
    if (parent != parent_of_.end()) {
      is_sub = true;
      if (const Obj* p = Find(parent->second)) {
        tech.set_parent(std::string(p->attack_id));
      }
    } else if (is_sub) {
      // Older bundles may lack the relationship; the ID still names it.
      size_t dot = t->attack_id.find('.');
      if (dot != absl::string_view::npos) {
        tech.set_parent(std::string(t->attack_id.substr(0, dot)));
      }
    }
    tech.set_is_subtechnique(is_sub);
    if (auto s = subs.find(t->stix_id); s != subs.end()) {
      std::vector<std::string>& ids = s->second;
      std::sort(ids.begin(), ids.end());
      for (auto& id : ids) tech.add_subtechniques(id);
    }

    // Tactics in kill-chain order.
    std::vector<std::pair<int, std::string>> tactics;
    for (const object& phase :
         ObjList(t->json, "kill_chain_phases", t->stix_id)) {
      absl::string_view chain = Str(phase, "kill_chain_name", t->stix_id);
      if (chain != kill_chain_name_ && !IsAttackSourceName(chain)) continue;
      absl::string_view name = Str(phase, "phase_name", t->stix_id);
      auto order = tactic_order_.find(name);
      if (order == tactic_order_.end()) {
        if (!t->revoked && !t->deprecated) {
          warnings_.Add("stix-unknown-tactic",
                        absl::StrCat("kill-chain phase '", name,
                                     "' is not a tactic of the matrix"),
                        t->stix_id);
        }
        continue;
      }
      tactics.emplace_back(order->second, std::string(name));
    }
    std::sort(tactics.begin(), tactics.end());
    tactics.erase(std::unique(tactics.begin(), tactics.end()), tactics.end());
    for (auto& [order, name] : tactics) tech.add_tactics(name);

    for (absl::string_view p :
         StrList(t->json, "x_mitre_platforms", t->stix_id)) {
      tech.add_platforms(std::string(p));
    }
    std::vector<absl::string_view> data_sources =
        StrList(t->json, "x_mitre_data_sources", t->stix_id);
    for (absl::string_view ds : data_sources) {
      tech.add_data_sources(std::string(ds));
    }

    // Data components: v18 strategies, pre-v18 component `detects`, else the
    // "Source: Component" strings.
    std::vector<absl::string_view> comp_ids;
    auto detects = detects_by_target_.find(t->stix_id);
    if (detects != detects_by_target_.end()) {
      for (const Relationship* r : detects->second) {
        const Obj* src = Find(r->source);
        if (src->type == "x-mitre-detection-strategy") {
          auto s = strategies_.find(r->source);
          if (s != strategies_.end()) {
            *tech.add_detection_strategies() = s->second;
            for (auto c : strategy_components_[r->source]) {
              comp_ids.push_back(c);
            }
          }
        } else if (src->type == "x-mitre-data-component") {
          comp_ids.push_back(r->source);
        }
      }
    }
    if (comp_ids.empty()) {
      for (absl::string_view ds : data_sources) {
        size_t colon = ds.find(':');
        absl::string_view comp =
            colon == absl::string_view::npos ? ds : ds.substr(colon + 1);
        auto it = component_by_name_.find(
            absl::AsciiStrToLower(absl::StripAsciiWhitespace(comp)));
        if (it != component_by_name_.end()) comp_ids.push_back(it->second);
      }
    }
    std::set<std::pair<std::string, absl::string_view>> comps;
    for (absl::string_view c : comp_ids) {
      auto it = components_.find(c);
      if (it != components_.end()) comps.emplace(it->second.name(), c);
    }
    for (const auto& [name, id] : comps) {
      tech.add_data_components(name);
      // Identity only: a v18 component lists hundreds of log sources, and
      // copying them into every technique made techniques 4x larger. The
      // full component is a record of its own (ParsedRelease.data_components).
      const cov::v1::DataComponent& full = components_[id];
      cov::v1::DataComponent* d = tech.add_data_component_details();
      d->set_id(full.id());
      d->set_name(full.name());
      d->set_data_source_id(full.data_source_id());
      d->set_data_source_name(full.data_source_name());
      d->set_deprecated(full.deprecated());
    }

    // Who uses it.
    auto uses = uses_by_target_.find(t->stix_id);
    if (uses != uses_by_target_.end()) {
      std::vector<cov::v1::Procedure> procs;
      for (const Relationship* r : uses->second) {
        const Obj* src = Find(r->source);
        if (src->type != "intrusion-set" && src->type != "malware" &&
            src->type != "tool" && src->type != "campaign") {
          continue;
        }
        if (src->revoked || src->deprecated) continue;
        cov::v1::Procedure p;
        p.set_kind(ActorKind(src->type));
        p.set_id(std::string(src->attack_id));
        p.set_name(std::string(src->name));
        p.set_description(std::string(r->description));
        if (src->type == "malware" || src->type == "tool") {
          p.set_software_type(std::string(src->type));
        }
        procs.push_back(std::move(p));
      }
      std::sort(procs.begin(), procs.end(),
                [](const cov::v1::Procedure& a, const cov::v1::Procedure& b) {
                  return std::tie(a.kind(), a.id()) <
                         std::tie(b.kind(), b.id());
                });
      for (auto& p : procs) *tech.add_procedures() = std::move(p);
    }

    auto mit = mitigates_by_target_.find(t->stix_id);
    if (mit != mitigates_by_target_.end()) {
      for (const Relationship* r : mit->second) {
        const Obj* m = Find(r->source);
        if (m->type != "course-of-action" || m->revoked || m->deprecated) {
          continue;
        }
        cov::v1::MitigationRef* mr = tech.add_mitigations();
        mr->set_id(std::string(m->attack_id));
        mr->set_name(std::string(m->name));
        mr->set_description(std::string(r->description));
      }
    }

    for (const object& ref :
         ObjList(t->json, "external_references", t->stix_id)) {
      cov::v1::ExternalReference* er = tech.add_references();
      er->set_source_name(std::string(Str(ref, "source_name", t->stix_id)));
      er->set_url(std::string(Str(ref, "url", t->stix_id)));
      er->set_description(std::string(Str(ref, "description", t->stix_id)));
      er->set_external_id(std::string(Str(ref, "external_id", t->stix_id)));
    }

    if (t->revoked) {
      tech.set_revoked_by(std::string(RevokedByEnd(t->stix_id)));
      counts->set_revoked_techniques(counts->revoked_techniques() + 1);
    } else if (t->deprecated) {
      counts->set_deprecated_techniques(counts->deprecated_techniques() + 1);
    } else if (is_sub) {
      counts->set_subtechniques(counts->subtechniques() + 1);
    } else {
      counts->set_techniques(counts->techniques() + 1);
    }
  }
}

void BundleReader::BuildActors(ParsedRelease& out) {
  cov::v1::ReleaseCounts* counts = out.release.mutable_counts();
  for (absl::string_view type :
       {"intrusion-set", "malware", "tool", "campaign"}) {
    for (const Obj* a : by_type_[type]) {
      if (a->attack_id.empty()) continue;
      cov::v1::Actor& actor = *out.actors.Add();
      actor.set_kind(ActorKind(type));
      actor.set_id(std::string(a->attack_id));
      actor.set_name(std::string(a->name));
      actor.set_description(std::string(a->description));
      actor.set_url(std::string(a->url));
      actor.set_revoked(a->revoked);
      actor.set_deprecated(a->deprecated);
      if (a->revoked)
        actor.set_revoked_by(std::string(RevokedByEnd(a->stix_id)));
      if (type == "malware" || type == "tool") {
        actor.set_software_type(std::string(type));
      }
      absl::string_view alias_key =
          (type == "malware" || type == "tool") ? "x_mitre_aliases" : "aliases";
      for (absl::string_view al : StrList(a->json, alias_key, a->stix_id)) {
        actor.add_aliases(std::string(al));
      }
      for (absl::string_view p :
           StrList(a->json, "x_mitre_platforms", a->stix_id)) {
        actor.add_platforms(std::string(p));
      }
      auto uses = uses_by_source_.find(a->stix_id);
      if (uses != uses_by_source_.end()) {
        for (const Relationship* r : uses->second) {
          const Obj* tgt = Find(r->target);
          if (tgt->revoked || tgt->deprecated || tgt->attack_id.empty()) {
            continue;
          }
          if (tgt->type == "attack-pattern") {
            cov::v1::Procedure* p = actor.add_techniques();
            p->set_kind("technique");
            p->set_id(std::string(tgt->attack_id));
            p->set_name(std::string(tgt->name));
            p->set_description(std::string(r->description));
          } else if (tgt->type == "malware" || tgt->type == "tool") {
            cov::v1::ObjectRef* s = actor.add_software();
            s->set_id(std::string(tgt->attack_id));
            s->set_name(std::string(tgt->name));
          }
        }
      }
      // Campaign -> its groups; group -> its campaigns.
      auto add_attributed = [&](const auto& index, bool use_target) {
        auto it = index.find(a->stix_id);
        if (it == index.end()) return;
        for (const Relationship* r : it->second) {
          const Obj* o = Find(use_target ? r->target : r->source);
          if (o->attack_id.empty()) continue;
          cov::v1::ObjectRef* ref = actor.add_attributed();
          ref->set_id(std::string(o->attack_id));
          ref->set_name(std::string(o->name));
        }
      };
      add_attributed(attributed_by_source_, /*use_target=*/true);
      add_attributed(attributed_by_target_, /*use_target=*/false);
      for (const object& ref :
           ObjList(a->json, "external_references", a->stix_id)) {
        absl::string_view url = Str(ref, "url", a->stix_id);
        if (url.empty()) continue;
        cov::v1::ExternalReference* er = actor.add_references();
        er->set_source_name(std::string(Str(ref, "source_name", a->stix_id)));
        er->set_url(std::string(url));
        er->set_description(std::string(Str(ref, "description", a->stix_id)));
        er->set_external_id(std::string(Str(ref, "external_id", a->stix_id)));
      }
      if (!a->revoked && !a->deprecated) {
        if (type == "intrusion-set") {
          counts->set_groups(counts->groups() + 1);
        } else if (type == "campaign") {
          counts->set_campaigns(counts->campaigns() + 1);
        } else {
          counts->set_software(counts->software() + 1);
        }
      }
    }
  }
  // Sort pointers, not messages: moving arena messages would copy them.
  std::sort(out.actors.field()->pointer_begin(),
            out.actors.field()->pointer_end(),
            [](const cov::v1::Actor* a, const cov::v1::Actor* b) {
              return a->id() < b->id();
            });
}

void BundleReader::BuildMitigations(ParsedRelease& out) {
  for (const Obj* m : by_type_["course-of-action"]) {
    if (m->attack_id.empty() || m->revoked || m->deprecated) continue;
    cov::v1::MitigationRef mr;
    mr.set_id(std::string(m->attack_id));
    mr.set_name(std::string(m->name));
    mr.set_description(std::string(m->description));
    out.mitigations.push_back(std::move(mr));
  }
}

absl::StatusOr<ParsedRelease> BundleReader::Read(absl::string_view json) {
  element doc;
  simdjson::error_code err;
  if (options_.input_has_padding) {
    err = parser_.parse(json.data(), json.size(), /*realloc_if_needed=*/false)
              .get(doc);
  } else {
    simdjson::padded_string padded(json.data(), json.size());
    err = parser_.parse(padded).get(doc);
  }
  if (err != simdjson::SUCCESS) {
    return Fail(absl::StrCat("invalid JSON (", simdjson::error_message(err),
                             "); the file has ", json.size(),
                             " bytes and may be truncated"));
  }
  object bundle;
  if (doc.get_object().get(bundle) != simdjson::SUCCESS) {
    return Fail("top level is not a JSON object");
  }
  absl::string_view type;
  element type_el;
  if (AtKey(bundle, "type").get(type_el) != simdjson::SUCCESS ||
      !GetString(type_el, &type) || type != "bundle") {
    return Fail("not a STIX bundle (top-level \"type\" is not \"bundle\")");
  }
  element objects_el;
  array objects;
  if (AtKey(bundle, "objects").get(objects_el) != simdjson::SUCCESS ||
      objects_el.get_array().get(objects) != simdjson::SUCCESS) {
    return Fail("the bundle has no \"objects\" array");
  }

  ParsedRelease out;
  absl::string_view spec = Str(bundle, "spec_version", "bundle");
  CollectObjects(objects);
  if (spec.empty()) {
    // STIX 2.1 puts spec_version on each object instead of the bundle.
    for (const auto& [id, obj] : objects_) {
      spec = Str(obj.json, "spec_version", id);
      if (!spec.empty()) break;
    }
  }
  out.release.set_stix_version(std::string(spec));

  absl::Status s = ResolveDomainAndVersion(out);
  if (!s.ok()) return s;
  s = BuildTactics(out);
  if (!s.ok()) return s;
  IndexRelationships();
  BuildDataComponents(out);
  BuildDetectionStrategies();
  BuildTechniques(out);
  BuildActors(out);
  BuildMitigations(out);

  cov::v1::ReleaseCounts* c = out.release.mutable_counts();
  c->set_tactics(static_cast<int>(out.tactics.size()));
  c->set_mitigations(static_cast<int>(out.mitigations.size()));
  c->set_data_components(static_cast<int>(out.data_components.size()));
  c->set_data_sources(static_cast<int>(by_type_["x-mitre-data-source"].size()));
  c->set_detection_strategies(static_cast<int>(strategies_.size()));
  c->set_analytics(static_cast<int>(by_type_["x-mitre-analytic"].size()));
  c->set_relationships(relationship_objects_);
  if (out.techniques.empty()) {
    return Fail("the bundle holds no techniques (attack-pattern objects)");
  }
  out.diagnostics = warnings_.Finish();
  return out;
}

}  // namespace

namespace {
google::protobuf::ArenaOptions BundleArenaOptions() {
  google::protobuf::ArenaOptions o;
  o.start_block_size = 1 << 20;
  o.max_block_size = 16 << 20;
  return o;
}
}  // namespace

ParsedRelease::ParsedRelease()
    : arena(std::make_unique<google::protobuf::Arena>(BundleArenaOptions())),
      tactics(arena.get()),
      techniques(arena.get()),
      actors(arena.get()),
      data_components(arena.get()),
      mitigations(arena.get()) {}

bool VersionFromFileName(absl::string_view file_name, std::string* domain,
                         std::string* version) {
  size_t slash = file_name.find_last_of('/');
  absl::string_view base = slash == absl::string_view::npos
                               ? file_name
                               : file_name.substr(slash + 1);
  for (absl::string_view d :
       {"enterprise-attack", "mobile-attack", "ics-attack", "pre-attack"}) {
    if (!absl::StartsWith(base, d)) continue;
    absl::string_view rest = base.substr(d.size());
    if (!absl::ConsumePrefix(&rest, "-")) continue;
    absl::ConsumePrefix(&rest, "v");
    size_t end = 0;
    while (end < rest.size() &&
           (absl::ascii_isdigit(rest[end]) || rest[end] == '.')) {
      ++end;
    }
    absl::string_view v = rest.substr(0, end);
    while (absl::ConsumeSuffix(&v, ".")) {
    }
    if (v.empty() || !absl::ascii_isdigit(v[0])) return false;
    *domain = std::string(d);
    *version = std::string(v);
    return true;
  }
  return false;
}

absl::StatusOr<ParsedRelease> ParseBundle(absl::string_view json,
                                          const ParseOptions& options) {
  BundleReader reader(options);
  return reader.Read(json);
}

}  // namespace cov::ingest::attack
