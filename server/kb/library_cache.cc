#include "server/kb/library_cache.h"

namespace cov::server::kb {

absl::StatusOr<std::shared_ptr<const Library>> LibraryCache::Get() {
  absl::MutexLock lock(&mu_);
  const int64_t gen = store_->LibraryGeneration();
  if (library_ != nullptr && library_->generation == gen) return library_;
  auto lib = std::make_shared<Library>();
  lib->generation = gen;
  absl::Status st = store_->ForEachTest(
      [&](absl::string_view technique, const cov::v1::TestProcedure& t) {
        lib->tests[std::string(technique)].push_back(t);
        return true;
      });
  if (!st.ok()) return st;
  st = store_->ForEachPlan([&](const cov::v1::PlanResponse& p) {
    lib->plans.push_back(p);
    return true;
  });
  if (!st.ok()) return st;
  library_ = std::move(lib);
  return library_;
}

}  // namespace cov::server::kb
