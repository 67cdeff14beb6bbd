// The read queries of cov.v1.CovService answered over one store's models:
// one function per RPC, each taking the request and returning the response
// (the service only maps them to gRPC).
//
//   kb::Models models(&store);
//   absl::StatusOr<cov::v1::CoverageResponse> r = kb::Coverage(models, req);
//
// Errors: kInvalidArgument for malformed requests, kFailedPrecondition when
// no ATT&CK release is stored (queries that need one), kNotFound for
// unknown releases or IDs, store errors otherwise. Thread-safe.
#ifndef COV_SERVER_KB_QUERIES_H_
#define COV_SERVER_KB_QUERIES_H_

#include "absl/status/statusor.h"
#include "cov/v1/cov.pb.h"
#include "server/kb/models.h"

namespace cov::server::kb {

// Coverage of the request's release and profile; identical requests between
// two changes of the models are answered from models.answers().
absl::StatusOr<cov::v1::CoverageResponse> Coverage(
    Models& models, const cov::v1::CoverageRequest& request);

absl::StatusOr<cov::v1::GapsResponse> Gaps(Models& models,
                                           const cov::v1::GapsRequest& request);

// An emulation plan (request's release, the stored tests, CTID plans and
// evidence).
absl::StatusOr<cov::v1::PlanResponse> Plan(Models& models,
                                           const cov::v1::PlanRequest& request);

// kInvalidArgument for an empty ID.
absl::StatusOr<cov::v1::Technique> GetTechnique(
    const store::Store& store, const cov::v1::GetTechniqueRequest& request);

// A group, software or campaign by ID, name or alias.
absl::StatusOr<cov::v1::Actor> GetActor(
    Models& models, const cov::v1::GetActorRequest& request);

absl::StatusOr<cov::v1::SearchResponse> Search(
    Models& models, const cov::v1::SearchRequest& request);

// Releases, sources and sizes; server_version and uptime are the caller's.
absl::StatusOr<cov::v1::Stats> StoreStats(const store::Store& store);

}  // namespace cov::server::kb

#endif  // COV_SERVER_KB_QUERIES_H_
