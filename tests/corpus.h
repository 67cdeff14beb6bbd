// Locates ../shared/corpus (the real ATT&CK and rule corpora) for tests and
// benchmarks, and reads files from it.
//
// Tests never skip when the corpus is missing: CorpusDir() fails the test.
#ifndef COV_TESTS_CORPUS_H_
#define COV_TESTS_CORPUS_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace cov::testing {

// The corpus root. Looks at $COV_CORPUS_DIR, then ../shared/corpus relative
// to the workspace (found from $BUILD_WORKSPACE_DIRECTORY, the test's
// runfiles path or the working directory), then /work/shared/corpus.
// Returns kNotFound naming every place it looked.
absl::StatusOr<std::string> CorpusDir();

// CorpusDir() + "/" + relative.
absl::StatusOr<std::string> CorpusPath(absl::string_view relative);

// Reads a whole file.
absl::StatusOr<std::string> ReadFileToString(absl::string_view path);

}  // namespace cov::testing

#endif  // COV_TESTS_CORPUS_H_
