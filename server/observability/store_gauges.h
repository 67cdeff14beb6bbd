// Gauges describing the cov store, computed at scrape time, and the
// readiness rule of covd.
//
//   metrics.AddGauges([&] (GaugeWriter* w) { AddStoreGauges(store(), w); });
//
// Families (each skipped when the store cannot answer it):
//   cov_ready                                  1 when StoreReady(), else 0
//   cov_store_size_bytes                       Store::ApproximateSizeBytes
//   cov_releases                               ATT&CK releases stored
//   cov_release_ingested_timestamp_seconds{release="enterprise-attack@18.1"}
//   cov_source_last_ingest_timestamp_seconds{source="sigma",kind="rules"}
//                                              kind: rules | library
//   cov_source_rules{source="sigma"}           rules of a rule source
//   cov_rules                                  rules of all rule sources
#ifndef COV_SERVER_OBSERVABILITY_STORE_GAUGES_H_
#define COV_SERVER_OBSERVABILITY_STORE_GAUGES_H_

#include "server/observability/metrics.h"
#include "server/store/store.h"

namespace cov::server::observability {

// True when `store` is non-null and holds at least one ATT&CK release (every
// query needs one). Costs one ListReleases.
bool StoreReady(const cov::server::store::Store* store);

// Adds the families above; `store` null adds only cov_ready 0.
void AddStoreGauges(const cov::server::store::Store* store, GaugeWriter* w);

}  // namespace cov::server::observability

#endif  // COV_SERVER_OBSERVABILITY_STORE_GAUGES_H_
