#include "server/engine/plan.h"

#include <algorithm>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace cov::server::engine {
namespace {

constexpr int kListedRules = 20;

bool PlatformMatches(const cov::v1::TestProcedure& t,
                     const std::string& platform) {
  if (platform.empty()) return true;
  std::string want = absl::AsciiStrToLower(platform);
  if (want == "macos") want = "macos";
  for (const auto& p : t.platforms()) {
    std::string have = absl::AsciiStrToLower(p);
    if (have == want || (want == "macos" && have == "darwin") ||
        (want == "darwin" && have == "macos")) {
      return true;
    }
  }
  return false;
}

// Fills the parts of a step that come from the release, rules, tests and
// evidence.
void Enrich(const PlanInputs& in, const std::string& platform,
            bool replace_tests, cov::v1::PlanStep* step) {
  const cov::v1::Technique* t = in.kb->FindTechnique(step->technique_id());
  if (t != nullptr) {
    if (step->technique_name().empty()) step->set_technique_name(t->name());
    *step->mutable_data_components() = t->data_components();
  }
  if (replace_tests && in.tests != nullptr) {
    step->clear_tests();
    auto it = in.tests->find(step->technique_id());
    if (it != in.tests->end()) {
      for (const auto& test : it->second) {
        if (PlatformMatches(test, platform)) *step->add_tests() = test;
      }
    }
  } else if (!platform.empty()) {
    auto* tests = step->mutable_tests();
    tests->erase(std::remove_if(tests->begin(), tests->end(),
                                [&](const cov::v1::TestProcedure& x) {
                                  return !PlatformMatches(x, platform);
                                }),
                 tests->end());
  }
  bool claimed = false;
  int count = 0;
  if (in.rules != nullptr) {
    for (int r : in.rules->RulesFor(step->technique_id())) {
      const RuleFacts& f = in.rules->rules()[r];
      if (!f.enabled || f.is_correlation || f.yara_private) continue;
      claimed = true;
      // ET alone has thousands of rules for some techniques; list a few.
      if (++count > kListedRules) continue;
      cov::v1::RuleRef* ref = step->add_expected_rules();
      ref->set_uid(f.uid);
      ref->set_source(f.source);
      ref->set_title(f.title);
      ref->set_status(f.status);
    }
  }
  step->set_expected_rule_count(count);
  if (in.evidence != nullptr && in.rules != nullptr) {
    step->set_evidence(
        in.evidence->Tier(step->technique_id(), claimed, *in.rules));
  } else {
    step->set_evidence(claimed ? "claimed" : "");
  }
}

}  // namespace

std::vector<cov::v1::Procedure> ActorTechniques(const KnowledgeBase& kb,
                                                const cov::v1::Actor& actor,
                                                bool include_campaigns) {
  std::vector<cov::v1::Procedure> out;
  absl::flat_hash_set<std::string> seen;
  auto add = [&](const cov::v1::Procedure& p, const std::string& via) {
    if (!seen.insert(p.id()).second) return;
    cov::v1::Procedure copy = p;
    if (!via.empty()) {
      copy.set_description(absl::StrCat("(via ", via, ") ", p.description()));
    }
    out.push_back(std::move(copy));
  };
  for (const auto& p : actor.techniques()) add(p, "");
  for (const auto& sw : actor.software()) {
    const cov::v1::Actor* s = kb.FindActor(sw.id());
    if (s == nullptr) continue;
    for (const auto& p : s->techniques()) {
      add(p, absl::StrCat(s->id(), " ", s->name()));
    }
  }
  if (include_campaigns && actor.kind() == "group") {
    for (const auto& c : actor.attributed()) {
      const cov::v1::Actor* camp = kb.FindActor(c.id());
      if (camp == nullptr || camp->kind() != "campaign") continue;
      for (const auto& p : camp->techniques()) {
        add(p, absl::StrCat(camp->id(), " ", camp->name()));
      }
    }
  }
  return out;
}

