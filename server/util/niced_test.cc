#include "server/util/niced.h"

#include <algorithm>
#include <string>
#include <utility>

#include "gtest/gtest.h"

namespace cov::server::util {
namespace {

int ThisThreadNice() {
  return getpriority(PRIO_PROCESS, static_cast<id_t>(gettid()));
}

TEST(RunNicedTest, RunsLoweredOnItsOwnThreadAndLeavesTheCaller) {
  const int caller = ThisThreadNice();
  const pid_t caller_tid = gettid();
  auto [tid, nice] =
      RunNiced(5, [&] { return std::make_pair(gettid(), ThisThreadNice()); });
  EXPECT_NE(tid, caller_tid);
  EXPECT_EQ(nice, std::max(caller, 5));
  EXPECT_EQ(ThisThreadNice(), caller);
}

TEST(RunNicedTest, ZeroRunsHere) {
  const pid_t caller_tid = gettid();
  EXPECT_EQ(RunNiced(0, [] { return gettid(); }), caller_tid);
  EXPECT_EQ(RunNiced(0, [] { return std::string("x"); }), "x");
}

}  // namespace
}  // namespace cov::server::util
