#include "server/engine/killchain.h"

#include <fstream>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/engine/coverage.h"
#include "server/engine/rule_index.h"

namespace cov::server::engine {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

TEST(KillChainTest, SevenPhasesInOrder) {
  std::vector<std::string> names;
  for (const KillChainPhase& p : KillChainPhases()) {
    names.emplace_back(p.name);
  }
  EXPECT_THAT(names,
              ElementsAre("Reconnaissance", "Weaponization", "Delivery",
                          "Exploitation", "Installation", "Command and Control",
                          "Actions on Objectives"));
  EXPECT_EQ(KillChainPhases()[4].key, "installation");
}

TEST(KillChainTest, EveryDocumentedLine) {
  EXPECT_EQ(KillChainPhaseOf("reconnaissance"), 0);
  EXPECT_EQ(KillChainPhaseOf("resource-development"), 1);
  EXPECT_EQ(KillChainPhaseOf("initial-access"), 2);
  EXPECT_EQ(KillChainPhaseOf("execution"), 3);
  for (const char* t :
       {"persistence", "privilege-escalation", "defense-evasion", "stealth",
        "defense-impairment", "evasion"}) {
    EXPECT_EQ(KillChainPhaseOf(t), 4) << t;
  }
  EXPECT_EQ(KillChainPhaseOf("command-and-control"), 5);
  for (const char* t :
       {"credential-access", "discovery", "lateral-movement", "collection",
        "exfiltration", "impact", "inhibit-response-function",
        "impair-process-control", "network-effects", "remote-service-effects",
        "no-such-tactic", ""}) {
    EXPECT_EQ(KillChainPhaseOf(t), 6) << t;
  }
  // Shortnames are matched exactly, as ATT&CK spells them.
  EXPECT_EQ(KillChainPhaseOf("Persistence"), 6);
}

// A small release: tactics across five phases, v19's stealth included.
//   T1001 persistence + privilege-escalation  (Installation twice)
//   T1002 execution + persistence
//   T1003 defense-evasion + stealth
//   T1004 exfiltration + impact               (Actions twice)
//   T1005 reconnaissance; T1006 command-and-control, outside the profile
//   T1007 revoked (never counts)
//   T1008 persistence, sub-technique T1008.001 (persistence)
KnowledgeBase MakeKb() {
  const std::vector<std::string> shortnames = {
      "reconnaissance",       "execution",       "persistence",
      "privilege-escalation", "defense-evasion", "stealth",
      "command-and-control",  "exfiltration",    "impact"};
  std::vector<cov::v1::Tactic> tactics;
  for (size_t i = 0; i < shortnames.size(); ++i) {
    cov::v1::Tactic t;
    t.set_shortname(shortnames[i]);
    t.set_id("TA01" + std::to_string(10 + i));
    t.set_order(static_cast<int>(i));
    tactics.push_back(t);
  }
  std::vector<cov::v1::Technique> techniques;
  auto add = [&](const std::string& id, std::vector<std::string> tacs,
                 const std::string& component = "Process Creation") {
    cov::v1::Technique t;
    t.set_id(id);
    t.set_name("name of " + id);
    for (const auto& s : tacs) t.add_tactics(s);
    t.add_data_components(component);
    techniques.push_back(t);
    return &techniques.back();
  };
  add("T1001", {"persistence", "privilege-escalation"});
  add("T1002", {"execution", "persistence"});
  add("T1003", {"defense-evasion", "stealth"});
  add("T1004", {"exfiltration", "impact"});
  add("T1005", {"reconnaissance"});
  add("T1006", {"command-and-control"}, "Network Traffic Content");
  add("T1007", {"persistence"})->set_revoked(true);
  add("T1008", {"persistence"})->add_subtechniques("T1008.001");
  cov::v1::Technique* sub = add("T1008.001", {"persistence"});
  sub->set_is_subtechnique(true);
  sub->set_parent("T1008");
  std::vector<cov::v1::DataComponent> comps(2);
  comps[0].set_name("Process Creation");
  comps[1].set_name("Network Traffic Content");
  cov::v1::Release rel;
  rel.set_domain("enterprise-attack");
  rel.set_version("19.0");
  return KnowledgeBase("enterprise-attack@19.0", rel, tactics, techniques, {},
                       comps, {});
}

RuleFacts Rule(const std::string& uid, std::vector<std::string> techniques,
               std::vector<std::string> tactics = {}) {
  RuleFacts r;
  r.uid = uid;
  r.source = "s";
  r.techniques = std::move(techniques);
  r.tactics = std::move(tactics);
  return r;
}

// deploy/profiles/killchain-mapping.md states the same table and version.
TEST(KillChainTest, DocumentMatchesTable) {
  std::ifstream in("deploy/profiles/killchain-mapping.md");
  ASSERT_TRUE(in.good()) << "cannot read deploy/profiles/killchain-mapping.md";
  std::string line;
  std::set<std::string> documented;
  bool version = false;
  while (std::getline(in, line)) {
    version |= line.find(absl::StrCat("**Version: `", kKillChainMappingVersion,
                                      "`**")) != std::string::npos;
    std::vector<std::string> cells = absl::StrSplit(line, '|');
    // "| tactic [(note)] | N Phase name | why |"
    if (cells.size() < 4 || !absl::StartsWith(line, "| ")) continue;
    std::string tactic(absl::StripAsciiWhitespace(cells[1]));
    tactic = tactic.substr(0, tactic.find(' '));
    std::string phase(absl::StripAsciiWhitespace(cells[2]));
    if (phase.empty() || phase[0] < '1' || phase[0] > '7') continue;
    SCOPED_TRACE(line);
    const int index = phase[0] - '1';
    EXPECT_EQ(phase.substr(2), KillChainPhases()[index].name);
    if (tactic == "any") {  // "any other tactic"
      EXPECT_EQ(index, KillChainPhaseOf("some-future-tactic"));
      continue;
    }
    EXPECT_EQ(KillChainPhaseOf(tactic), index);
    documented.insert(tactic);
  }
  EXPECT_TRUE(version) << "the document names another mapping version";
  for (const char* t :
       {"reconnaissance", "resource-development", "initial-access", "execution",
        "persistence", "privilege-escalation", "defense-evasion", "stealth",
        "defense-impairment", "evasion", "command-and-control",
        "credential-access", "discovery", "lateral-movement", "collection",
        "exfiltration", "impact"}) {
    EXPECT_TRUE(documented.count(t)) << t << " has no line in the document";
  }
}

struct Row {
  std::string phase;
  int potential;
  int covered;
};

std::vector<Row> Rows(const cov::v1::CoverageResponse& r) {
  std::vector<Row> rows;
  for (const auto& p : r.phases()) {
    rows.push_back({p.phase(), p.potential(), p.covered()});
  }
  return rows;
}

MATCHER_P3(IsRow, phase, potential, covered, "") {
  return arg.phase == phase && arg.potential == potential &&
         arg.covered == covered;
}

CoverageQuery Query(const KnowledgeBase& kb, bool tactic_context, bool rollup) {
  cov::v1::Profile profile;
  profile.add_data_components("Process Creation");  // T1006 out of reach
  auto resolved = ResolveProfile(kb, profile);
  EXPECT_TRUE(resolved.ok()) << resolved.status();
  CoverageQuery q;
  if (resolved.ok()) q.profile = *resolved;
  q.by = "killchain";
  q.summary = true;
  q.tactic_context = tactic_context;
  q.rollup = rollup;
  return q;
}

TEST(KillChainCoverageTest, CountsEachTechniqueOncePerPhase) {
  const KnowledgeBase kb = MakeKb();
  // T1001 covered; T1002 covered by a rule naming execution only; T1004
  // covered; T1008.001 covered (T1008 only through rollup).
  RuleIndex rules({Rule("r1", {"T1001"}), Rule("r2", {"T1002"}, {"execution"}),
                   Rule("r3", {"T1004"}), Rule("r4", {"T1008.001"})});
  const cov::v1::CoverageResponse r =
      ComputeCoverage(kb, rules, Query(kb, false, false));
  EXPECT_EQ(r.killchain_mapping(), "cov-killchain-1");
  // Installation: T1001, T1002, T1003, T1008, T1008.001 (T1001 and T1003 once
  // each although two of their tactics fall there); covered T1001, T1002,
  // T1008.001.
  EXPECT_THAT(
      Rows(r),
      ElementsAre(IsRow("reconnaissance", 1, 0), IsRow("weaponization", 0, 0),
                  IsRow("delivery", 0, 0), IsRow("exploitation", 1, 1),
                  IsRow("installation", 5, 3),
                  IsRow("command-and-control", 0, 0),
                  IsRow("actions-on-objectives", 1, 1)));
  ASSERT_EQ(r.phases_size(), 7);
  EXPECT_THAT(r.phases(4).tactics(),
              ElementsAre("persistence", "privilege-escalation",
                          "defense-evasion", "stealth"));
  EXPECT_THAT(r.phases(1).tactics(), IsEmpty());
  EXPECT_THAT(r.phases(5).tactics(), ElementsAre("command-and-control"));
  EXPECT_THAT(r.phases(6).tactics(), ElementsAre("exfiltration", "impact"));
  EXPECT_EQ(r.phases(4).order(), 5);
  EXPECT_EQ(r.phases(4).name(), "Installation");
  EXPECT_DOUBLE_EQ(r.phases(4).ratio(), 3.0 / 5.0);
  EXPECT_DOUBLE_EQ(r.phases(1).ratio(), 0.0);
}

TEST(KillChainCoverageTest, TacticContextAndRollupApplyPerPhase) {
  const KnowledgeBase kb = MakeKb();
  RuleIndex rules({Rule("r1", {"T1001"}), Rule("r2", {"T1002"}, {"execution"}),
                   Rule("r4", {"T1008.001"})});
  // tactic_context: r2 names execution only, so T1002 is not covered under
  // Installation. rollup: T1008 is covered through T1008.001.
  const cov::v1::CoverageResponse r =
      ComputeCoverage(kb, rules, Query(kb, true, true));
  EXPECT_THAT(
      Rows(r),
      ElementsAre(IsRow("reconnaissance", 1, 0), IsRow("weaponization", 0, 0),
                  IsRow("delivery", 0, 0), IsRow("exploitation", 1, 1),
                  IsRow("installation", 5, 3),
                  IsRow("command-and-control", 0, 0),
                  IsRow("actions-on-objectives", 1, 0)));
  // Without tactic_context or rollup: T1002 counts, T1008 does not.
  const cov::v1::CoverageResponse plain =
      ComputeCoverage(kb, rules, Query(kb, false, false));
  EXPECT_EQ(plain.phases(4).covered(), 3);
  EXPECT_EQ(plain.phases(3).covered(), 1);
}

TEST(KillChainCoverageTest, OnlyWhenAsked) {
  const KnowledgeBase kb = MakeKb();
  RuleIndex rules(std::vector<RuleFacts>{});
  CoverageQuery q = Query(kb, false, false);
  q.by = "tactic";
  const cov::v1::CoverageResponse r = ComputeCoverage(kb, rules, q);
  EXPECT_THAT(r.phases(), IsEmpty());
  EXPECT_EQ(r.killchain_mapping(), "");
}

}  // namespace
}  // namespace cov::server::engine
