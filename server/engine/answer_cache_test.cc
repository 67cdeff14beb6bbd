#include "server/engine/answer_cache.h"

#include "gtest/gtest.h"

namespace cov::server::engine {
namespace {

std::shared_ptr<const cov::v1::CoverageResponse> Answer(int covered) {
  auto r = std::make_shared<cov::v1::CoverageResponse>();
  r->set_covered(covered);
  return r;
}

TEST(AnswerCacheTest, FindsWhatWasInsertedUnderTheSameIdentityOnly) {
  AnswerCache cache;
  ModelIdentity a{"enterprise-attack@18.1", "g1"};
  cache.Insert(a, "req-1", Answer(7));
  ASSERT_NE(cache.Find(a, "req-1"), nullptr);
  EXPECT_EQ(cache.Find(a, "req-1")->covered(), 7);
  EXPECT_EQ(cache.Find(a, "req-2"), nullptr);
  EXPECT_EQ(cache.Find({"enterprise-attack@18.1", "g2"}, "req-1"), nullptr);
  EXPECT_EQ(cache.Find({"enterprise-attack@17.1", "g1"}, "req-1"), nullptr);
}

TEST(AnswerCacheTest, KeysCannotCollideByConcatenation) {
  AnswerCache cache;
  cache.Insert({"ab", "c"}, "d", Answer(1));
  EXPECT_EQ(cache.Find({"a", "bc"}, "d"), nullptr);
  EXPECT_EQ(cache.Find({"ab", ""}, "cd"), nullptr);
}

TEST(AnswerCacheTest, ANewGenerationDropsTheOldAnswersOfThatReleaseOnly) {
  AnswerCache cache;
  cache.Insert({"enterprise-attack@18.1", "g1"}, "q1", Answer(1));
  cache.Insert({"enterprise-attack@18.1", "g1"}, "q2", Answer(2));
  cache.Insert({"mobile-attack@18.1", "g1"}, "q1", Answer(3));
  EXPECT_EQ(cache.size(), 3u);
  cache.Insert({"enterprise-attack@18.1", "g2"}, "q1", Answer(4));
  EXPECT_EQ(cache.size(), 2u);
  EXPECT_EQ(cache.Find({"enterprise-attack@18.1", "g1"}, "q2"), nullptr);
  EXPECT_EQ(cache.Find({"mobile-attack@18.1", "g1"}, "q1")->covered(), 3);
  EXPECT_EQ(cache.Find({"enterprise-attack@18.1", "g2"}, "q1")->covered(), 4);
}

TEST(AnswerCacheTest, FullCacheStartsOver) {
  AnswerCache cache(3);
  ModelIdentity id{"r", "g"};
  cache.Insert(id, "1", Answer(1));
  cache.Insert(id, "2", Answer(2));
  cache.Insert(id, "3", Answer(3));
  EXPECT_EQ(cache.size(), 3u);
  cache.Insert(id, "4", Answer(4));
  EXPECT_EQ(cache.size(), 1u);
  EXPECT_EQ(cache.Find(id, "1"), nullptr);
  EXPECT_EQ(cache.Find(id, "4")->covered(), 4);
}

}  // namespace
}  // namespace cov::server::engine
