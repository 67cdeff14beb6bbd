#include "server/engine/answer_cache.h"

#include <utility>

#include "absl/strings/str_cat.h"

namespace cov::server::engine {

std::string AnswerCache::Key(const ModelIdentity& id,
                             absl::string_view request) {
  // Lengths first: no two different triples give the same key.
  return absl::StrCat(id.release_key.size(), ":", id.release_key,
                      id.generation.size(), ":", id.generation, request);
}

std::shared_ptr<const cov::v1::CoverageResponse> AnswerCache::Find(
    const ModelIdentity& id, absl::string_view request_key) const {
  absl::MutexLock lock(&mu_);
  auto it = entries_.find(Key(id, request_key));
  return it == entries_.end() ? nullptr : it->second.answer;
}

void AnswerCache::Insert(
    const ModelIdentity& id, absl::string_view request_key,
    std::shared_ptr<const cov::v1::CoverageResponse> answer) {
  absl::MutexLock lock(&mu_);
  absl::erase_if(entries_, [&](const auto& entry) {
    return entry.second.release_key == id.release_key &&
           entry.second.generation != id.generation;
  });
  if (entries_.size() >= max_entries_) entries_.clear();
  entries_[Key(id, request_key)] =
      Entry{id.release_key, id.generation, std::move(answer)};
}

size_t AnswerCache::size() const {
  absl::MutexLock lock(&mu_);
  return entries_.size();
}

}  // namespace cov::server::engine
