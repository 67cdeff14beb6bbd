#include "server/service/read_cache.h"

#include <utility>

namespace cov::server::service {

ReadCache::WriteFence::WriteFence(ReadCache* cache) : cache_(cache) {}

ReadCache::WriteFence::WriteFence(WriteFence&& other) noexcept
    : cache_(std::exchange(other.cache_, nullptr)) {}

ReadCache::WriteFence& ReadCache::WriteFence::operator=(
    WriteFence&& other) noexcept {
  if (this != &other) {
    End();
    cache_ = std::exchange(other.cache_, nullptr);
  }
  return *this;
}

void ReadCache::WriteFence::End() {
  if (cache_ == nullptr) return;
  cache_->epoch_.fetch_add(1);
  cache_ = nullptr;
}

std::optional<grpc::ByteBuffer> ReadCache::Lookup(const Ticket& ticket,
                                                  absl::string_view key) const {
  {
    absl::ReaderMutexLock lock(&mu_);
    auto it = entries_.find(key);
    if (it != entries_.end() && it->second.epoch == ticket.epoch) {
      hits_.fetch_add(1, std::memory_order_relaxed);
      return it->second.answer;  // shares the slices
    }
  }
  misses_.fetch_add(1, std::memory_order_relaxed);
  return std::nullopt;
}

void ReadCache::Insert(const Ticket& ticket, absl::string_view key,
                       const grpc::ByteBuffer& answer) {
  const size_t size = answer.Length() + key.size();
  absl::MutexLock lock(&mu_);
  // Checked under the lock: a fence that ends after this check leaves an
  // answer that only readers which began before that end can look up.
  if (epoch_.load() != ticket.epoch || size > kMaxBytes) {
    refused_.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  if (entries_epoch_ != ticket.epoch || entries_.size() >= kMaxEntries ||
      bytes_ + size > kMaxBytes) {
    entries_.clear();
    bytes_ = 0;
    entries_epoch_ = ticket.epoch;
  }
  auto [it, inserted] =
      entries_.try_emplace(std::string(key), Entry{ticket.epoch, answer});
  if (!inserted) return;  // a concurrent miss of the same key came first
  bytes_ += size;
  inserts_.fetch_add(1, std::memory_order_relaxed);
}

ReadCache::Stats ReadCache::stats() const {
  Stats s;
  s.hits = hits_.load();
  s.misses = misses_.load();
  s.inserts = inserts_.load();
  s.refused = refused_.load();
  s.epoch = epoch_.load();
  absl::ReaderMutexLock lock(&mu_);
  s.entries = entries_.size();
  s.bytes = bytes_;
  return s;
}

}  // namespace cov::server::service
