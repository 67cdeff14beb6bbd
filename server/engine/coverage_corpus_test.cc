// The Cyber Kill Chain view and group-ranked gaps on ATT&CK Enterprise 18.1
// (../shared/corpus). Every expectation is computed here from the bundle's
// JSON (objects and `uses` relationships), not from the engine's model.
#include <algorithm>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/match.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "ingest/attack/stix_bundle.h"
#include "server/engine/coverage.h"
#include "server/engine/knowledge_base.h"
#include "server/engine/rule_index.h"
#include "simdjson.h"
#include "tests/corpus.h"

namespace cov::server::engine {
namespace {

using ::testing::ElementsAre;
using ::testing::ElementsAreArray;

struct Obj {
  std::string type;
  std::string attack_id;
  std::string name;
  bool active = true;  // neither revoked nor deprecated
  std::vector<std::string> tactics;
};

struct Fixture {
  std::unique_ptr<KnowledgeBase> kb;
  absl::flat_hash_map<std::string, Obj> objects;  // by STIX ID
  // Active `uses` relationships: source STIX ID -> target STIX IDs.
  std::map<std::string, std::set<std::string>> uses;
};

std::string Text(simdjson::dom::element o, const char* key) {
  std::string_view v;
  return o[key].get(v) == simdjson::SUCCESS ? std::string(v) : "";
}

bool Flag(simdjson::dom::element o, const char* key) {
  bool v = false;
  return o[key].get(v) == simdjson::SUCCESS && v;
}

const Fixture& Load() {
  static const Fixture* const f = [] {
    auto* fx = new Fixture;
    auto path = cov::testing::CorpusPath("attack/enterprise-attack-18.1.json");
    EXPECT_TRUE(path.ok()) << path.status();
    if (!path.ok()) return fx;
    auto bytes = cov::testing::ReadFileToString(*path);
    EXPECT_TRUE(bytes.ok()) << bytes.status();
    if (!bytes.ok()) return fx;
    ingest::attack::ParseOptions opts;
    opts.file_name = "enterprise-attack-18.1.json";
    auto parsed = ingest::attack::ParseBundle(*bytes, opts);
    EXPECT_TRUE(parsed.ok()) << parsed.status();
    if (!parsed.ok()) return fx;
    fx->kb = std::make_unique<KnowledgeBase>(
        "enterprise-attack@18.1", parsed->release,
        std::vector<cov::v1::Tactic>(parsed->tactics.begin(),
                                     parsed->tactics.end()),
        std::vector<cov::v1::Technique>(parsed->techniques.begin(),
                                        parsed->techniques.end()),
        std::vector<cov::v1::Actor>(parsed->actors.begin(),
                                    parsed->actors.end()),
        std::vector<cov::v1::DataComponent>(parsed->data_components.begin(),
                                            parsed->data_components.end()),
        std::vector<cov::v1::MitigationRef>(parsed->mitigations.begin(),
                                            parsed->mitigations.end()));

    simdjson::dom::parser parser;
    simdjson::dom::element doc;
    EXPECT_EQ(parser.parse(bytes->data(), bytes->size()).get(doc),
              simdjson::SUCCESS);
    simdjson::dom::array objects;
    EXPECT_EQ(doc["objects"].get(objects), simdjson::SUCCESS);
    struct Rel {
      std::string source, target;
    };
    std::vector<Rel> rels;
    for (simdjson::dom::element o : objects) {
      const bool active = !Flag(o, "revoked") && !Flag(o, "x_mitre_deprecated");
      const std::string type = Text(o, "type");
      if (type == "relationship") {
        if (active && Text(o, "relationship_type") == "uses") {
          rels.push_back({Text(o, "source_ref"), Text(o, "target_ref")});
        }
        continue;
      }
      Obj obj;
      obj.type = type;
      obj.name = Text(o, "name");
      obj.active = active;
      simdjson::dom::array refs;
      if (o["external_references"].get(refs) == simdjson::SUCCESS) {
        for (simdjson::dom::element r : refs) {
          if (Text(r, "source_name") == "mitre-attack") {
            obj.attack_id = Text(r, "external_id");
          }
        }
      }
      simdjson::dom::array phases;
      if (o["kill_chain_phases"].get(phases) == simdjson::SUCCESS) {
        for (simdjson::dom::element p : phases) {
          if (Text(p, "kill_chain_name") == "mitre-attack") {
            obj.tactics.push_back(Text(p, "phase_name"));
          }
        }
      }
      fx->objects[Text(o, "id")] = std::move(obj);
    }
    for (const Rel& r : rels) {
      auto s = fx->objects.find(r.source);
      auto t = fx->objects.find(r.target);
      if (s == fx->objects.end() || t == fx->objects.end()) continue;
      if (!s->second.active || !t->second.active) continue;
      fx->uses[r.source].insert(r.target);
    }
    return fx;
  }();
  return *f;
}

bool IsTechnique(const Obj& o) {
  return o.type == "attack-pattern" && o.active && !o.attack_id.empty();
}

bool IsUser(const Obj& o) {
  return o.active && (o.type == "intrusion-set" || o.type == "malware" ||
                      o.type == "tool" || o.type == "campaign");
}

// The table, written out again independently of killchain.cc.
int Phase(const std::string& tactic) {
  static const std::map<std::string, int> table = {
      {"reconnaissance", 0},    {"resource-development", 1},
      {"initial-access", 2},    {"execution", 3},
      {"persistence", 4},       {"privilege-escalation", 4},
      {"defense-evasion", 4},   {"command-and-control", 5},
      {"credential-access", 6}, {"discovery", 6},
      {"lateral-movement", 6},  {"collection", 6},
      {"exfiltration", 6},      {"impact", 6}};
  auto it = table.find(tactic);
  EXPECT_NE(it, table.end()) << "unexpected 18.1 tactic " << tactic;
  return it == table.end() ? 6 : it->second;
}

// Covered set for the test: every active technique whose ID has an even
// last digit (a deterministic, mixed selection across phases).
bool Chosen(const std::string& id) { return (id.back() - '0') % 2 == 0; }

TEST(CoverageCorpusTest, KillChainPhasesOnEnterprise18) {
  const Fixture& fx = Load();
  ASSERT_NE(fx.kb, nullptr);
  int expected_potential[7] = {}, expected_covered[7] = {};
  int per_tactic_sum = 0;
  std::vector<RuleFacts> facts;
  for (const auto& [stix_id, o] : fx.objects) {
    if (!IsTechnique(o)) continue;
    std::set<int> phases;
    for (const auto& t : o.tactics) phases.insert(Phase(t));
    per_tactic_sum += static_cast<int>(o.tactics.size());
    for (int p : phases) {
      ++expected_potential[p];
      expected_covered[p] += Chosen(o.attack_id);
    }
    if (Chosen(o.attack_id)) {
      RuleFacts r;
      r.uid = "rule-" + o.attack_id;
      r.source = "test";
      r.techniques = {o.attack_id};
      facts.push_back(std::move(r));
    }
  }
  RuleIndex rules(std::move(facts));
  CoverageQuery q;
  q.by = "killchain";
  q.summary = true;
  const cov::v1::CoverageResponse r = ComputeCoverage(*fx.kb, rules, q);
  ASSERT_EQ(r.phases_size(), 7);
  int phase_sum = 0;
  for (int p = 0; p < 7; ++p) {
    SCOPED_TRACE(r.phases(p).phase());
    EXPECT_EQ(r.phases(p).potential(), expected_potential[p]);
    EXPECT_EQ(r.phases(p).covered(), expected_covered[p]);
    phase_sum += r.phases(p).potential();
  }
  // Figures of the release (ATT&CK 18.1), as computed above.
  EXPECT_GT(expected_potential[4], 0);
  EXPECT_LT(phase_sum, per_tactic_sum);  // multi-tactic techniques once
  EXPECT_THAT(
      r.phases(4).tactics(),
      ElementsAre("persistence", "privilege-escalation", "defense-evasion"));
  EXPECT_THAT(r.phases(6).tactics(),
              ElementsAre("credential-access", "discovery", "lateral-movement",
                          "collection", "exfiltration", "impact"));
  std::printf("18.1 kill chain (potential/covered):");
  for (int p = 0; p < 7; ++p) {
    std::printf(" %s %d/%d", r.phases(p).phase().c_str(),
                r.phases(p).potential(), r.phases(p).covered());
  }
  std::printf("\n");
}

// Groups (by name) -> STIX IDs; techniques a set of groups uses directly or
// through their software, with the named groups using each.
struct GroupUse {
  std::map<std::string, std::set<std::string>> named;  // ATT&CK ID -> groups
  std::set<std::string> software;                      // their software IDs
  std::set<std::string> own;  // techniques used directly by a named group
};

GroupUse UseOf(const Fixture& fx, const std::vector<std::string>& names) {
  GroupUse out;
  for (const auto& [stix_id, o] : fx.objects) {
    if (o.type != "intrusion-set" || !o.active) continue;
    if (std::find(names.begin(), names.end(), o.name) == names.end()) continue;
    const std::string label = o.attack_id + " " + o.name;
    auto it = fx.uses.find(stix_id);
    if (it == fx.uses.end()) continue;
    for (const std::string& target : it->second) {
      const Obj& t = fx.objects.at(target);
      if (IsTechnique(t)) {
        out.named[t.attack_id].insert(label);
        out.own.insert(t.attack_id);
      } else if (t.type == "malware" || t.type == "tool") {
        out.software.insert(t.attack_id);
        auto sw = fx.uses.find(target);
        if (sw == fx.uses.end()) continue;
        for (const std::string& st : sw->second) {
          const Obj& tech = fx.objects.at(st);
          if (IsTechnique(tech)) out.named[tech.attack_id].insert(label);
        }
      }
    }
  }
  return out;
}

// Distinct active groups, software and campaigns using each technique.
std::map<std::string, int> UserCounts(const Fixture& fx) {
  std::map<std::string, std::set<std::string>> users;
  for (const auto& [source, targets] : fx.uses) {
    const Obj& s = fx.objects.at(source);
    if (!IsUser(s)) continue;
    for (const std::string& t : targets) {
      const Obj& tech = fx.objects.at(t);
      if (IsTechnique(tech)) users[tech.attack_id].insert(s.attack_id);
    }
  }
  std::map<std::string, int> out;
  for (const auto& [id, u] : users) out[id] = static_cast<int>(u.size());
  return out;
}

TEST(CoverageCorpusTest, GapsForApt28RankTiesByOverallUse) {
  const Fixture& fx = Load();
  ASSERT_NE(fx.kb, nullptr);
  const GroupUse use = UseOf(fx, {"APT28"});
  ASSERT_FALSE(use.named.empty());
  const std::map<std::string, int> counts = UserCounts(fx);
  // No rules: every technique APT28 uses is a gap of score 1.
  std::vector<std::string> expected;
  for (const auto& [id, groups] : use.named) expected.push_back(id);
  auto count = [&](const std::string& id) {
    auto it = counts.find(id);
    return it == counts.end() ? 0 : it->second;
  };
  std::sort(expected.begin(), expected.end(),
            [&](const std::string& a, const std::string& b) {
              if (count(a) != count(b)) return count(a) > count(b);
              return a < b;
            });

  RuleIndex rules(std::vector<RuleFacts>{});
  GapsQuery q;
  q.groups = {"APT28"};
  q.procedures_per_gap = -1;
  auto g = ComputeGaps(*fx.kb, rules, q);
  ASSERT_TRUE(g.ok()) << g.status();
  std::vector<std::string> ids;
  for (const cov::v1::Gap& gap : g->gaps()) {
    ids.push_back(gap.technique_id());
    SCOPED_TRACE(gap.technique_id());
    EXPECT_EQ(gap.score(), 1);
    EXPECT_EQ(gap.user_count(), count(gap.technique_id()));
    EXPECT_THAT(gap.named_groups(), ElementsAre("G0007 APT28"));
    ASSERT_GT(gap.procedures_size(), 0);
    // APT28's own procedure first when it uses the technique itself, else
    // one of its software's.
    if (use.own.count(gap.technique_id())) {
      EXPECT_EQ(gap.procedures(0).id(), "G0007");
    } else {
      EXPECT_TRUE(use.software.count(gap.procedures(0).id()))
          << gap.procedures(0).id();
    }
  }
  EXPECT_THAT(ids, ElementsAreArray(expected));
  EXPECT_EQ(g->total(), static_cast<int>(expected.size()));
  std::printf("APT28: %zu gaps; first %s (%d users), last %s (%d users)\n",
              ids.size(), ids.front().c_str(), count(ids.front()),
              ids.back().c_str(), count(ids.back()));
}

TEST(CoverageCorpusTest, GapsForTwoGroupsCarryWhichGroupsUseEach) {
  const Fixture& fx = Load();
  ASSERT_NE(fx.kb, nullptr);
  const GroupUse use = UseOf(fx, {"APT28", "APT29"});
  RuleIndex rules(std::vector<RuleFacts>{});
  GapsQuery q;
  q.groups = {"APT28", "G0016"};  // by name and by ID
  auto g = ComputeGaps(*fx.kb, rules, q);
  ASSERT_TRUE(g.ok()) << g.status();
  ASSERT_EQ(g->gaps_size(), static_cast<int>(use.named.size()));
  int both = 0;
  double last_score = 3;
  for (const cov::v1::Gap& gap : g->gaps()) {
    SCOPED_TRACE(gap.technique_id());
    const auto it = use.named.find(gap.technique_id());
    ASSERT_NE(it, use.named.end());
    EXPECT_THAT(gap.named_groups(), ElementsAreArray(it->second));
    EXPECT_EQ(gap.score(), static_cast<double>(it->second.size()));
    EXPECT_LE(gap.score(), last_score);
    last_score = gap.score();
    both += it->second.size() == 2;
  }
  EXPECT_GT(both, 0);
  // The ones both use come first.
  EXPECT_EQ(g->gaps(0).named_groups_size(), 2);
  std::printf("APT28+APT29: %d gaps, %d used by both\n", g->gaps_size(), both);
}

}  // namespace
}  // namespace cov::server::engine
