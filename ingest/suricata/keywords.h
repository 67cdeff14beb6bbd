// Static tables of the Suricata rule language: actions, header protocols and
// rule option keywords (Suricata 5 to 7, plus common 8.0 additions).
//
// The keyword table is the union of `suricata --list-keywords=csv` for
// 5.0 / 7.0 / 8.0 plus the aliases Suricata registers for them (`dns_query`,
// `file_data`, `tls_sni`, `ack`, ...). It is used only to warn about
// unknown keywords, so it errs on the side of accepting names.
//
//   IsKnownKeyword("http.uri")   // true
//   IsKnownKeyword("resp")       // false (Snort-only)
//
// All functions are pure and thread-safe.
#ifndef COV_INGEST_SURICATA_KEYWORDS_H_
#define COV_INGEST_SURICATA_KEYWORDS_H_

#include "absl/strings/string_view.h"

namespace cov::ingest::suricata {

// True for a rule action: alert, drop, reject, rejectsrc, rejectdst,
// rejectboth, pass, log, sdrop, activate, dynamic, config. Case-sensitive
// (Suricata only accepts lowercase actions).
bool IsAction(absl::string_view word);

// True for a protocol Suricata accepts in a rule header (`tcp`, `http`,
// `tcp-pkt`, ...). Case-insensitive. A Suricata 8 hook suffix
// (`http1:request_headers`) must be stripped by the caller.
bool IsKnownProtocol(absl::string_view proto);

// True for a rule option keyword known to Suricata 5-7 (or 8.0).
// Case-insensitive, as in Suricata.
bool IsKnownKeyword(absl::string_view name);

}  // namespace cov::ingest::suricata

#endif  // COV_INGEST_SURICATA_KEYWORDS_H_
