#include "server/engine/search.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace cov::server::engine {
namespace {

KnowledgeBase MakeKb() {
  std::vector<cov::v1::Technique> techniques(4);
  techniques[0].set_id("T1197");
  techniques[0].set_name("BITS Jobs");
  techniques[0].set_description(
      "Adversaries may abuse BITS jobs to persistently execute code.");
  techniques[1].set_id("T1059.001");
  techniques[1].set_name("PowerShell");
  techniques[1].set_description("Adversaries may abuse PowerShell commands.");
  techniques[2].set_id("T1086");
  techniques[2].set_name("PowerShell");
  techniques[2].set_revoked(true);
  techniques[3].set_id("T1105");
  techniques[3].set_name("Ingress Tool Transfer");
  techniques[3].set_description("Tools may be copied, e.g. with BITS jobs.");
  std::vector<cov::v1::Actor> actors(2);
  actors[0].set_id("G0007");
  actors[0].set_kind("group");
  actors[0].set_name("APT28");
  actors[0].add_aliases("Fancy Bear");
  actors[1].set_id("G0099");
  actors[1].set_kind("group");
  actors[1].set_name("APT28");
  actors[1].set_revoked(true);
  std::vector<cov::v1::Tactic> tactics(1);
  tactics[0].set_id("TA0005");
  tactics[0].set_shortname("defense-evasion");
  tactics[0].set_name("Defense Evasion");
  return KnowledgeBase("enterprise-attack@18.1", {}, tactics, techniques,
                       actors, {}, {});
}

std::vector<std::string> Ids(const cov::v1::SearchResponse& r) {
  std::vector<std::string> ids;
  for (const auto& h : r.hits()) ids.push_back(h.id());
  return ids;
}

TEST(SearchTest, NameMatchesRankAboveDescriptionMatches) {
  KnowledgeBase kb = MakeKb();
  cov::v1::SearchRequest req;
  req.set_query("bits jobs");
  cov::v1::SearchResponse r = Search(kb, req);
  EXPECT_THAT(Ids(r), ::testing::ElementsAre("T1197", "T1105"));
  EXPECT_EQ(r.hits(0).score(), 50);
  EXPECT_EQ(r.hits(1).score(), 1);
  EXPECT_THAT(r.hits(1).snippet(), ::testing::HasSubstr("BITS jobs"));
}

TEST(SearchTest, ExactIdFirstAndInactiveHiddenByDefault) {
  KnowledgeBase kb = MakeKb();
  cov::v1::SearchRequest req;
  req.set_query("powershell");
  EXPECT_THAT(Ids(Search(kb, req)), ::testing::ElementsAre("T1059.001"));
  req.set_include_inactive(true);
  EXPECT_THAT(Ids(Search(kb, req)),
              ::testing::ElementsAre("T1059.001", "T1086"));
  req.set_query("t1197");
  EXPECT_EQ(Search(kb, req).hits(0).score(), 100);
}

TEST(SearchTest, KindsLimitAndAliases) {
  KnowledgeBase kb = MakeKb();
  cov::v1::SearchRequest req;
  req.set_query("fancy bear");
  req.add_kinds("group");
  cov::v1::SearchResponse r = Search(kb, req);
  EXPECT_THAT(Ids(r), ::testing::ElementsAre("G0007"));
  req.clear_kinds();
  req.set_query("a");
  req.set_limit(2);
  r = Search(kb, req);
  EXPECT_EQ(r.hits_size(), 2);
  EXPECT_GT(r.total(), 2);
  req.set_query("   ");
  EXPECT_EQ(Search(kb, req).hits_size(), 0);
}

TEST(KnowledgeBaseTest, FindsActorsByIdNameAliasPreferringActive) {
  KnowledgeBase kb = MakeKb();
  ASSERT_NE(kb.FindActor("apt28"), nullptr);
  EXPECT_EQ(kb.FindActor("apt28")->id(), "G0007");
  EXPECT_EQ(kb.FindActor("Fancy Bear")->id(), "G0007");
  EXPECT_EQ(kb.FindActor("g0099")->id(), "G0099");
  EXPECT_EQ(kb.FindActor("nobody"), nullptr);
  EXPECT_EQ(kb.FindTechnique("t1059.001")->name(), "PowerShell");
  EXPECT_EQ(kb.FindTactic("defense_evasion")->id(), "TA0005");
  EXPECT_EQ(kb.FindTactic("TA0005")->shortname(), "defense-evasion");
}

}  // namespace
}  // namespace cov::server::engine
