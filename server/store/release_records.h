// The records of one ATT&CK release as the store writes them: cov.v1
// messages, nothing from the parsers (the kb layer converts a parsed bundle,
// see server/kb/release_records.h).
//
// The records are borrowed: ReleaseRecords holds pointers to messages the
// caller owns (for a parsed bundle, the parser's arena), and Store::PutRelease
// reads them only during the call. Handing a 45 MB bundle's ~100,000 messages
// to the store thus copies no message.
//
//   cov::v1::Technique t;
//   t.set_id("T1197");
//   store::ReleaseRecords records;
//   records.techniques.push_back(&t);
//   absl::Status s = store.PutRelease(records, release,
//   /*make_default=*/false);
#ifndef COV_SERVER_STORE_RELEASE_RECORDS_H_
#define COV_SERVER_STORE_RELEASE_RECORDS_H_

#include <vector>

#include "cov/v1/attack.pb.h"

namespace cov::server::store {

struct ReleaseRecords {
  // Tactics; stored keyed by order() (kill-chain order).
  std::vector<const cov::v1::Tactic*> tactics;
  // Techniques and sub-techniques (revoked and deprecated ones too), keyed by
  // upper-case id().
  std::vector<const cov::v1::Technique*> techniques;
  // Groups, software and campaigns, keyed by upper-case id().
  std::vector<const cov::v1::Actor*> actors;
  // Data components, keyed by upper-case id(), or "NAME:" + name() before
  // ATT&CK v18 (no DC#### IDs).
  std::vector<const cov::v1::DataComponent*> data_components;
  // Mitigations, keyed by upper-case id().
  std::vector<const cov::v1::MitigationRef*> mitigations;
};

}  // namespace cov::server::store

#endif  // COV_SERVER_STORE_RELEASE_RECORDS_H_
