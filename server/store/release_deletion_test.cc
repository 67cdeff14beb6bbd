#include "server/store/release_deletion.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace cov::server::store {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

// enterprise 17.1 and 18.1 (18.1 the store and enterprise default), ics 18.1
// (the ics default, alone in its domain).
ReleaseDefaults ThreeReleases() {
  ReleaseDefaults d;
  d.store_default = "enterprise-attack@18.1";
  d.domain_defaults = {{"enterprise-attack", "enterprise-attack@18.1"},
                       {"ics-attack", "ics-attack@18.1"}};
  d.keys = {"enterprise-attack@17.1", "enterprise-attack@18.1",
            "ics-attack@18.1"};
  return d;
}

TEST(ReleaseDeletionTest, ANonDefaultReleaseGoesAlone) {
  auto plan =
      PlanReleaseDeletion(ThreeReleases(), "enterprise-attack@17.1", "");
  ASSERT_TRUE(plan.ok()) << plan.status();
  EXPECT_EQ(plan->store_default, "");
  EXPECT_THAT(plan->set_domain_defaults, IsEmpty());
  EXPECT_THAT(plan->erase_domain_defaults, IsEmpty());
  EXPECT_EQ(plan->replacement, "");
}

TEST(ReleaseDeletionTest, TheStoreDefaultNeedsANewDefault) {
  auto plan =
      PlanReleaseDeletion(ThreeReleases(), "enterprise-attack@18.1", "");
  EXPECT_EQ(plan.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(plan.status().message(),
            "enterprise-attack@18.1 is the default release of the store; name "
            "the release that replaces it with --new_default (stored: "
            "enterprise-attack@17.1, ics-attack@18.1), or make another "
            "release the default first (cov default)");
  // Naming itself is no replacement.
  EXPECT_EQ(PlanReleaseDeletion(ThreeReleases(), "enterprise-attack@18.1",
                                "enterprise-attack@18.1")
                .status()
                .code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST(ReleaseDeletionTest, NewDefaultTakesTheStoreAndDomainDefault) {
  auto plan = PlanReleaseDeletion(ThreeReleases(), "enterprise-attack@18.1",
                                  "enterprise-attack@17.1");
  ASSERT_TRUE(plan.ok()) << plan.status();
  EXPECT_EQ(plan->store_default, "enterprise-attack@17.1");
  EXPECT_EQ(plan->set_domain_defaults.size(), 1u);
  EXPECT_EQ(plan->set_domain_defaults.at("enterprise-attack"),
            "enterprise-attack@17.1");
  EXPECT_THAT(plan->erase_domain_defaults, IsEmpty());
  EXPECT_EQ(plan->replacement, "enterprise-attack@17.1");
}

TEST(ReleaseDeletionTest, ADomainThatKeepsReleasesNeedsOneOfThem) {
  auto plan = PlanReleaseDeletion(ThreeReleases(), "enterprise-attack@18.1",
                                  "ics-attack@18.1");
  EXPECT_EQ(plan.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(plan.status().message(),
            "enterprise-attack@18.1 is the default enterprise-attack release "
            "and enterprise-attack keeps other releases; --new_default must be "
            "one of them (stored: enterprise-attack@17.1), not "
            "ics-attack@18.1");
}

TEST(ReleaseDeletionTest, ADomainDefaultThatIsNotTheStoreDefault) {
  ReleaseDefaults d = ThreeReleases();
  d.keys.push_back("ics-attack@17.1");
  auto refused = PlanReleaseDeletion(d, "ics-attack@18.1", "");
  EXPECT_EQ(refused.status().message(),
            "ics-attack@18.1 is the default ics-attack release; name the "
            "release that replaces it with --new_default (stored: "
            "ics-attack@17.1), or make another release the default first "
            "(cov default)");
  auto plan = PlanReleaseDeletion(d, "ics-attack@18.1", "ics-attack@17.1");
  ASSERT_TRUE(plan.ok()) << plan.status();
  EXPECT_EQ(plan->store_default, "");  // the store default stays
  EXPECT_EQ(plan->set_domain_defaults.at("ics-attack"), "ics-attack@17.1");
}

TEST(ReleaseDeletionTest, ADomainsLastReleaseTakesItsDomainAlong) {
  auto plan = PlanReleaseDeletion(ThreeReleases(), "ics-attack@18.1", "");
  ASSERT_TRUE(plan.ok()) << plan.status();
  EXPECT_EQ(plan->store_default, "");
  EXPECT_THAT(plan->erase_domain_defaults, ElementsAre("ics-attack"));
}

TEST(ReleaseDeletionTest, TheStoreDefaultMayMoveToAnotherDomain) {
  ReleaseDefaults d;
  d.store_default = "ics-attack@18.1";
  d.domain_defaults = {{"enterprise-attack", "enterprise-attack@17.1"},
                       {"ics-attack", "ics-attack@18.1"}};
  d.keys = {"enterprise-attack@17.1", "ics-attack@18.1"};
  auto plan =
      PlanReleaseDeletion(d, "ics-attack@18.1", "enterprise-attack@17.1");
  ASSERT_TRUE(plan.ok()) << plan.status();
  EXPECT_EQ(plan->store_default, "enterprise-attack@17.1");
  EXPECT_THAT(plan->erase_domain_defaults, ElementsAre("ics-attack"));
}

TEST(ReleaseDeletionTest, UnknownReleasesAreNotFoundNamingTheStoredOnes) {
  auto plan = PlanReleaseDeletion(ThreeReleases(), "enterprise-attack@9", "");
  EXPECT_EQ(plan.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(plan.status().message(),
            "no ATT&CK release enterprise-attack@9 in the store; stored: "
            "enterprise-attack@17.1, enterprise-attack@18.1, ics-attack@18.1");
  auto bad_new = PlanReleaseDeletion(ThreeReleases(), "enterprise-attack@18.1",
                                     "enterprise-attack@16.1");
  EXPECT_EQ(bad_new.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(
      PlanReleaseDeletion({}, "enterprise-attack@18.1", "").status().message(),
      "no ATT&CK release enterprise-attack@18.1 in the store; stored: "
      "none");
}

TEST(ReleaseDeletionTest, TheLastReleaseCannotGo) {
  ReleaseDefaults d;
  d.store_default = "enterprise-attack@18.1";
  d.domain_defaults = {{"enterprise-attack", "enterprise-attack@18.1"}};
  d.keys = {"enterprise-attack@18.1"};
  EXPECT_EQ(
      PlanReleaseDeletion(d, "enterprise-attack@18.1", "").status().message(),
      "enterprise-attack@18.1 is the default release of the store; name "
      "the release that replaces it with --new_default (none stored: "
      "ingest another release first), or make another release the "
      "default first (cov default)");
}

}  // namespace
}  // namespace cov::server::store