absl::StatusOr<cov::v1::PlanResponse> BuildPlan(
    const PlanInputs& in, const cov::v1::PlanRequest& request) {
  const KnowledgeBase& kb = *in.kb;
  cov::v1::PlanResponse out;
  out.mutable_release()->set_domain(kb.release().domain());
  out.mutable_release()->set_version(kb.release().version());
  const std::string& platform = request.platform();

  if (request.subject_case() == cov::v1::PlanRequest::kCtidPlan) {
    if (in.ctid_plans != nullptr) {
      for (const auto& plan : *in.ctid_plans) {
        if (absl::AsciiStrToLower(plan.subject()) !=
            absl::AsciiStrToLower(request.ctid_plan())) {
          continue;
        }
        out.set_subject(absl::StrCat("CTID plan ", plan.subject()));
        for (const auto& s : plan.steps()) {
          cov::v1::PlanStep* step = out.add_steps();
          *step = s;
          Enrich(in, platform, /*replace_tests=*/false, step);
        }
        return out;
      }
    }
    std::vector<std::string> names;
    if (in.ctid_plans != nullptr) {
      for (const auto& p : *in.ctid_plans) names.push_back(p.subject());
    }
    return absl::NotFoundError(
        absl::StrCat("no CTID plan '", request.ctid_plan(), "'; stored plans: ",
                     names.empty() ? "none (cov ingest plans PATH)"
                                   : absl::StrJoin(names, ", ")));
  }

  std::vector<cov::v1::Procedure> procedures;
  switch (request.subject_case()) {
    case cov::v1::PlanRequest::kGroup:
    case cov::v1::PlanRequest::kSoftware:
    case cov::v1::PlanRequest::kCampaign: {
      const std::string& query =
          request.subject_case() == cov::v1::PlanRequest::kGroup
              ? request.group()
          : request.subject_case() == cov::v1::PlanRequest::kSoftware
              ? request.software()
              : request.campaign();
      const char* kind =
          request.subject_case() == cov::v1::PlanRequest::kGroup ? "group"
          : request.subject_case() == cov::v1::PlanRequest::kSoftware
              ? "software"
              : "campaign";
      const cov::v1::Actor* a = kb.FindActor(query);
      if (a == nullptr || a->kind() != kind) {
        return absl::NotFoundError(absl::StrCat(
            "no ", kind, " '", query, "' in ATT&CK ", kb.release_key()));
      }
      out.set_subject(absl::StrCat(a->id(), " ", a->name()));
      procedures = ActorTechniques(kb, *a, request.include_campaigns());
      break;
    }
    case cov::v1::PlanRequest::kTechniques: {
      std::vector<std::string> ids;
      for (const auto& id : request.techniques().ids()) {
        const cov::v1::Technique* t = kb.FindTechnique(id);
        if (t == nullptr) {
          return absl::NotFoundError(absl::StrCat(
              "technique ", id, " is not in ATT&CK ", kb.release_key(),
              ": unknown to the loaded release (it may be from a newer "
              "ATT&CK; load that release with `cov ingest attack` and pass "
              "--attack_version)"));
        }
        if (t->revoked() && !t->revoked_by().empty()) {
          t = kb.FindTechnique(t->revoked_by());
          if (t == nullptr) continue;
        }
        cov::v1::Procedure p;
        p.set_kind("technique");
        p.set_id(t->id());
        p.set_name(t->name());
        procedures.push_back(p);
        ids.push_back(t->id());
      }
      out.set_subject(absl::StrCat("techniques ", absl::StrJoin(ids, ", ")));
      break;
    }
    default:
      return absl::InvalidArgumentError(
          "a plan needs a subject: group, software, campaign, techniques or "
          "ctid_plan");
  }

  // Kill-chain order: earliest tactic of each technique, then ID.
  absl::flat_hash_map<std::string, int> order;
  for (const auto& t : kb.tactics()) order[t.shortname()] = t.order();
  struct Item {
    int order;
    std::string tactic;
    const cov::v1::Procedure* proc;
  };
  std::vector<Item> items;
  for (const auto& p : procedures) {
    const cov::v1::Technique* t = kb.FindTechnique(p.id());
    if (t == nullptr || t->revoked() || t->deprecated()) continue;
    Item item{1 << 20, "", &p};
    for (const auto& tac : t->tactics()) {
      auto it = order.find(tac);
      if (it != order.end() && it->second < item.order) {
        item.order = it->second;
        item.tactic = tac;
      }
    }
    items.push_back(item);
  }
  std::sort(items.begin(), items.end(), [](const Item& a, const Item& b) {
    if (a.order != b.order) return a.order < b.order;
    return a.proc->id() < b.proc->id();
  });
  int n = 0;
  for (const Item& item : items) {
    cov::v1::PlanStep* step = out.add_steps();
    step->set_order(++n);
    step->set_technique_id(item.proc->id());
    step->set_technique_name(item.proc->name());
    step->set_tactic(item.tactic);
    step->set_procedure(item.proc->description());
    Enrich(in, platform, /*replace_tests=*/true, step);
  }
  return out;
}

}  // namespace cov::server::engine
