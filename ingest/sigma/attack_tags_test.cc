#include "ingest/sigma/attack_tags.h"

#include <string>

#include "gtest/gtest.h"

namespace cov::ingest::sigma {
namespace {

// "kind:id" for references, else the class name.
std::string C(const std::string& tag) {
  AttackTag t;
  switch (ClassifyTag(tag, &t)) {
    case TagClass::kNotAttack:
      return "not-attack";
    case TagClass::kIgnored:
      return "ignored";
    case TagClass::kMalformed:
      return "malformed";
    case TagClass::kReference:
      return t.kind + ":" + t.id;
  }
  return "?";
}

TEST(AttackTagsTest, Techniques) {
  EXPECT_EQ(C("attack.t1059"), "technique:T1059");
  EXPECT_EQ(C("attack.t1059.001"), "technique:T1059.001");
  EXPECT_EQ(C("attack.T1197"), "technique:T1197");
  EXPECT_EQ(C("ATTACK.t1086"), "technique:T1086");
  EXPECT_EQ(C("  attack.t0800 "), "technique:T0800");  // ICS
}

TEST(AttackTagsTest, MalformedTechniques) {
  EXPECT_EQ(C("attack.t10"), "malformed");
  EXPECT_EQ(C("attack.t1059.1"), "malformed");
  EXPECT_EQ(C("attack.t1059.0011"), "malformed");
  EXPECT_EQ(C("attack.t10590"), "malformed");
  EXPECT_EQ(C("attack.t1059_001"), "malformed");
  EXPECT_EQ(C("attack."), "malformed");
  EXPECT_EQ(C("attack.foo.bar"), "malformed");
  EXPECT_EQ(C("attack.defense--evasion"), "malformed");
  EXPECT_EQ(C("attack.defense-"), "malformed");
}

TEST(AttackTagsTest, TacticNames) {
  EXPECT_EQ(C("attack.defense-evasion"), "tactic:defense-evasion");
  EXPECT_EQ(C("attack.defense_evasion"), "tactic:defense-evasion");
  EXPECT_EQ(C("attack.Command_And_Control"), "tactic:command-and-control");
  EXPECT_EQ(C("attack.execution"), "tactic:execution");
  // v19 and other-domain names pass through; resolution decides.
  EXPECT_EQ(C("attack.stealth"), "tactic:stealth");
  EXPECT_EQ(C("attack.defense-impairment"), "tactic:defense-impairment");
  EXPECT_EQ(C("attack.inhibit-response-function"),
            "tactic:inhibit-response-function");
  EXPECT_EQ(C("attack.ta0005"), "tactic:TA0005");
  EXPECT_EQ(C("attack.TA0112"), "tactic:TA0112");
}

TEST(AttackTagsTest, Actors) {
  EXPECT_EQ(C("attack.g0032"), "group:G0032");
  EXPECT_EQ(C("attack.s0002"), "software:S0002");
  EXPECT_EQ(C("attack.c0010"), "campaign:C0010");
  EXPECT_EQ(C("attack.g032"), "malformed");
}

TEST(AttackTagsTest, IgnoredAttackObjects) {
  EXPECT_EQ(C("attack.ds0005"), "ignored");
  EXPECT_EQ(C("attack.m1042"), "ignored");
  EXPECT_EQ(C("attack.dc0001"), "ignored");
  EXPECT_EQ(C("attack.mitre"), "ignored");
  EXPECT_EQ(C("attack.enterprise"), "ignored");
}

TEST(AttackTagsTest, OtherNamespaces) {
  EXPECT_EQ(C("cve.2021-44228"), "not-attack");
  EXPECT_EQ(C("car.2016-04-005"), "not-attack");
  EXPECT_EQ(C("detection.emerging-threats"), "not-attack");
  EXPECT_EQ(C("stp.1u"), "not-attack");
  EXPECT_EQ(C("tlp.clear"), "not-attack");
  EXPECT_EQ(C("command_and_control"), "not-attack");
  EXPECT_EQ(C("attackx.t1059"), "not-attack");
  EXPECT_EQ(C("NIST CSF 1.1 PR.AT-2"), "not-attack");
  EXPECT_EQ(C(""), "not-attack");
}

TEST(AttackTagsTest, EnterpriseShortnames) {
  int n = 0;
  for (const char* t :
       {"reconnaissance", "resource-development", "initial-access", "execution",
        "persistence", "privilege-escalation", "defense-evasion",
        "credential-access", "discovery", "lateral-movement", "collection",
        "command-and-control", "exfiltration", "impact"}) {
    EXPECT_TRUE(IsEnterpriseTacticShortname(t)) << t;
    EXPECT_EQ(C(std::string("attack.") + t), std::string("tactic:") + t);
    ++n;
  }
  EXPECT_EQ(n, 14);
  EXPECT_FALSE(IsEnterpriseTacticShortname("stealth"));
  EXPECT_FALSE(IsEnterpriseTacticShortname("defense_evasion"));
}

}  // namespace
}  // namespace cov::ingest::sigma
