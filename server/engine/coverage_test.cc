#include "server/engine/coverage.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace cov::server::engine {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

// Matrix: execution, persistence, defense-evasion, command-and-control.
//   T1059 (execution) with T1059.001, T1059.003 subs; process telemetry.
//   T1197 (persistence, defense-evasion); network + process telemetry.
//   T1071 (command-and-control) with T1071.001; network telemetry.
//   T1086 revoked by T1059.001; T1999 deprecated.
std::unique_ptr<KnowledgeBase> MakeKb() {
  std::vector<cov::v1::Tactic> tac(4);
  const char* names[] = {"execution", "persistence", "defense-evasion",
                         "command-and-control"};
  for (int i = 0; i < 4; ++i) {
    tac[i].set_shortname(names[i]);
    tac[i].set_id("TA000" + std::to_string(i));
    tac[i].set_order(i);
  }
  std::vector<cov::v1::Technique> t;
  auto add = [&](const std::string& id, std::vector<std::string> tactics,
                 std::vector<std::string> comps,
                 const std::string& parent = "") {
    cov::v1::Technique x;
    x.set_id(id);
    x.set_name("name of " + id);
    for (auto& s : tactics) x.add_tactics(s);
    for (auto& c : comps) x.add_data_components(c);
    x.add_platforms("Windows");
    if (!parent.empty()) {
      x.set_is_subtechnique(true);
      x.set_parent(parent);
    }
    t.push_back(x);
    return &t.back();
  };
  add("T1059", {"execution"}, {"Process Creation"});
  add("T1059.001", {"execution"}, {"Process Creation"}, "T1059");
  add("T1059.003", {"execution"}, {"Process Creation"}, "T1059");
  t[0].add_subtechniques("T1059.001");
  t[0].add_subtechniques("T1059.003");
  add("T1197", {"persistence", "defense-evasion"},
      {"Network Connection Creation", "Process Creation"});
  add("T1071", {"command-and-control"}, {"Network Traffic Content"});
  add("T1071.001", {"command-and-control"}, {"Network Traffic Content"},
      "T1071");
  t[5 - 1].add_subtechniques("T1071.001");
  add("T1086", {"execution"}, {});
  t.back().set_revoked(true);
  t.back().set_revoked_by("T1059.001");
  add("T1999", {"execution"}, {"Process Creation"});
  t.back().set_deprecated(true);
  // Users: T1197 by two groups and a software; T1071 by one group.
  auto proc = [](cov::v1::Technique* x, const std::string& kind,
                 const std::string& id) {
    auto* p = x->add_procedures();
    p->set_kind(kind);
    p->set_id(id);
    p->set_name(id + " name");
  };
  proc(&t[3], "group", "G0001");
  proc(&t[3], "group", "G0002");
  proc(&t[3], "software", "S0001");
  proc(&t[4], "group", "G0002");
  proc(&t[2], "software", "S0001");
  std::vector<cov::v1::Actor> actors(3);
  actors[0].set_id("G0001");
  actors[0].set_kind("group");
  actors[0].set_name("Alpha");
  actors[1].set_id("G0002");
  actors[1].set_kind("group");
  actors[1].set_name("Beta");
  actors[1].add_aliases("Bravo");
  actors[1].add_software()->set_id("S0001");
  actors[2].set_id("S0001");
  actors[2].set_kind("software");
  std::vector<cov::v1::DataComponent> comps(4);
  comps[0].set_id("DC0032");
  comps[0].set_name("Process Creation");
  comps[1].set_id("DC0082");
  comps[1].set_name("Network Connection Creation");
  comps[2].set_id("DC0085");
  comps[2].set_name("Network Traffic Content");
  comps[3].set_id("DC0078");
  comps[3].set_name("Network Traffic Flow");
  cov::v1::Release rel;
  rel.set_domain("enterprise-attack");
  rel.set_version("18.1");
  return std::make_unique<KnowledgeBase>("enterprise-attack@18.1", rel, tac, t,
                                         actors, comps,
                                         std::vector<cov::v1::MitigationRef>());
}

