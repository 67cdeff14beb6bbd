#include "server/observability/store_gauges.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"

namespace cov::server::observability {

bool StoreReady(const cov::server::store::Store* store) {
  if (store == nullptr) return false;
  auto releases = store->ListReleases();
  return releases.ok() && !releases->empty();
}

void AddStoreGauges(const cov::server::store::Store* store, GaugeWriter* w) {
  constexpr absl::string_view kReadyHelp =
      "1 when covd can answer queries (the store holds an ATT&CK release).";
  if (store == nullptr) {
    w->Add("cov_ready", kReadyHelp, {}, 0);
    return;
  }
  auto releases = store->ListReleases();
  w->Add("cov_ready", kReadyHelp, {},
         releases.ok() && !releases->empty() ? 1 : 0);
  w->Add("cov_store_size_bytes", "Approximate on-disk size of the store.", {},
         static_cast<double>(store->ApproximateSizeBytes()));
  if (releases.ok()) {
    w->Add("cov_releases", "ATT&CK releases stored.", {},
           static_cast<double>(releases->size()));
    for (const cov::v1::Release& r : *releases) {
      w->Add("cov_release_ingested_timestamp_seconds",
             "When each ATT&CK release was ingested (unix seconds).",
             {{"release", absl::StrCat(r.domain(), "@", r.version())}},
             static_cast<double>(r.ingested_at_unix()));
    }
  }
  constexpr absl::string_view kIngestHelp =
      "When each source was last ingested (unix seconds); kind is rules "
      "(Sigma, Suricata, YARA) or library (atomics, plans).";
  if (auto sources = store->ListSources(); sources.ok()) {
    int64_t total = 0;
    for (const cov::v1::Source& s : *sources) {
      w->Add("cov_source_last_ingest_timestamp_seconds", kIngestHelp,
             {{"source", s.name()}, {"kind", "rules"}},
             static_cast<double>(s.ingested_at_unix()));
      total += s.rule_count();
    }
    for (const cov::v1::Source& s : *sources) {
      w->Add("cov_source_rules", "Rules of each rule source.",
             {{"source", s.name()}}, s.rule_count());
    }
    w->Add("cov_rules", "Rules of all rule sources.", {},
           static_cast<double>(total));
  }
  if (auto library = store->ListLibrarySources(); library.ok()) {
    for (const cov::v1::Source& s : *library) {
      w->Add("cov_source_last_ingest_timestamp_seconds", kIngestHelp,
             {{"source", s.name()}, {"kind", "library"}},
             static_cast<double>(s.ingested_at_unix()));
    }
  }
}

}  // namespace cov::server::observability
