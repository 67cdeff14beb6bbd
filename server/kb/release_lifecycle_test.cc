#include "server/kb/release_lifecycle.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/kb/queries.h"
#include "server/kb/test_store.h"
#include "server/store/memory_store.h"

namespace cov::server::kb {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

cov::v1::DeleteReleaseRequest Request(const std::string& version,
                                      const std::string& new_default = "") {
  cov::v1::DeleteReleaseRequest req;
  req.mutable_release()->set_domain("enterprise-attack");
  req.mutable_release()->set_version(version);
  if (!new_default.empty()) req.mutable_new_default()->set_version(new_default);
  return req;
}

class ReleaseLifecycleTest : public ::testing::Test {
 protected:
  void SetUp() override {
    testing::PutSmallRelease(&store_, "17.1");
    testing::PutSmallRelease(&store_, "18.1");
    cov::v1::ReleaseRef v18;
    v18.set_version("18.1");
    ASSERT_TRUE(store_.SetDefaultRelease(v18).ok());
    testing::PutRules(&store_, "sigma", {{"r1", "T1197"}});
  }

  // Coverage of one release, by version.
  absl::StatusOr<cov::v1::CoverageResponse> CoverageOf(const std::string& v) {
    cov::v1::CoverageRequest req;
    req.mutable_release()->set_version(v);
    return Coverage(models_, req);
  }

  store::MemoryStore store_;
  Models models_{&store_};
};

TEST_F(ReleaseLifecycleTest, RemovedReleaseLeavesTheCachesAndCoverage) {
  ASSERT_EQ(CoverageOf("17.1")->covered(), 1);
  ASSERT_EQ(CoverageOf("18.1")->covered(), 1);
  EXPECT_THAT(models_.CachedReleases(),
              ElementsAre("enterprise-attack@17.1", "enterprise-attack@18.1"));

  auto r = DeleteRelease(models_, Request("17.1"));
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->release().version(), "17.1");
  EXPECT_FALSE(r->release().is_default());
  EXPECT_FALSE(r->has_new_default());
  ASSERT_EQ(r->remaining_size(), 1);
  EXPECT_EQ(r->remaining(0).version(), "18.1");
  EXPECT_TRUE(r->remaining(0).is_default());
  // The model is no longer cached, and no query reaches the release.
  EXPECT_THAT(models_.CachedReleases(), ElementsAre("enterprise-attack@18.1"));
  auto gone = CoverageOf("17.1");
  EXPECT_EQ(gone.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(gone.status().message(),
              HasSubstr("stored: enterprise-attack@18.1"));
  EXPECT_EQ(CoverageOf("18.1")->covered(), 1);
}

TEST_F(ReleaseLifecycleTest, DefaultNeedsANewDefaultWhichThenAnswers) {
  ASSERT_EQ(Coverage(models_, cov::v1::CoverageRequest())->covered(), 1);
  auto refused = DeleteRelease(models_, Request("18.1"));
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(refused.status().message(),
            "enterprise-attack@18.1 is the default release of the store; name "
            "the release that replaces it with --new_default (stored: "
            "enterprise-attack@17.1), or make another release the default "
            "first (cov default)");
  EXPECT_EQ(store_.ListReleases()->size(), 2u);

  auto r = DeleteRelease(models_, Request("18.1", "17.1"));
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_TRUE(r->release().is_default());
  EXPECT_EQ(r->new_default().version(), "17.1");
  EXPECT_TRUE(r->new_default().is_default());
  auto models = models_.Require({});
  ASSERT_TRUE(models.ok());
  EXPECT_EQ(models->kb->release_key(), "enterprise-attack@17.1");
  EXPECT_EQ(Coverage(models_, cov::v1::CoverageRequest())->covered(), 1);
  EXPECT_THAT(models_.CachedReleases(), ElementsAre("enterprise-attack@17.1"));
}

TEST_F(ReleaseLifecycleTest, BadReferences) {
  cov::v1::DeleteReleaseRequest empty;
  auto r = DeleteRelease(models_, empty);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(r.status().message(),
            "name the release to remove as DOMAIN@VERSION (e.g. "
            "enterprise-attack@17.1) or VERSION");
  auto unknown = DeleteRelease(models_, Request("9.0"));
  EXPECT_EQ(unknown.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(unknown.status().message(),
            "no ATT&CK release enterprise-attack@9.0 in the store; stored: "
            "enterprise-attack@17.1, enterprise-attack@18.1");
  auto bad_new = DeleteRelease(models_, Request("18.1", "9.0"));
  EXPECT_EQ(bad_new.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(store_.ListReleases()->size(), 2u);
  store::MemoryStore empty_store;
  Models empty_models(&empty_store);
  auto none = DeleteRelease(empty_models, Request("18.1"));
  EXPECT_EQ(none.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(none.status().message(),
            "no ATT&CK release enterprise-attack@18.1 in the store; stored: "
            "none");
}

}  // namespace
}  // namespace cov::server::kb