cov::v1::Rule MakeRule(const std::string& uid, std::vector<std::string> refs,
                       const std::string& source = "s1") {
  cov::v1::Rule r;
  r.set_uid(uid);
  r.set_source(source);
  r.set_enabled(true);
  r.set_format(cov::v1::RULE_FORMAT_SIGMA);
  r.set_status("stable");
  r.set_level("high");
  for (const auto& id : refs) {
    auto* ref = r.add_attack_refs();
    ref->set_id(id);
    bool technique =
        id.size() > 1 && id[0] == 'T' && id[1] >= '0' && id[1] <= '9';
    ref->set_kind(technique ? "technique" : "tactic");
  }
  return r;
}

const cov::v1::TacticCoverage& Tactic(const cov::v1::CoverageResponse& r,
                                      const std::string& name) {
  for (const auto& t : r.tactics()) {
    if (t.tactic() == name) return t;
  }
  static cov::v1::TacticCoverage none;
  ADD_FAILURE() << name;
  return none;
}

const cov::v1::TechniqueCoverage& Tech(const cov::v1::CoverageResponse& r,
                                       const std::string& id) {
  for (const auto& t : r.techniques()) {
    if (t.technique_id() == id) return t;
  }
  static cov::v1::TechniqueCoverage none;
  ADD_FAILURE() << id;
  return none;
}

class CoverageTest : public ::testing::Test {
 protected:
  CoverageTest() : kb_(MakeKb()) {}
  cov::v1::CoverageResponse Run(std::vector<cov::v1::Rule> rules,
                                CoverageQuery q = {}) {
    RuleIndex index(*kb_, {}, std::move(rules));
    return ComputeCoverage(*kb_, index, q);
  }
  std::unique_ptr<KnowledgeBase> kb_;
};

TEST_F(CoverageTest, CountsUnitsAndIgnoresInactiveTechniques) {
  auto r = Run({MakeRule("a", {"T1197"})});
  EXPECT_EQ(r.techniques_size(), 6);  // T1086 revoked, T1999 deprecated
  EXPECT_EQ(r.potential(), 6);
  EXPECT_EQ(r.covered(), 1);
  EXPECT_EQ(Tactic(r, "persistence").covered(), 1);
  EXPECT_EQ(Tactic(r, "defense-evasion").covered(), 1);
  EXPECT_EQ(Tactic(r, "execution").potential(), 3);
  EXPECT_EQ(Tactic(r, "execution").covered(), 0);
  EXPECT_DOUBLE_EQ(Tactic(r, "persistence").ratio(), 1.0);
  EXPECT_EQ(Tech(r, "T1197").rule_count(), 1);
  EXPECT_EQ(Tech(r, "T1197").evidence(), "claimed");
  EXPECT_EQ(Tech(r, "T1197").user_count(), 3);
  EXPECT_THAT(Tech(r, "T1197").used_by(),
              ElementsAre("G0001 G0001 name", "G0002 G0002 name"));
}

TEST_F(CoverageTest, SubTechniqueCoversItselfAndParentOnlyWithRollup) {
  std::vector<cov::v1::Rule> rules = {MakeRule("a", {"T1059.001"})};
  auto r = Run(rules);
  EXPECT_EQ(Tech(r, "T1059.001").rule_count(), 1);
  EXPECT_EQ(Tech(r, "T1059").rule_count(), 0);
  EXPECT_EQ(Tactic(r, "execution").covered(), 1);
  CoverageQuery q;
  q.rollup = true;
  r = Run(rules, q);
  EXPECT_TRUE(Tech(r, "T1059").covered_by_rollup());
  EXPECT_EQ(Tech(r, "T1059").evidence(), "claimed");
  EXPECT_EQ(Tactic(r, "execution").covered(), 2);
  EXPECT_EQ(r.covered(), 2);
}

TEST_F(CoverageTest, RevokedCountsForReplacementUnknownAndDeprecatedNever) {
  auto r = Run({MakeRule("a", {"T1086"}), MakeRule("b", {"T1999"}),
                MakeRule("c", {"T1690"})});
  EXPECT_EQ(Tech(r, "T1059.001").rule_count(), 1);
  EXPECT_EQ(Tech(r, "T1059.001").rules(0).uid(), "a");
  EXPECT_EQ(r.covered(), 1);
}

