// The kb layer's bridge from the ATT&CK parser to the store: a parsed bundle
// (ingest/attack) viewed as the store's records (server/store/
// release_records.h), so the store never sees a parser type.
//
//   absl::StatusOr<ingest::attack::ParsedRelease> parsed = ParseBundle(...);
//   store.PutRelease(kb::RecordsOf(*parsed), release, false);
#ifndef COV_SERVER_KB_PARSED_RECORDS_H_
#define COV_SERVER_KB_PARSED_RECORDS_H_

#include "ingest/attack/stix_bundle.h"
#include "server/store/release_records.h"

namespace cov::server::kb {

// Pointers to `parsed`'s messages (no copies), in its order; valid while
// `parsed` lives and its lists do not change.
store::ReleaseRecords RecordsOf(const ingest::attack::ParsedRelease& parsed);

}  // namespace cov::server::kb

#endif  // COV_SERVER_KB_PARSED_RECORDS_H_
