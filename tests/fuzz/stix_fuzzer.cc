// libFuzzer target for cov::ingest::attack::ParseBundle (STIX bundles).
//
// The input is the bundle; the file name carries a version so bundles
// without an x-mitre-collection object still parse. Besides crashes and
// sanitizer reports it checks the header's promises on success: every
// record round-trips through protobuf (valid UTF-8), lists are sorted by ID,
// at least one technique, counts match the lists, diagnostics are sane.
#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "ingest/attack/stix_bundle.h"
#include "tests/fuzz/fuzz_checks.h"

namespace {

namespace fz = ::cov::tests::fuzz;

template <typename List>
void RequireSortedRoundTrip(const List& list, absl::string_view what) {
  for (size_t i = 0; i < list.size(); ++i) {
    fz::RequireRoundTrip(list[i], absl::StrCat(what, " ", list[i].id()));
    if (i > 0) {
      COV_FUZZ_REQUIRE(!(list[i].id() < list[i - 1].id()),
                       absl::StrCat(what, " sorted by ID: ", list[i - 1].id(),
                                    " before ", list[i].id()));
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::string_view json(reinterpret_cast<const char*>(data), size);
  cov::ingest::attack::ParseOptions options;
  options.file_name = "enterprise-attack-18.1.json";
  absl::StatusOr<cov::ingest::attack::ParsedRelease> r =
      cov::ingest::attack::ParseBundle(json, options);
  if (!r.ok()) {
    COV_FUZZ_REQUIRE(
        r.status().code() == absl::StatusCode::kInvalidArgument,
        absl::StrCat("failure is kInvalidArgument: ", r.status().ToString()));
    return 0;
  }
  fz::RequireRoundTrip(r->release, "release");
  COV_FUZZ_REQUIRE(
      !r->release.domain().empty() && !r->release.version().empty(),
      "release has a domain and a version");
  COV_FUZZ_REQUIRE(!r->techniques.empty(), "a release has techniques");
  COV_FUZZ_REQUIRE(
      r->release.counts().tactics() == static_cast<int>(r->tactics.size()),
      "counts.tactics matches");
  for (const auto& t : r->tactics) fz::RequireRoundTrip(t, "tactic");
  RequireSortedRoundTrip(r->techniques, "technique");
  RequireSortedRoundTrip(r->actors, "actor");
  for (const auto& dc : r->data_components) {
    fz::RequireRoundTrip(dc, "data component");
  }
  RequireSortedRoundTrip(r->mitigations, "mitigation");
  for (const cov::v1::Diagnostic& d : r->diagnostics) {
    fz::RequireDiagnostic(d, fz::MaxLine(json));
  }
  return 0;
}
