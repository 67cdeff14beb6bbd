// Suricata EVE JSON alert files (eve.json: one JSON object per line).
//
// Lines whose event_type is "alert" become EveAlerts; other event types
// (flow, dns, http, stats, ...) are counted per type and skipped. An alert
// needs an integer alert.signature_id, else it is malformed. Everything
// else is optional: gid defaults to 1 (Suricata's), strings to "", ports to
// 0. The timestamp ("2024-04-21T10:00:00.123456+0000", see timestamp.h)
// becomes Unix microseconds; an alert with a missing or unreadable one is
// kept with has_timestamp = false and an alerts-bad-timestamp warning. See
// alert_file.h for blank, malformed and over-long lines and the counters.
//
// Streaming (bounded memory whatever the file size):
//   EveReader reader("eve.json", [&](EveAlert&& a) { Count(a); });
//   while (ReadChunk(&buf)) reader.Feed(buf);   // chunks of any size
//   reader.Finish();
//   const AlertStats& stats = reader.stats();
// Whole content in memory:
//   EveFile f = ParseEve(content, "eve.json");
//
// An EveReader is not thread-safe; use one per thread. ParseEve and
// ParseEveLine are thread-safe. Cost: one simdjson DOM parse per line, with
// the parser's buffers reused.
#ifndef COV_INGEST_ALERTS_EVE_H_
#define COV_INGEST_ALERTS_EVE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "ingest/alerts/alert_file.h"

namespace cov::ingest::alerts {

struct EveAlert {
  int64_t line = 0;  // 1-based line in the file
  bool has_timestamp = false;
  int64_t timestamp_micros = 0;  // Unix microseconds, UTC
  int64_t signature_id = 0;      // alert.signature_id (the rule's sid)
  int64_t gid = 1;               // alert.gid
  int64_t rev = 0;               // alert.rev
  std::string signature;         // alert.signature (the rule's msg)
  std::string src_ip;
  int src_port = 0;
  std::string dest_ip;
  int dest_port = 0;
  std::string proto;            // "TCP", "UDP", ...
  std::string http_user_agent;  // http.http_user_agent
  std::string http_hostname;    // http.hostname
  std::string http_url;         // http.url
};

// Feed(chunk), Finish() and stats(): see AlertFileReader (alert_file.h).
using EveReader = AlertFileReader<EveAlert>;
using EveFile = AlertFile<EveAlert>;

// Reads a whole EVE file held in memory. Never fails as a whole.
EveFile ParseEve(absl::string_view content, absl::string_view path,
                 const AlertReaderOptions& options = AlertReaderOptions());

// Reads one line (no '\n'). kAlert fills *alert (line stays 0); kSkipped is
// another event type; kMalformed sets *error (when not null) to the
// reason. A bad timestamp leaves has_timestamp false and sets *error too.
LineKind ParseEveLine(absl::string_view line, EveAlert* alert,
                      std::string* error = nullptr);

}  // namespace cov::ingest::alerts

#endif  // COV_INGEST_ALERTS_EVE_H_