TEST_F(CoverageTest, TacticContext) {
  // The rule names persistence only: T1197 counts there, not under
  // defense-evasion, when tactic_context is on.
  std::vector<cov::v1::Rule> rules = {MakeRule("a", {"persistence", "T1197"})};
  auto r = Run(rules);
  EXPECT_EQ(Tactic(r, "defense-evasion").covered(), 1);
  CoverageQuery q;
  q.tactic_context = true;
  r = Run(rules, q);
  EXPECT_EQ(Tactic(r, "persistence").covered(), 1);
  EXPECT_EQ(Tactic(r, "defense-evasion").covered(), 0);
  // A tactic that fits none of the technique's tactics: counts under all.
  r = Run({MakeRule("b", {"command-and-control", "T1197"})}, q);
  EXPECT_EQ(Tactic(r, "defense-evasion").covered(), 1);
  EXPECT_EQ(Tactic(r, "persistence").covered(), 1);
}

TEST_F(CoverageTest, DisabledAndBelowFloorRulesDoNotCount) {
  cov::v1::Rule off = MakeRule("off", {"T1197"});
  off.set_enabled(false);
  cov::v1::Rule exp = MakeRule("exp", {"T1071"});
  exp.set_status("experimental");
  cov::v1::Rule low = MakeRule("low", {"T1059"});
  low.set_level("low");
  cov::v1::Rule suricata = MakeRule("sur", {"T1071.001"});
  suricata.set_format(cov::v1::RULE_FORMAT_SURICATA);
  suricata.clear_status();
  suricata.clear_level();
  CoverageQuery q;
  q.profile.min_status = StatusRank("test");
  q.profile.min_level = LevelRank("medium");
  auto r = Run({off, exp, low, suricata}, q);
  EXPECT_EQ(r.covered(), 1);  // only the Suricata rule: floors are Sigma's
  EXPECT_EQ(Tech(r, "T1071.001").rule_count(), 1);
  EXPECT_EQ(r.counting_rules(), 1);
  q = {};
  q.include_disabled = true;
  r = Run({off}, q);
  EXPECT_EQ(r.covered(), 1);
}

// Issue 15 items 2 and 3: a YARA private rule never counts (not even with
// include_disabled); rules of a file libyara rejects count only with it.
TEST_F(CoverageTest, YaraPrivateNeverCountsNonCompilingOnlyWhenAsked) {
  cov::v1::Rule priv = MakeRule("priv", {"T1197"});
  priv.set_format(cov::v1::RULE_FORMAT_YARA);
  priv.set_yara_private(true);
  cov::v1::Rule broken = MakeRule("broken", {"T1059"});
  broken.set_format(cov::v1::RULE_FORMAT_YARA);
  broken.set_enabled(false);
  broken.set_disabled_reason("file does not compile: x at line 3");
  cov::v1::Rule pub = MakeRule("pub", {"T1071"});
  pub.set_format(cov::v1::RULE_FORMAT_YARA);
  auto r = Run({priv, broken, pub});
  EXPECT_EQ(r.covered(), 1);
  EXPECT_EQ(r.counting_rules(), 1);
  EXPECT_EQ(Tech(r, "T1197").rule_count(), 0);
  CoverageQuery q;
  q.include_disabled = true;
  r = Run({priv, broken, pub}, q);
  EXPECT_EQ(r.covered(), 2);  // T1059 and T1071; T1197 still not
  EXPECT_EQ(Tech(r, "T1197").rule_count(), 0);
  EXPECT_EQ(Tech(r, "T1059").rule_count(), 1);
}

