// Lists the files of a source folder the way every cov reader does: regular
// files only, hidden folders (.git, ...) skipped, symlinks never followed
// (they could lead out of the root), sorted by their path below the root.
//
//   absl::StatusOr<std::vector<WalkedFile>> files = WalkFiles(
//       "/srv/rules/sigma", [](absl::string_view rel) {
//         return absl::EndsWith(rel, ".yml");
//       });
#ifndef COV_INGEST_BASE_FILE_WALK_H_
#define COV_INGEST_BASE_FILE_WALK_H_

#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace cov::ingest {

struct WalkedFile {
  std::string full;  // root/<rel>
  std::string rel;   // below the root, '/'-separated; the file name when the
                     // root is a file
};

// The files under `root` whose `rel` passes `accept`, sorted by rel; or
// `root` itself, accepted or not, when it is a regular file (the user named
// it). Symlinks met on the way are listed
// in *symlinks (when given) by rel if they name a folder or an accepted
// name. kUnavailable when `root` cannot be listed or the walk breaks off.
absl::StatusOr<std::vector<WalkedFile>> WalkFiles(
    const std::string& root,
    const std::function<bool(absl::string_view rel)>& accept,
    std::vector<std::string>* symlinks = nullptr);

}  // namespace cov::ingest

#endif  // COV_INGEST_BASE_FILE_WALK_H_
