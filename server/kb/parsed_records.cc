#include "server/kb/parsed_records.h"

#include <vector>

namespace cov::server::kb {
namespace {

template <typename T>
std::vector<const T*> Pointers(const ingest::attack::ArenaList<T>& list) {
  std::vector<const T*> out;
  out.reserve(list.size());
  for (const T& m : list) out.push_back(&m);
  return out;
}

}  // namespace

store::ReleaseRecords RecordsOf(const ingest::attack::ParsedRelease& parsed) {
  store::ReleaseRecords r;
  r.tactics = Pointers(parsed.tactics);
  r.techniques = Pointers(parsed.techniques);
  r.actors = Pointers(parsed.actors);
  r.data_components = Pointers(parsed.data_components);
  r.mitigations = Pointers(parsed.mitigations);
  return r;
}

}  // namespace cov::server::kb
