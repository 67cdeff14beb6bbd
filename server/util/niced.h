// Background work at a lower CPU priority: the parsing half of an ingest runs
// on a thread of its own whose nice value is raised, so requests served
// meanwhile get the cores first (covd --ingest_nice). Only work that holds no
// lock readers wait for belongs here (else a reader would wait on a
// low-priority thread).
//
//   absl::StatusOr<Parsed> p = util::RunNiced(10, [&] { return Parse(bytes);
//   });
#ifndef COV_SERVER_UTIL_NICED_H_
#define COV_SERVER_UTIL_NICED_H_

#include <sys/resource.h>
#include <unistd.h>

#include <optional>
#include <thread>
#include <utility>

namespace cov::server::util {

// Sets the calling thread's nice value to `nice` (Linux keeps one per
// thread; an unprivileged thread can only lower its priority, never raise it
// back, so call it only on threads that end with the work). False when the
// kernel refused (e.g. the thread already runs at a higher nice value).
inline bool LowerThisThread(int nice) {
  return setpriority(PRIO_PROCESS, static_cast<id_t>(gettid()), nice) == 0;
}

// Runs `fn` and returns its result: here when `nice` <= 0, else on a new
// thread at nice value `nice` (LowerThisThread), waiting for it.
template <typename F>
auto RunNiced(int nice, F&& fn) -> decltype(fn()) {
  if (nice <= 0) return fn();
  std::optional<decltype(fn())> result;
  std::thread worker([&] {
    LowerThisThread(nice);
    result.emplace(fn());
  });
  worker.join();
  return *std::move(result);
}

}  // namespace cov::server::util

#endif  // COV_SERVER_UTIL_NICED_H_
