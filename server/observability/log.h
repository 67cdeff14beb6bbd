// The server's one logger for operational lines (ingests, restores, denied
// calls, start and stop): each line goes to stderr whole, prefixed "covd: ",
// so concurrent handlers never interleave half-lines. Per-RPC JSON lines are
// the rpc_log_interceptor's, not this.
//
//   observability::Log("ingest %s -> source %s", kind, name);
//
// Thread-safe. abseil 20220623 (Debian 12) has no absl/log, hence this.
#ifndef COV_SERVER_OBSERVABILITY_LOG_H_
#define COV_SERVER_OBSERVABILITY_LOG_H_

#include "absl/strings/str_format.h"
#include "absl/strings/string_view.h"

namespace cov::server::observability {

// Writes "covd: <line>\n" to stderr in one write.
void LogLine(absl::string_view line);

template <typename... Args>
void Log(const absl::FormatSpec<Args...>& format, const Args&... args) {
  LogLine(absl::StrFormat(format, args...));
}

}  // namespace cov::server::observability

#endif  // COV_SERVER_OBSERVABILITY_LOG_H_
