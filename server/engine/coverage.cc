#include "server/engine/coverage.h"

#include <algorithm>
#include <map>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "server/engine/killchain.h"

namespace cov::server::engine {
namespace {

constexpr int kDefaultRulesPerTechnique = 20;
constexpr int kDefaultProceduresPerGap = 10;

bool IsActive(const cov::v1::Technique& t) {
  return !t.revoked() && !t.deprecated();
}

double Ratio(int covered, int potential) {
  return potential == 0 ? 0.0 : static_cast<double>(covered) / potential;
}

// Per-technique result of one evaluation.
struct TechState {
  const cov::v1::Technique* technique = nullptr;
  bool potential = false;
  bool direct = false;           // a counting rule names it
  bool rollup = false;           // covered only through a sub-technique
  uint32_t covered_tactics = 0;  // bits as KnowledgeBase::TacticMask
  std::vector<int> rules;        // counting rules naming it directly
};

struct Evaluation {
  std::vector<TechState> states;  // active techniques, sorted by ID
  absl::flat_hash_map<std::string, int> index;
  std::vector<bool> counting;  // per rule of the index
  int counting_rules = 0;
};

bool RuleCounts(const RuleFacts& r, const CoverageQuery& q) {
  if (!r.enabled && !q.include_disabled) return false;
  // Neither detects anything on its own.
  if (r.is_correlation || r.yara_private) return false;
  const ResolvedProfile& p = q.profile;
  if (!p.sources.empty() && !p.sources.contains(r.source)) return false;
  if (r.format == cov::v1::RULE_FORMAT_SIGMA) {
    if (p.min_status > 0 && StatusRank(r.status) < p.min_status) return false;
    if (p.min_level > 0 && LevelRank(r.level) < p.min_level) return false;
  }
  return true;
}

bool InReach(const KnowledgeBase& kb, size_t ti, const ResolvedProfile& p) {
  if (!p.platforms.empty()) {
    bool any = false;
    for (const auto& pl : kb.LowerPlatforms(ti))
      any |= p.platforms.contains(pl);
    if (!any) return false;
  }
  if (p.components.empty()) return true;
  for (const auto& c : kb.LowerComponents(ti)) {
    if (p.components.contains(c)) return true;
  }
  return false;
}

Evaluation Evaluate(const KnowledgeBase& kb, const RuleIndex& rules,
                    const CoverageQuery& q) {
  Evaluation ev;
  ev.counting.resize(rules.rules().size());
  for (size_t i = 0; i < rules.rules().size(); ++i) {
    ev.counting[i] = RuleCounts(rules.rules()[i], q);
    ev.counting_rules += ev.counting[i];
  }
  for (const cov::v1::Technique& t : kb.techniques()) {
    if (!IsActive(t)) continue;
    TechState s;
    s.technique = &t;
    const size_t ti = kb.IndexOf(&t);
    const uint32_t mask = kb.TacticMask(ti);
    s.potential = InReach(kb, ti, q.profile);
    bool all_tactics = false;  // every tactic already inserted
    for (int r : rules.RulesFor(t.id())) {
      if (!ev.counting[r]) continue;
      s.direct = true;
      s.rules.push_back(r);
      const RuleFacts& rf = rules.rules()[r];
      bool applied = false;
      if (q.tactic_context && !rf.tactics.empty()) {
        uint32_t named = 0;
        for (const auto& tac : rf.tactics) named |= kb.TacticBit(tac);
        if ((named & mask) != 0) {
          s.covered_tactics |= named & mask;
          applied = true;
        }
      }
      if (!applied && !all_tactics) {
        s.covered_tactics |= mask;
        all_tactics = true;
      }
    }
    if (q.min_evidence == "validated" &&
        (q.evidence == nullptr ||
         q.evidence->Tier(t.id(), s.direct, rules) != "validated")) {
      s.direct = false;
      s.covered_tactics = 0;
    }
    ev.index[t.id()] = static_cast<int>(ev.states.size());
    ev.states.push_back(std::move(s));
  }
  if (q.rollup) {
    for (TechState& parent : ev.states) {
      if (parent.technique->is_subtechnique()) continue;
      for (const auto& sub_id : parent.technique->subtechniques()) {
        auto it = ev.index.find(sub_id);
        if (it == ev.index.end()) continue;
        const TechState& sub = ev.states[it->second];
        if (!sub.direct) continue;
        if (!parent.direct) parent.rollup = true;
        parent.covered_tactics |=
            sub.covered_tactics & kb.TacticMask(kb.IndexOf(parent.technique));
      }
    }
  }
  return ev;
}

bool Covered(const TechState& s) { return s.direct || s.rollup; }

// Counts a unit in reach under each of its tactics (potential, covered).
void AddTactics(const KnowledgeBase& kb, const cov::v1::Technique& t,
                const TechState& s,
                std::vector<std::pair<int, int>>* per_tactic) {
  uint32_t mask = kb.TacticMask(kb.IndexOf(&t));
  for (size_t k = 0; k < per_tactic->size(); ++k) {
    if ((mask & (1u << k)) == 0) continue;
    ++(*per_tactic)[k].first;
    (*per_tactic)[k].second += (s.covered_tactics & (1u << k)) != 0;
  }
}

// Fills out->phases: per Cyber Kill Chain phase, the units in reach with a
// tactic in it and those covered under one of its tactics, each counted once.
void AddKillChainPhases(const KnowledgeBase& kb, const Evaluation& ev,
                        cov::v1::CoverageResponse* out) {
  const auto phases = KillChainPhases();
  std::vector<uint32_t> tactic_bits(phases.size(), 0);
  std::vector<std::vector<std::string>> names(phases.size());
  for (size_t k = 0; k < kb.tactics().size() && k < 32; ++k) {
    const std::string& shortname = kb.tactics()[k].shortname();
    const int p = KillChainPhaseOf(shortname);
    tactic_bits[p] |= 1u << k;
    names[p].push_back(shortname);
  }
  std::vector<std::pair<int, int>> counts(phases.size());
  for (const TechState& s : ev.states) {
    if (!s.potential) continue;
    const uint32_t mask = kb.TacticMask(kb.IndexOf(s.technique));
    for (size_t p = 0; p < phases.size(); ++p) {
      if ((mask & tactic_bits[p]) == 0) continue;
      ++counts[p].first;
      counts[p].second += (s.covered_tactics & tactic_bits[p]) != 0;
    }
  }
  out->set_killchain_mapping(std::string(kKillChainMappingVersion));
  for (size_t p = 0; p < phases.size(); ++p) {
    cov::v1::PhaseCoverage* pc = out->add_phases();
    pc->set_phase(std::string(phases[p].key));
    pc->set_order(static_cast<int>(p) + 1);
    pc->set_name(std::string(phases[p].name));
    for (const std::string& n : names[p]) pc->add_tactics(n);
    pc->set_potential(counts[p].first);
    pc->set_covered(counts[p].second);
    pc->set_ratio(Ratio(counts[p].second, counts[p].first));
  }
}

}  // namespace

int StatusRank(absl::string_view status) {
  std::string s = absl::AsciiStrToLower(status);
  if (s == "experimental") return 1;
  if (s == "test" || s == "testing") return 2;
  if (s == "stable") return 3;
  return 0;
}

int LevelRank(absl::string_view level) {
  std::string s = absl::AsciiStrToLower(level);
  if (s == "informational") return 1;
  if (s == "low") return 2;
  if (s == "medium") return 3;
  if (s == "high") return 4;
  if (s == "critical") return 5;
  return 0;
}

absl::StatusOr<ResolvedProfile> ResolveProfile(
    const KnowledgeBase& kb, const cov::v1::Profile& profile) {
  ResolvedProfile out;
  out.profile = profile;
  out.profile.clear_data_components();
  absl::flat_hash_map<std::string, std::string> by_key;
  for (const auto& c : kb.components()) {
    by_key[absl::AsciiStrToLower(c.name())] = c.name();
    if (!c.id().empty()) by_key[absl::AsciiStrToLower(c.id())] = c.name();
  }
  for (const std::string& c : profile.data_components()) {
    auto it = by_key.find(absl::AsciiStrToLower(absl::StripAsciiWhitespace(c)));
    if (it == by_key.end()) {
      return absl::InvalidArgumentError(
          absl::StrCat("profile names data component '", c, "', which ATT&CK ",
                       kb.release_key(),
                       " does not have (see `cov search --kind "
                       "data-component TEXT`)"));
    }
    if (out.components.insert(absl::AsciiStrToLower(it->second)).second) {
      out.profile.add_data_components(it->second);
    }
  }
  for (const std::string& p : profile.platforms()) {
    out.platforms.insert(absl::AsciiStrToLower(p));
  }
  for (const std::string& s : profile.sources()) out.sources.insert(s);
  if (!profile.min_status().empty()) {
    out.min_status = StatusRank(profile.min_status());
    if (out.min_status == 0) {
      return absl::InvalidArgumentError(
          absl::StrCat("min_status '", profile.min_status(),
                       "' is not experimental, test or stable"));
    }
  }
  if (!profile.min_level().empty()) {
    out.min_level = LevelRank(profile.min_level());
    if (out.min_level == 0) {
      return absl::InvalidArgumentError(absl::StrCat(
          "min_level '", profile.min_level(),
          "' is not informational, low, medium, high or critical"));
    }
  }
  return out;
}

cov::v1::CoverageResponse ComputeCoverage(const KnowledgeBase& kb,
                                          const RuleIndex& rules,
                                          const CoverageQuery& q) {
  Evaluation ev = Evaluate(kb, rules, q);
  cov::v1::CoverageResponse out;
  out.mutable_release()->set_domain(kb.release().domain());
  out.mutable_release()->set_version(kb.release().version());
  *out.mutable_profile() = q.profile.profile;
  out.set_counting_rules(ev.counting_rules);
  const int limit = q.rules_per_technique == 0 ? kDefaultRulesPerTechnique
                                               : q.rules_per_technique;

  // Per tactic (by kill-chain index): potential, covered.
  std::vector<std::pair<int, int>> per_tactic(
      std::min<size_t>(kb.tactics().size(), 32));
  int potential = 0, covered = 0;
  for (const TechState& s : ev.states) {
    const cov::v1::Technique& t = *s.technique;
    if (q.summary) {
      // Per-tactic totals only: a full reply lists ~700 techniques
      // (555 KB); the summary is under 1 KB.
      if (!s.potential) continue;
      ++potential;
      covered += Covered(s);
      AddTactics(kb, t, s, &per_tactic);
      continue;
    }
    cov::v1::TechniqueCoverage* tc = out.add_techniques();
    tc->set_technique_id(t.id());
    tc->set_name(t.name());
    *tc->mutable_tactics() = t.tactics();
    tc->set_parent(t.parent());
    tc->set_potential(s.potential);
    tc->set_rule_count(static_cast<int>(s.rules.size()));
    tc->set_covered_by_rollup(s.rollup);
    tc->set_evidence(q.evidence != nullptr
                         ? q.evidence->Tier(t.id(), !s.rules.empty(), rules)
                         : (s.rules.empty() && !s.rollup ? "" : "claimed"));
    *tc->mutable_data_components() = t.data_components();
    *tc->mutable_platforms() = t.platforms();
    const size_t ti = kb.IndexOf(&t);
    tc->set_user_count(kb.UserCount(ti));
    for (const auto& u : kb.UsedBy(ti)) tc->add_used_by(u);
    for (size_t i = 0;
         i < s.rules.size() && (limit < 0 || static_cast<int>(i) < limit);
         ++i) {
      const RuleFacts& r = rules.rules()[s.rules[i]];
      cov::v1::RuleRef* ref = tc->add_rules();
      ref->set_uid(r.uid);
      ref->set_source(r.source);
      ref->set_title(r.title);
      ref->set_status(r.status);
    }
    if (!s.potential) continue;
    ++potential;
    covered += Covered(s);
    AddTactics(kb, t, s, &per_tactic);
  }
  for (size_t k = 0; k < kb.tactics().size(); ++k) {
    const cov::v1::Tactic& tactic = kb.tactics()[k];
    cov::v1::TacticCoverage* tc = out.add_tactics();
    tc->set_tactic(tactic.shortname());
    tc->set_tactic_id(tactic.id());
    tc->set_name(tactic.name());
    int p = k < per_tactic.size() ? per_tactic[k].first : 0;
    int c = k < per_tactic.size() ? per_tactic[k].second : 0;
    tc->set_potential(p);
    tc->set_covered(c);
    tc->set_ratio(Ratio(c, p));
  }
  out.set_potential(potential);
  out.set_covered(covered);
  out.set_ratio(Ratio(covered, potential));

  if (q.by == "killchain") {
    AddKillChainPhases(kb, ev, &out);
  } else if (q.by == "platform") {
    std::map<std::string, std::pair<int, int>> per_platform;
    std::map<std::string, int> rules_per_platform;
    for (const TechState& s : ev.states) {
      if (!s.potential) continue;
      for (const auto& pl : s.technique->platforms()) {
        auto& pc = per_platform[pl];
        ++pc.first;
        pc.second += Covered(s);
        rules_per_platform[pl] += static_cast<int>(s.rules.size());
      }
    }
    for (const auto& [key, pc] : per_platform) {
      cov::v1::GroupCoverage* g = out.add_groups();
      g->set_key(key);
      g->set_potential(pc.first);
      g->set_covered(pc.second);
      g->set_ratio(Ratio(pc.second, pc.first));
      g->set_rule_count(rules_per_platform[key]);
    }
  } else if (q.by == "source") {
    std::map<std::string, absl::flat_hash_set<std::string>> covered_by;
    std::map<std::string, int> rule_counts;
    for (size_t i = 0; i < rules.rules().size(); ++i) {
      if (ev.counting[i]) ++rule_counts[rules.rules()[i].source];
    }
    for (const TechState& s : ev.states) {
      if (!s.potential) continue;
      for (int r : s.rules) {
        covered_by[rules.rules()[r].source].insert(s.technique->id());
      }
    }
    if (q.rollup) {
      for (const TechState& s : ev.states) {
        if (!s.potential || s.technique->is_subtechnique()) continue;
        for (auto& [source, set] : covered_by) {
          for (const auto& sub : s.technique->subtechniques()) {
            if (set.contains(sub)) {
              set.insert(s.technique->id());
              break;
            }
          }
        }
      }
    }
    for (const auto& [source, n] : rule_counts) {
      cov::v1::GroupCoverage* g = out.add_groups();
      g->set_key(source);
      g->set_potential(potential);
      int c = static_cast<int>(covered_by[source].size());
      g->set_covered(c);
      g->set_ratio(Ratio(c, potential));
      g->set_rule_count(n);
    }
  }
  return out;
}

absl::StatusOr<cov::v1::GapsResponse> ComputeGaps(const KnowledgeBase& kb,
                                                  const RuleIndex& rules,
                                                  const GapsQuery& q) {
  // The named groups and the software they use (a group "uses" a technique
  // directly or through its software).
  absl::flat_hash_set<std::string> ranking_ids;
  for (const std::string& g : q.groups) {
    const cov::v1::Actor* a = kb.FindActor(g);
    if (a == nullptr || a->kind() != "group") {
      return absl::NotFoundError(
          absl::StrCat("no group '", g, "' in ATT&CK ", kb.release_key(),
                       " (use an ID like G0007, a name or an alias)"));
    }
    ranking_ids.insert(a->id());
  }
  absl::flat_hash_map<std::string, absl::flat_hash_set<std::string>>
      software_of;  // software ID -> named groups using it
  for (const std::string& gid : ranking_ids) {
    const cov::v1::Actor* a = kb.FindActor(gid);
    for (const auto& sw : a->software()) software_of[sw.id()].insert(gid);
  }

  Evaluation ev = Evaluate(kb, rules, q.coverage);
  cov::v1::GapsResponse out;
  out.mutable_release()->set_domain(kb.release().domain());
  out.mutable_release()->set_version(kb.release().version());
  *out.mutable_profile() = q.coverage.profile.profile;
  const int proc_limit = q.procedures_per_gap == 0 ? kDefaultProceduresPerGap
                                                   : q.procedures_per_gap;
  struct Ranked {
    double score;
    int user_count;
    const TechState* state;
    std::vector<std::string> named;  // named groups using it, sorted
  };
  std::vector<Ranked> ranked;
  int potential = 0, covered = 0;
  for (const TechState& s : ev.states) {
    if (!s.potential) continue;
    ++potential;
    if (Covered(s)) {
      ++covered;
      continue;
    }
    const int user_count = kb.UserCount(kb.IndexOf(s.technique));
    double score = user_count;
    std::vector<std::string> named;
    if (!ranking_ids.empty()) {
      absl::flat_hash_set<std::string> users;
      for (const auto& p : s.technique->procedures()) {
        if (ranking_ids.contains(p.id())) users.insert(p.id());
        auto sw = software_of.find(p.id());
        if (sw != software_of.end()) {
          users.insert(sw->second.begin(), sw->second.end());
        }
      }
      score = static_cast<double>(users.size());
      if (score == 0) continue;  // not used by the named groups
      named.assign(users.begin(), users.end());
      std::sort(named.begin(), named.end());
    }
    ranked.push_back({score, user_count, &s, std::move(named)});
  }
  out.set_potential(potential);
  out.set_covered(covered);
  // Ties between named-group scores go to the technique more used overall
  // (without groups the score already is the overall use).
  std::sort(ranked.begin(), ranked.end(), [](const Ranked& a, const Ranked& b) {
    if (a.score != b.score) return a.score > b.score;
    if (a.user_count != b.user_count) return a.user_count > b.user_count;
    return a.state->technique->id() < b.state->technique->id();
  });
  out.set_total(static_cast<int>(ranked.size()));
  for (size_t i = 0; i < ranked.size(); ++i) {
    if (q.top > 0 && static_cast<int>(i) >= q.top) break;
    const cov::v1::Technique& t = *ranked[i].state->technique;
    cov::v1::Gap* g = out.add_gaps();
    g->set_technique_id(t.id());
    g->set_name(t.name());
    g->set_score(ranked[i].score);
    g->set_user_count(ranked[i].user_count);
    for (const std::string& gid : ranked[i].named) {
      g->add_named_groups(absl::StrCat(gid, " ", kb.FindActor(gid)->name()));
    }
    *g->mutable_tactics() = t.tactics();
    *g->mutable_data_components() = t.data_components();
    *g->mutable_detection_strategies() = t.detection_strategies();
    *g->mutable_platforms() = t.platforms();
    g->set_url(t.url());
    g->set_parent(t.parent());
    g->set_detection(t.detection());
    // The named groups' own procedures first, then their software's, then
    // other groups, campaigns and software; each by ID.
    std::vector<const cov::v1::Procedure*> procs;
    for (const auto& p : t.procedures()) procs.push_back(&p);
    auto rank = [&](const cov::v1::Procedure* p) {
      if (ranking_ids.contains(p->id())) return 0;
      if (software_of.contains(p->id())) return 1;
      if (p->kind() == "group") return 2;
      if (p->kind() == "campaign") return 3;
      return 4;
    };
    std::stable_sort(procs.begin(), procs.end(),
                     [&](const auto* a, const auto* b) {
                       const int ra = rank(a), rb = rank(b);
                       if (ra != rb) return ra < rb;
                       return a->id() < b->id();
                     });
    for (size_t j = 0; j < procs.size(); ++j) {
      if (proc_limit >= 0 && static_cast<int>(j) >= proc_limit) break;
      *g->add_procedures() = *procs[j];
    }
    for (const auto& ref : t.references()) {
      if (!ref.url().empty()) *g->add_references() = ref;
    }
  }
  return out;
}

}  // namespace cov::server::engine
