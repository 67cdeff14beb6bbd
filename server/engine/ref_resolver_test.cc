#include "server/engine/ref_resolver.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace cov::server::engine {
namespace {

std::shared_ptr<const KnowledgeBase> Enterprise() {
  std::vector<cov::v1::Technique> t(4);
  t[0].set_id("T1197");
  t[0].add_tactics("persistence");
  t[0].add_tactics("defense-evasion");
  t[1].set_id("T1059.001");
  t[1].add_tactics("execution");
  t[2].set_id("T1086");
  t[2].set_revoked(true);
  t[2].set_revoked_by("T1059.001");
  t[3].set_id("T1999");
  t[3].set_deprecated(true);
  std::vector<cov::v1::Tactic> tac(3);
  tac[0].set_id("TA0002");
  tac[0].set_shortname("execution");
  tac[1].set_id("TA0003");
  tac[1].set_shortname("persistence");
  tac[2].set_id("TA0011");
  tac[2].set_shortname("command-and-control");
  std::vector<cov::v1::Actor> a(1);
  a[0].set_id("G0007");
  a[0].set_name("APT28");
  return std::make_shared<KnowledgeBase>("enterprise-attack@18.1",
                                         cov::v1::Release(), tac, t, a,
                                         std::vector<cov::v1::DataComponent>(),
                                         std::vector<cov::v1::MitigationRef>());
}

std::shared_ptr<const KnowledgeBase> Mobile() {
  std::vector<cov::v1::Tactic> tac(1);
  tac[0].set_id("TA0037");
  tac[0].set_shortname("command-and-control");
  tac[0].set_name("Command and Control");
  std::vector<cov::v1::Technique> t(1);
  t[0].set_id("T1437");
  return std::make_shared<KnowledgeBase>(
      "mobile-attack@18.1", cov::v1::Release(), tac, t,
      std::vector<cov::v1::Actor>(), std::vector<cov::v1::DataComponent>(),
      std::vector<cov::v1::MitigationRef>());
}

cov::v1::Rule RuleWith(std::vector<std::pair<std::string, std::string>> refs) {
  cov::v1::Rule r;
  for (auto& [kind, id] : refs) {
    auto* ref = r.add_attack_refs();
    ref->set_kind(kind);
    ref->set_id(id);
    ref->set_raw(id);
  }
  return r;
}

TEST(RefResolverTest, EveryStatus) {
  auto kb = Enterprise();
  cov::v1::Rule r = RuleWith({{"technique", "T1197"},
                              {"technique", "T1086"},
                              {"technique", "T1999"},
                              {"technique", "T1690"},
                              {"technique", "T1437"},
                              {"group", "G0007"},
                              {"group", "APT28"}});
  ResolveRefs(*kb, {Mobile()}, &r);
  EXPECT_EQ(r.attack_refs(0).status(), cov::v1::REF_STATUS_VALID);
  EXPECT_EQ(r.attack_refs(0).resolved_id(), "T1197");
  EXPECT_EQ(r.attack_refs(1).status(), cov::v1::REF_STATUS_REVOKED);
  EXPECT_EQ(r.attack_refs(1).resolved_id(), "T1059.001");
  EXPECT_EQ(r.attack_refs(1).note(),
            "T1086 is revoked in enterprise-attack@18.1; use T1059.001");
  EXPECT_EQ(r.attack_refs(2).status(), cov::v1::REF_STATUS_DEPRECATED);
  EXPECT_EQ(r.attack_refs(3).status(), cov::v1::REF_STATUS_UNKNOWN);
  EXPECT_EQ(r.attack_refs(3).note(),
            "technique T1690 does not exist in ATT&CK enterprise-attack@18.1");
  EXPECT_EQ(r.attack_refs(4).status(), cov::v1::REF_STATUS_WRONG_DOMAIN);
  EXPECT_THAT(r.attack_refs(4).note(),
              ::testing::HasSubstr("mobile-attack@18.1"));
  EXPECT_EQ(r.attack_refs(5).status(), cov::v1::REF_STATUS_VALID);
  // Names are not IDs.
  EXPECT_EQ(r.attack_refs(6).status(), cov::v1::REF_STATUS_UNKNOWN);
}

TEST(RefResolverTest, TacticPairsAndLegacyNames) {
  auto kb = Enterprise();
  cov::v1::Rule ok =
      RuleWith({{"tactic", "persistence"}, {"technique", "T1197"}});
  ResolveRefs(*kb, {}, &ok);
  EXPECT_EQ(ok.attack_refs(0).status(), cov::v1::REF_STATUS_VALID);

  cov::v1::Rule mismatch =
      RuleWith({{"tactic", "TA0011"}, {"technique", "T1197"}});
  ResolveRefs(*kb, {}, &mismatch);
  EXPECT_EQ(mismatch.attack_refs(0).status(),
            cov::v1::REF_STATUS_TACTIC_MISMATCH);
  EXPECT_EQ(mismatch.attack_refs(0).resolved_id(), "command-and-control");
  EXPECT_EQ(mismatch.attack_refs(1).status(), cov::v1::REF_STATUS_VALID);

  // Revoked technique pairs through its replacement's tactics.
  cov::v1::Rule revoked =
      RuleWith({{"tactic", "execution"}, {"technique", "T1086"}});
  ResolveRefs(*kb, {}, &revoked);
  EXPECT_EQ(revoked.attack_refs(0).status(), cov::v1::REF_STATUS_VALID);

  // A tactic alone is simply valid.
  cov::v1::Rule alone = RuleWith({{"tactic", "defense_evasion"}});
  ResolveRefs(*kb, {}, &alone);
  EXPECT_EQ(alone.attack_refs(0).status(), cov::v1::REF_STATUS_UNKNOWN);
  cov::v1::Rule alone2 = RuleWith({{"tactic", "TA0003"}});
  ResolveRefs(*kb, {}, &alone2);
  EXPECT_EQ(alone2.attack_refs(0).status(), cov::v1::REF_STATUS_VALID);
  EXPECT_EQ(alone2.attack_refs(0).resolved_id(), "persistence");
}

}  // namespace
}  // namespace cov::server::engine
