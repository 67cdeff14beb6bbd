// Serialized answers of read RPCs, valid until the next write ends: a
// dashboard or CI asking the same question again gets the bytes it
// got last time without the answer being computed, copied or serialized.
//
//   ReadCache::Ticket t = cache.Begin();          // before computing
//   if (auto hit = cache.Lookup(t, key)) { *response = *hit; ... }
//   ... compute, serialize into `bytes` ...
//   cache.Insert(t, key, bytes);                  // kept only if no write
//                                                 // ended since Begin
//
//   // A write RPC, from its Guard until just before its status is sent:
//   ReadCache::WriteFence fence = cache.BeginWrite();
//   ... write, warm the models ...
//   fence.End();                                  // then send the answer
//
// Freshness: a fence moves the epoch forward when it ends, which is before
// its client hears of the write, and an entry answers only lookups of the
// epoch it was computed in. So a read that starts after a write was
// acknowledged never gets an answer from before that write. Reads that
// overlap a write keep being answered from the cache (they may see either
// state, as without the cache), so a long ingest does not make every read
// compute; answers computed while it ran die with its epoch.
//
// Bounded: at most kMaxEntries answers and kMaxBytes of them; when either
// would be exceeded the cache starts over (the questions a client repeats
// come back at once). Entries of past epochs are dropped on the next insert.
// Thread-safe. Internal to server/service (each Backend owns one).
#ifndef COV_SERVER_SERVICE_READ_CACHE_H_
#define COV_SERVER_SERVICE_READ_CACHE_H_

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "grpcpp/support/byte_buffer.h"

namespace cov::server::service {

class ReadCache {
 public:
  static constexpr size_t kMaxEntries = 4096;
  static constexpr size_t kMaxBytes = size_t{256} << 20;

  // What a read saw when it began.
  struct Ticket {
    uint64_t epoch = 0;
  };

  // A write in progress (movable, not copyable). End() (or destruction)
  // closes it; ending twice is a no-op.
  class WriteFence {
   public:
    WriteFence() = default;
    explicit WriteFence(ReadCache* cache);
    WriteFence(WriteFence&& other) noexcept;
    WriteFence& operator=(WriteFence&& other) noexcept;
    WriteFence(const WriteFence&) = delete;
    WriteFence& operator=(const WriteFence&) = delete;
    ~WriteFence() { End(); }
    void End();

   private:
    ReadCache* cache_ = nullptr;
  };

  ReadCache() = default;
  ReadCache(const ReadCache&) = delete;
  ReadCache& operator=(const ReadCache&) = delete;

  Ticket Begin() const { return Ticket{epoch_.load()}; }

  // The answer cached for `key` in the ticket's epoch, if any. The
  // ByteBuffer shares its slices with the cached one (no copy of the bytes).
  std::optional<grpc::ByteBuffer> Lookup(const Ticket& ticket,
                                         absl::string_view key) const;

  // Keeps `answer` for `key` unless a write fence ended since the ticket was
  // taken. `answer`'s slices are shared, not copied.
  void Insert(const Ticket& ticket, absl::string_view key,
              const grpc::ByteBuffer& answer);

  WriteFence BeginWrite() { return WriteFence(this); }

  struct Stats {
    uint64_t hits = 0;
    uint64_t misses = 0;
    uint64_t inserts = 0;
    uint64_t refused = 0;  // inserts refused: a write ended meanwhile
    uint64_t epoch = 0;
    size_t entries = 0;
    size_t bytes = 0;
  };
  Stats stats() const;

 private:
  struct Entry {
    uint64_t epoch;
    grpc::ByteBuffer answer;
  };

  std::atomic<uint64_t> epoch_{1};
  mutable std::atomic<uint64_t> hits_{0};
  mutable std::atomic<uint64_t> misses_{0};
  std::atomic<uint64_t> inserts_{0};
  std::atomic<uint64_t> refused_{0};
  mutable absl::Mutex mu_;
  absl::flat_hash_map<std::string, Entry> entries_ ABSL_GUARDED_BY(mu_);
  uint64_t entries_epoch_ ABSL_GUARDED_BY(mu_) = 0;
  size_t bytes_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace cov::server::service

#endif  // COV_SERVER_SERVICE_READ_CACHE_H_
