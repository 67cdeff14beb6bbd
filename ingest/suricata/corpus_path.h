// Test-only helpers to find and read the shared corpus
// (`../shared/corpus` relative to the workspace root).
//
//   absl::StatusOr<std::string> dir = FindCorpusDir();
//   // tries $COV_CORPUS_DIR, /work/shared/corpus, then
//   // <realpath($BUILD_WORKSPACE_DIRECTORY or $PWD)>/../shared/corpus
//
// Not thread-safe with respect to environment changes; otherwise pure.
#ifndef COV_INGEST_SURICATA_CORPUS_PATH_H_
#define COV_INGEST_SURICATA_CORPUS_PATH_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace cov::ingest::suricata {

// The corpus root directory, or NotFound listing every place tried.
absl::StatusOr<std::string> FindCorpusDir();

// Whole contents of `path`; Unavailable when it cannot be read.
absl::StatusOr<std::string> ReadFileToString(const std::string& path);

// Regular files directly inside `dir` whose name ends with `suffix`,
// sorted by name; NotFound when `dir` is not a directory.
absl::StatusOr<std::vector<std::string>> ListFiles(const std::string& dir,
                                                   absl::string_view suffix);

}  // namespace cov::ingest::suricata

#endif  // COV_INGEST_SURICATA_CORPUS_PATH_H_
