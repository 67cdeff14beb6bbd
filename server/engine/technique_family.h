// Whether evidence about one technique speaks for another: the same ID, or
// a parent and one of its sub-techniques. An attack emulating T1087.002 that
// a rule on T1087 catches was detected, and so was an attack planned as
// T1087 that a rule on T1087.002 catches. Used when replayed logs or scanned
// files are turned into experiment results. Pure; thread-safe.
//
//   SameFamily("T1087", "T1087.002") == true
//   SameFamily("T1087.001", "T1087.002") == false
#ifndef COV_SERVER_ENGINE_TECHNIQUE_FAMILY_H_
#define COV_SERVER_ENGINE_TECHNIQUE_FAMILY_H_

#include "absl/strings/match.h"
#include "absl/strings/string_view.h"

namespace cov::server::engine {

inline bool SameFamily(absl::string_view planned, absl::string_view covered) {
  if (planned == covered) return true;
  auto parent_of = [](absl::string_view parent, absl::string_view sub) {
    return sub.size() > parent.size() && absl::StartsWith(sub, parent) &&
           sub[parent.size()] == '.';
  };
  return parent_of(planned, covered) || parent_of(covered, planned);
}

}  // namespace cov::server::engine

#endif  // COV_SERVER_ENGINE_TECHNIQUE_FAMILY_H_
