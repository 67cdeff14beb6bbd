#include "server/service/read_cache.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace cov::server::service {
namespace {

grpc::ByteBuffer Bytes(const std::string& s) {
  grpc::Slice slice(s);
  return grpc::ByteBuffer(&slice, 1);
}

std::string Text(const grpc::ByteBuffer& b) {
  std::vector<grpc::Slice> slices;
  EXPECT_TRUE(b.Dump(&slices).ok());
  std::string out;
  for (const auto& s : slices) {
    out.append(reinterpret_cast<const char*>(s.begin()), s.size());
  }
  return out;
}

TEST(ReadCacheTest, AnswersTheSameKeyInTheSameEpoch) {
  ReadCache cache;
  ReadCache::Ticket t = cache.Begin();
  EXPECT_FALSE(cache.Lookup(t, "k").has_value());
  cache.Insert(t, "k", Bytes("answer"));
  auto hit = cache.Lookup(cache.Begin(), "k");
  ASSERT_TRUE(hit.has_value());
  EXPECT_EQ(Text(*hit), "answer");
  EXPECT_FALSE(cache.Lookup(cache.Begin(), "other").has_value());
  ReadCache::Stats s = cache.stats();
  EXPECT_EQ(s.hits, 1u);
  EXPECT_EQ(s.misses, 2u);
  EXPECT_EQ(s.inserts, 1u);
  EXPECT_EQ(s.entries, 1u);
  EXPECT_EQ(s.bytes, 7u);  // "answer" + "k"
}

TEST(ReadCacheTest, AWriteDropsAnswersWhenItEnds) {
  ReadCache cache;
  cache.Insert(cache.Begin(), "k", Bytes("before"));
  ReadCache::WriteFence fence = cache.BeginWrite();
  // Reads overlapping the write are still answered from the cache ...
  ReadCache::Ticket during = cache.Begin();
  auto hit = cache.Lookup(during, "k");
  ASSERT_TRUE(hit.has_value());
  EXPECT_EQ(Text(*hit), "before");
  cache.Insert(during, "k2", Bytes("during"));
  ASSERT_TRUE(cache.Lookup(cache.Begin(), "k2").has_value());
  // ... and nothing cached before the end answers a read begun after it,
  // which is before the writer's client is answered.
  fence.End();
  EXPECT_FALSE(cache.Lookup(cache.Begin(), "k").has_value());
  EXPECT_FALSE(cache.Lookup(cache.Begin(), "k2").has_value());
  fence.End();  // no-op
  EXPECT_EQ(cache.stats().epoch, during.epoch + 1);
}

TEST(ReadCacheTest, AnAnswerComputedAcrossAWriteIsNotKept) {
  ReadCache cache;
  ReadCache::Ticket t = cache.Begin();
  { ReadCache::WriteFence fence = cache.BeginWrite(); }  // began and ended
  cache.Insert(t, "k", Bytes("stale"));
  EXPECT_FALSE(cache.Lookup(cache.Begin(), "k").has_value());
  EXPECT_FALSE(cache.Lookup(t, "k").has_value());
  EXPECT_EQ(cache.stats().refused, 1u);
  EXPECT_EQ(cache.stats().entries, 0u);
}

TEST(ReadCacheTest, MovedFencesEndOnce) {
  ReadCache cache;
  const uint64_t e0 = cache.stats().epoch;
  ReadCache::WriteFence a = cache.BeginWrite();
  ReadCache::WriteFence b = std::move(a);
  a.End();  // moved-from: nothing
  EXPECT_EQ(cache.stats().epoch, e0);
  b.End();
  EXPECT_EQ(cache.stats().epoch, e0 + 1);
}

TEST(ReadCacheTest, StartsOverWhenFull) {
  ReadCache cache;
  ReadCache::Ticket t = cache.Begin();
  for (size_t i = 0; i < ReadCache::kMaxEntries; ++i) {
    cache.Insert(t, std::to_string(i), Bytes("x"));
  }
  EXPECT_EQ(cache.stats().entries, ReadCache::kMaxEntries);
  cache.Insert(t, "one more", Bytes("y"));
  EXPECT_EQ(cache.stats().entries, 1u);
  EXPECT_TRUE(cache.Lookup(t, "one more").has_value());
  EXPECT_FALSE(cache.Lookup(t, "0").has_value());
}

}  // namespace
}  // namespace cov::server::service
