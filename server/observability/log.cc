#include "server/observability/log.h"

#include <unistd.h>

#include <string>

#include "absl/strings/str_cat.h"

namespace cov::server::observability {

void LogLine(absl::string_view line) {
  const std::string whole = absl::StrCat("covd: ", line, "\n");
  // One write(2) per line: whole lines even across threads and processes.
  size_t done = 0;
  while (done < whole.size()) {
    ssize_t n =
        ::write(STDERR_FILENO, whole.data() + done, whole.size() - done);
    if (n <= 0) return;
    done += static_cast<size_t>(n);
  }
}

}  // namespace cov::server::observability
