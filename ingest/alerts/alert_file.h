// Options, counters and line kinds shared by the alert-file readers
// (eve.h: Suricata EVE JSON lines; jsonl.h: generic JSON lines with a rule
// ID). Alert files are imported to record which rules fired during an
// emulation experiment.
//
// Both readers (AlertFileReader<EveAlert> and AlertFileReader<RuleAlert>,
// named EveReader and JsonlReader) take one JSON document per line ('\n'; a
// '\r' before it and a UTF-8 byte order mark at the start are dropped). Blank
// lines are counted and ignored. Lines that are not a JSON object, or alerts
// lacking their rule ID, are malformed: counted exactly, reported as
// Diagnostics with their 1-based line number up to a cap, and skipped; every
// other line is still read. Partial success is not an error.
#ifndef COV_INGEST_ALERTS_ALERT_FILE_H_
#define COV_INGEST_ALERTS_ALERT_FILE_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "cov/v1/rules.pb.h"

namespace cov::ingest::alerts {

struct AlertReaderOptions {
  // Diagnostics kept per file; later ones are only counted in
  // AlertStats::diagnostics_dropped. Default: 100.
  size_t max_diagnostics = 100;
  // Longer lines are malformed (alerts-line-too-long) and never buffered
  // whole, which bounds memory on hostile input. Default: 4 MiB.
  size_t max_line_bytes = 4u << 20;
};

// What a file held. Counts are exact whatever the diagnostics cap.
struct AlertStats {
  int64_t lines = 0;      // lines read, blank ones included
  int64_t blank = 0;      // empty or white space only
  int64_t alerts = 0;     // alerts returned
  int64_t skipped = 0;    // valid JSON objects that are not alerts
  int64_t malformed = 0;  // not a JSON object, or an alert without rule ID
  // Alerts returned without a usable timestamp (each also has an
  // alerts-bad-timestamp warning).
  int64_t without_timestamp = 0;
  // EVE only: event_type -> count of skipped lines; at most 64 distinct
  // types, the rest are counted under "(other)".
  std::map<std::string, int64_t, std::less<>> skipped_event_types;
  // Problems in line order, the first max_diagnostics of them. Codes:
  //   alerts-invalid-json (E)         not JSON (simdjson's reason given)
  //   alerts-not-an-object (E)        JSON, but not an object
  //   alerts-line-too-long (E)        over max_line_bytes
  //   alerts-missing-event-type (E)   EVE line without event_type
  //   alerts-missing-signature-id (E) EVE alert without alert.signature_id
  //   alerts-missing-rule-id (W)      JSON-lines object without a rule ID
  //                                   (counted as skipped)
  //   alerts-bad-timestamp (W)        alert kept without timestamp
  std::vector<cov::v1::Diagnostic> diagnostics;
  int64_t diagnostics_dropped = 0;
};

// How one line was read.
enum class LineKind { kAlert, kSkipped, kBlank, kMalformed };

// Streaming reader of an alert file whose alerts are `Alert`s: EveReader
// (eve.h) and JsonlReader (jsonl.h). Not thread-safe; use one per thread.
// Its members are defined in internal/json_lines.h; each format's .cc
// defines Impl (how a line is read) and instantiates the template.
template <typename Alert>
class AlertFileReader {
 public:
  // Receives each alert, in line order.
  using Sink = std::function<void(Alert&&)>;

  // `path` names the file in diagnostics.
  AlertFileReader(absl::string_view path, Sink sink,
                  const AlertReaderOptions& options = AlertReaderOptions());
  ~AlertFileReader();
  AlertFileReader(const AlertFileReader&) = delete;
  AlertFileReader& operator=(const AlertFileReader&) = delete;

  // Reads the lines `chunk` completes; a line cut by the end of the chunk
  // is finished by the next Feed or by Finish.
  void Feed(absl::string_view chunk);
  // Reads a last line without '\n'. Call once, after the last Feed.
  void Finish();

  const AlertStats& stats() const;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

// A whole alert file read in memory: EveFile, JsonlFile.
template <typename Alert>
struct AlertFile {
  std::vector<Alert> alerts;
  AlertStats stats;
};

}  // namespace cov::ingest::alerts

#endif  // COV_INGEST_ALERTS_ALERT_FILE_H_
