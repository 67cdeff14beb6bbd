// A small cache of coverage answers. An answer depends only on the models it
// was computed from and on the request, so it is keyed on the models'
// identity (a release key plus a generation string naming the exact release
// model, rule generation and evidence generation) and the request bytes, not
// on object addresses: a cached answer pins no model in memory.
//
//   engine::AnswerCache cache;
//   engine::ModelIdentity id{"enterprise-attack@18.1", "sha/123/r7/e2"};
//   if (auto hit = cache.Find(id, request.SerializeAsString())) ...
//   cache.Insert(id, request.SerializeAsString(), answer);
//
// Inserting an answer for a release drops every answer of the same release
// under another generation (they can never be asked for again once the
// store moved on); when `max_entries` is reached the cache is emptied.
// Thread-safe.
#ifndef COV_SERVER_ENGINE_ANSWER_CACHE_H_
#define COV_SERVER_ENGINE_ANSWER_CACHE_H_

#include <memory>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "cov/v1/coverage.pb.h"

namespace cov::server::engine {

// What a coverage answer was computed from.
struct ModelIdentity {
  std::string release_key;  // "enterprise-attack@18.1"
  std::string generation;   // changes whenever any input model changes
};

class AnswerCache {
 public:
  // Default: 64 answers.
  explicit AnswerCache(size_t max_entries = 64) : max_entries_(max_entries) {}

  // The answer stored for (`id`, `request_key`), or null.
  std::shared_ptr<const cov::v1::CoverageResponse> Find(
      const ModelIdentity& id, absl::string_view request_key) const;

  // Stores `answer`; see the file comment for what is dropped.
  void Insert(const ModelIdentity& id, absl::string_view request_key,
              std::shared_ptr<const cov::v1::CoverageResponse> answer);

  size_t size() const;

 private:
  struct Entry {
    std::string release_key;
    std::string generation;
    std::shared_ptr<const cov::v1::CoverageResponse> answer;
  };
  static std::string Key(const ModelIdentity& id, absl::string_view request);

  const size_t max_entries_;
  mutable absl::Mutex mu_;
  absl::flat_hash_map<std::string, Entry> entries_ ABSL_GUARDED_BY(mu_);
};

}  // namespace cov::server::engine

#endif  // COV_SERVER_ENGINE_ANSWER_CACHE_H_