TEST_F(CoverageTest, ProfileLimitsPotentialAndSources) {
  cov::v1::Profile p;
  p.add_data_components("network traffic content");
  p.add_data_components("DC0082");
  auto resolved = ResolveProfile(*kb_, p);
  ASSERT_TRUE(resolved.ok()) << resolved.status();
  EXPECT_THAT(
      resolved->profile.data_components(),
      ElementsAre("Network Traffic Content", "Network Connection Creation"));
  CoverageQuery q;
  q.profile = *resolved;
  auto r =
      Run({MakeRule("a", {"T1059"}), MakeRule("b", {"T1071.001"}, "s2")}, q);
  EXPECT_EQ(r.potential(), 3);  // T1197, T1071, T1071.001
  EXPECT_EQ(r.covered(), 1);
  EXPECT_EQ(Tactic(r, "execution").potential(), 0);
  EXPECT_FALSE(Tech(r, "T1059").potential());
  EXPECT_EQ(Tech(r, "T1059").rule_count(), 1);  // covered, out of reach

  p.add_sources("s1");
  q.profile = *ResolveProfile(*kb_, p);
  r = Run({MakeRule("b", {"T1071.001"}, "s2")}, q);
  EXPECT_EQ(r.covered(), 0);

  cov::v1::Profile bad;
  bad.add_data_components("Netflow");
  auto st = ResolveProfile(*kb_, bad);
  EXPECT_EQ(st.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(st.status().message()),
              HasSubstr("data component 'Netflow'"));
  cov::v1::Profile bad_status;
  bad_status.set_min_status("solid");
  EXPECT_FALSE(ResolveProfile(*kb_, bad_status).ok());
}

TEST_F(CoverageTest, ByPlatformAndSource) {
  CoverageQuery q;
  q.by = "source";
  auto r = Run({MakeRule("a", {"T1059"}), MakeRule("b", {"T1197"}, "s2"),
                MakeRule("c", {"T1059"}, "s2")},
               q);
  ASSERT_EQ(r.groups_size(), 2);
  EXPECT_EQ(r.groups(0).key(), "s1");
  EXPECT_EQ(r.groups(0).covered(), 1);
  EXPECT_EQ(r.groups(1).key(), "s2");
  EXPECT_EQ(r.groups(1).covered(), 2);
  EXPECT_EQ(r.groups(1).rule_count(), 2);
  q.by = "platform";
  r = Run({MakeRule("a", {"T1059"})}, q);
  ASSERT_EQ(r.groups_size(), 1);
  EXPECT_EQ(r.groups(0).key(), "Windows");
  EXPECT_EQ(r.groups(0).potential(), 6);
  EXPECT_EQ(r.groups(0).covered(), 1);
}

TEST_F(CoverageTest, GapsRankedByUsersOrNamedGroups) {
  RuleIndex index(*kb_, {}, {MakeRule("a", {"T1059"})});
  GapsQuery q;
  auto g = ComputeGaps(*kb_, index, q);
  ASSERT_TRUE(g.ok());
  EXPECT_EQ(g->total(), 5);
  EXPECT_EQ(g->gaps(0).technique_id(), "T1197");
  EXPECT_EQ(g->gaps(0).score(), 3);
  EXPECT_EQ(g->gaps(1).technique_id(), "T1059.003");  // 1 user, ID order
  EXPECT_EQ(g->gaps(2).technique_id(), "T1071");
  q.top = 2;
  EXPECT_EQ(ComputeGaps(*kb_, index, q)->gaps_size(), 2);

  // Beta (G0002) uses T1197 and T1071 directly and T1059.003 through S0001.
  q.top = 0;
  q.groups = {"Bravo"};
  g = ComputeGaps(*kb_, index, q);
  ASSERT_TRUE(g.ok());
  std::vector<std::string> ids;
  for (const auto& gap : g->gaps()) ids.push_back(gap.technique_id());
  // All three score 1: ties go to overall use (T1197 has 3 users, the
  // others 1), then ID.
  EXPECT_THAT(ids, ElementsAre("T1197", "T1059.003", "T1071"));
  EXPECT_EQ(g->gaps(0).user_count(), 3);
  // The named group's own procedure, then its software's, then others.
  std::vector<std::string> procs;
  for (const auto& p : g->gaps(0).procedures()) procs.push_back(p.id());
  EXPECT_THAT(procs, ElementsAre("G0002", "S0001", "G0001"));
  EXPECT_THAT(g->gaps(0).named_groups(), ElementsAre("G0002 Beta"));
  EXPECT_THAT(g->gaps(1).named_groups(), ElementsAre("G0002 Beta"));
  // Without groups, named_groups stays empty.
  q.groups = {};
  EXPECT_THAT(ComputeGaps(*kb_, index, q)->gaps(0).named_groups(),
              ::testing::IsEmpty());

  q.groups = {"Nobody"};
  EXPECT_EQ(ComputeGaps(*kb_, index, q).status().code(),
            absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace cov::server::engine
