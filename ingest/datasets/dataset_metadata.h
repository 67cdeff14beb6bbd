// OTRF Security-Datasets metadata (datasets/atomic/_metadata/SDWIN-*.yaml):
// what a recorded attack simulation claims to contain, so cov can replay it
// as a ready-made experiment.
//
// Read from each metadata document:
//   id, title                      the dataset's identity
//   attack_mappings[]              technique (+ sub-technique "002" ->
//                                  "T1087.002"), tactics (TA####)
//   files[] {type, link}           the recorded files; a link's path after
//                                  ".../master/" is its location relative to
//                                  the repository root (the folder holding
//                                  `datasets/`)
// Only `type: Host` files hold event logs; others (Network: packet captures)
// are listed but flagged. The parser is pure: bytes in, record out; it never
// opens the linked files.
//
// Diagnostic codes (severity): dataset-yaml-syntax (E), dataset-missing-field
// (E: id or attack_mappings), dataset-invalid-technique (W: a mapping whose
// technique is not T#### or whose sub-technique is not ###; skipped),
// dataset-invalid-link (W: a file link without "/master/"; skipped).
//
//   absl::StatusOr<DatasetMetadata> m =
//       ParseDatasetMetadata("SDWIN-190319021158.yaml", bytes, &diags);
#ifndef COV_INGEST_DATASETS_DATASET_METADATA_H_
#define COV_INGEST_DATASETS_DATASET_METADATA_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "cov/v1/rules.pb.h"

namespace cov::ingest::datasets {

struct DatasetFile {
  // "Host", "Network", ... as written.
  std::string type;
  // Path relative to the repository root, e.g.
  // "datasets/atomic/windows/discovery/host/x.zip".
  std::string relative_path;
  // True for type Host (event logs).
  bool is_host = false;
};

struct DatasetMetadata {
  std::string id;
  std::string title;
  // Technique IDs of attack_mappings ("T1087.002"), in file order, unique.
  std::vector<std::string> techniques;
  // Tactic IDs named by the mappings, unique, in file order.
  std::vector<std::string> tactics;
  std::vector<DatasetFile> files;
};

// Parses one metadata file. Errors that make the document unusable
// (syntax, no id, no attack_mappings) return kInvalidArgument with the
// message "<file>:<line>: <what>" and also append a Diagnostic.
absl::StatusOr<DatasetMetadata> ParseDatasetMetadata(
    absl::string_view file, absl::string_view bytes,
    std::vector<cov::v1::Diagnostic>* diagnostics);

}  // namespace cov::ingest::datasets

#endif  // COV_INGEST_DATASETS_DATASET_METADATA_H_
