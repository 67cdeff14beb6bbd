// Unified diffs of two versions of a text file, as `diff -u` / `git diff`
// write them, for showing and applying `cov fix` rewrites.
//
//   std::string d = UnifiedDiff("rules/x.yml", before, after);
//   // --- a/rules/x.yml
//   // +++ b/rules/x.yml
//   // @@ -3,7 +3,7 @@
//   //  ...
//   // -  - attack.t1086
//   // +  - attack.t1059.001
//
// File names are written as git writes them, so `patch -p1` and `git apply`
// find the file: a name with a double quote, backslash, control character or
// non-ASCII byte is C-quoted (`--- "a/\303\251.yml"`), and a name holding a
// space is followed by a TAB (`--- a/my rules/x.yml<TAB>`).
//
// Lines are compared byte for byte including their terminators, so a change
// of line ending is a change; CR bytes are kept in the output lines (`patch
// --binary` and `git apply` apply such diffs to CRLF files). A last line
// without a newline is followed by `\ No newline at end of file`. Hunk
// headers follow GNU diff: a count of 1 is omitted (`@@ -3 +3 @@`) and an
// empty range names the line before it (`@@ -0,0 +1,2 @@`).
#ifndef COV_SERVER_CHECK_UNIFIED_DIFF_H_
#define COV_SERVER_CHECK_UNIFIED_DIFF_H_

#include <string>

#include "absl/strings/string_view.h"

namespace cov::server::check {

// The unified diff turning `before` into `after`, with `context` unchanged
// lines around each change (negative counts as 0); "" when they are equal.
// The edit script is a shortest one (Myers' O(ND) algorithm, linear space),
// so the cost is O((N + M) * D) for N, M lines and D changed lines.
// Thread-safe.
std::string UnifiedDiff(absl::string_view path, absl::string_view before,
                        absl::string_view after, int context = 3);

}  // namespace cov::server::check

#endif  // COV_SERVER_CHECK_UNIFIED_DIFF_H_
