// Generic alert files: JSON lines, each an object carrying the ID of the
// rule that fired (SIEM exports, Sigma backends, EDR alert dumps).
//
// The rule ID is the first present of these keys, each a non-empty string
// or an integer (kept as decimal text):
//   rule_id, ruleId, sigma_id, "rule.id" (a key with a dot), rule.id
//   (nested: {"rule": {"id": ...}}), signature_id
// The timestamp is the first present of: timestamp, @timestamp, time —
// an RFC 3339 string (see timestamp.h), a number of Unix seconds, or a
// string of Unix seconds ("1713693600.5"). An alert whose timestamp is
// missing or unreadable is kept with has_timestamp = false and an
// alerts-bad-timestamp warning. An object without a rule ID is not an alert:
// counted as skipped, with an alerts-missing-rule-id warning. See
// alert_file.h for blank, malformed and over-long lines and the counters.
//
//   JsonlReader reader("alerts.jsonl", [&](RuleAlert&& a) { Use(a); });
//   reader.Feed(chunk); ...; reader.Finish();
//   JsonlFile f = ParseAlertJsonl(content, "alerts.jsonl");  // in memory
//
// A JsonlReader is not thread-safe; ParseAlertJsonl and ParseAlertJsonlLine
// are.
#ifndef COV_INGEST_ALERTS_JSONL_H_
#define COV_INGEST_ALERTS_JSONL_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "ingest/alerts/alert_file.h"

namespace cov::ingest::alerts {

struct RuleAlert {
  int64_t line = 0;  // 1-based line in the file
  std::string rule_id;
  bool has_timestamp = false;
  int64_t timestamp_micros = 0;  // Unix microseconds, UTC
};

// Feed(chunk), Finish() and stats(): see AlertFileReader (alert_file.h).
using JsonlReader = AlertFileReader<RuleAlert>;
using JsonlFile = AlertFile<RuleAlert>;

// Reads a whole file held in memory. Never fails as a whole.
JsonlFile ParseAlertJsonl(
    absl::string_view content, absl::string_view path,
    const AlertReaderOptions& options = AlertReaderOptions());

// Reads one line (no '\n'); kSkipped means no rule ID. *error (when not
// null) gets the reason for kMalformed / kSkipped or a timestamp problem.
LineKind ParseAlertJsonlLine(absl::string_view line, RuleAlert* alert,
                             std::string* error = nullptr);

}  // namespace cov::ingest::alerts

#endif  // COV_INGEST_ALERTS_JSONL_H_
