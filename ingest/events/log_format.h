// What kind of event log a file holds, told from its first bytes (never
// from its name): Windows .evtx ("ElfFile\0"), zip ("PK\3\4", or "PK\5\6"
// for an empty archive), JSON (first character after an optional UTF-8 BOM
// and blanks is '{' or '['; a file of blanks only is an empty JSON log).
// Anything else is not an event log; a few common kinds are named for the
// diagnostic (pcap, pcapng, gzip, PE executable, ELF, AppleDouble).
//
//   LogFormat f = DetectLogFormat(first_4096_bytes);
//
// Pure and thread-safe.
#ifndef COV_INGEST_EVENTS_LOG_FORMAT_H_
#define COV_INGEST_EVENTS_LOG_FORMAT_H_

#include <string>

#include "absl/strings/string_view.h"

namespace cov::ingest::events {

enum class LogFormat { kEvtx, kZip, kJson, kUnknown };

// `head` is the start of the file (4 KiB is plenty; fewer bytes when the
// file is shorter). For JSON, the decision needs the first non-blank byte:
// a head of blanks only is kJson.
LogFormat DetectLogFormat(absl::string_view head);

// For kUnknown: "a packet capture (pcap)", "binary data", "text", ...
std::string DescribeContent(absl::string_view head);

}  // namespace cov::ingest::events

#endif  // COV_INGEST_EVENTS_LOG_FORMAT_H_
