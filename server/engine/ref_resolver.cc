#include "server/engine/ref_resolver.h"

#include <string>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace cov::server::engine {
namespace {

// Where a reference points in one release, or nullptr-ish when absent.
struct Lookup {
  bool found = false;
  bool revoked = false;
  bool deprecated = false;
  std::string revoked_by;
  std::string canonical;  // ID or shortname as the release spells it
};

Lookup Find(const KnowledgeBase& kb, const cov::v1::AttackRef& ref) {
  Lookup l;
  const std::string& kind = ref.kind();
  if (kind == "technique") {
    if (const cov::v1::Technique* t = kb.FindTechnique(ref.id())) {
      l.found = true;
      l.revoked = t->revoked();
      l.deprecated = t->deprecated();
      l.revoked_by = t->revoked_by();
      l.canonical = t->id();
    }
  } else if (kind == "tactic") {
    if (const cov::v1::Tactic* t = kb.FindTactic(ref.id())) {
      l.found = true;
      l.canonical = t->shortname();
    }
  } else if (kind == "group" || kind == "software" || kind == "campaign") {
    if (const cov::v1::Actor* a = kb.FindActor(ref.id())) {
      // FindActor also matches names; only accept an ID match here.
      if (absl::AsciiStrToUpper(ref.id()) == a->id()) {
        l.found = true;
        l.revoked = a->revoked();
        l.deprecated = a->deprecated();
        l.revoked_by = a->revoked_by();
        l.canonical = a->id();
      }
    }
  }
  return l;
}

}  // namespace

void ResolveRefs(const KnowledgeBase& kb, const OtherDomains& others,
                 cov::v1::Rule* rule) {
  const std::string& release = kb.release_key();
  // Tactics of the rule's valid techniques, for the pair check below.
  absl::flat_hash_set<std::string> technique_tactics;
  bool any_valid_technique = false;
  for (cov::v1::AttackRef& ref : *rule->mutable_attack_refs()) {
    Lookup l = Find(kb, ref);
    ref.set_note("");
    if (l.found) {
      if (l.revoked) {
        ref.set_status(cov::v1::REF_STATUS_REVOKED);
        ref.set_resolved_id(l.revoked_by);
        ref.set_note(l.revoked_by.empty()
                         ? absl::StrCat(l.canonical, " is revoked in ", release,
                                        " (no replacement named)")
                         : absl::StrCat(l.canonical, " is revoked in ", release,
                                        "; use ", l.revoked_by));
      } else if (l.deprecated) {
        ref.set_status(cov::v1::REF_STATUS_DEPRECATED);
        ref.set_resolved_id(l.canonical);
        ref.set_note(absl::StrCat(l.canonical, " is deprecated in ", release));
      } else {
        ref.set_status(cov::v1::REF_STATUS_VALID);
        ref.set_resolved_id(l.canonical);
      }
    } else {
      ref.set_resolved_id("");
      std::string other_domain;
      for (const auto& other : others) {
        if (other != nullptr && Find(*other, ref).found) {
          other_domain = other->release_key();
          break;
        }
      }
      if (!other_domain.empty()) {
        ref.set_status(cov::v1::REF_STATUS_WRONG_DOMAIN);
        ref.set_note(absl::StrCat(ref.id(), " is not in ", release,
                                  " but exists in ", other_domain));
      } else {
        ref.set_status(cov::v1::REF_STATUS_UNKNOWN);
        ref.set_note(absl::StrCat(ref.kind(), " ", ref.id(),
                                  " does not exist in ATT&CK ", release));
      }
    }
    if (ref.kind() == "technique" &&
        (ref.status() == cov::v1::REF_STATUS_VALID ||
         ref.status() == cov::v1::REF_STATUS_REVOKED)) {
      const cov::v1::Technique* t = kb.FindTechnique(ref.resolved_id());
      if (t != nullptr) {
        any_valid_technique = true;
        for (const auto& tac : t->tactics()) technique_tactics.insert(tac);
      }
    }
  }
  if (!any_valid_technique) return;
  for (cov::v1::AttackRef& ref : *rule->mutable_attack_refs()) {
    if (ref.kind() != "tactic" || ref.status() != cov::v1::REF_STATUS_VALID) {
      continue;
    }
    if (!technique_tactics.contains(ref.resolved_id())) {
      ref.set_status(cov::v1::REF_STATUS_TACTIC_MISMATCH);
      ref.set_note(absl::StrCat("tactic ", ref.resolved_id(),
                                " does not contain any technique the rule "
                                "names in ",
                                release));
    }
  }
}

}  // namespace cov::server::engine
