// Test helper: a release's records owned in plain vectors, for tests that
// write releases without parsing a bundle.
//
//   store::TestRelease p;
//   p.release.set_domain("enterprise-attack");
//   p.release.set_version("18.1");
//   p.techniques.emplace_back().set_id("T1197");
//   ASSERT_TRUE(store.PutRelease(p.Records(), p.release, false).ok());
#ifndef COV_SERVER_STORE_TEST_RELEASE_H_
#define COV_SERVER_STORE_TEST_RELEASE_H_

#include <vector>

#include "cov/v1/attack.pb.h"
#include "server/store/release_records.h"

namespace cov::server::store {

struct TestRelease {
  cov::v1::Release release;
  std::vector<cov::v1::Tactic> tactics;
  std::vector<cov::v1::Technique> techniques;
  std::vector<cov::v1::Actor> actors;
  std::vector<cov::v1::DataComponent> data_components;
  std::vector<cov::v1::MitigationRef> mitigations;

  // Pointers into the vectors above: valid until they change.
  ReleaseRecords Records() const {
    ReleaseRecords r;
    for (const auto& m : tactics) r.tactics.push_back(&m);
    for (const auto& m : techniques) r.techniques.push_back(&m);
    for (const auto& m : actors) r.actors.push_back(&m);
    for (const auto& m : data_components) r.data_components.push_back(&m);
    for (const auto& m : mitigations) r.mitigations.push_back(&m);
    return r;
  }
};

}  // namespace cov::server::store

#endif  // COV_SERVER_STORE_TEST_RELEASE_H_
