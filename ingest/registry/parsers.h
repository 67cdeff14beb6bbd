// The one table of rule-format parsers. Adding a format means adding its
// package under ingest/ and one line in parsers.cc.
#ifndef COV_INGEST_REGISTRY_PARSERS_H_
#define COV_INGEST_REGISTRY_PARSERS_H_

#include "absl/strings/string_view.h"
#include "cov/v1/rules.pb.h"
#include "ingest/base/rule_parser.h"

namespace cov::ingest {

// The parser of `format`, or nullptr for RULE_FORMAT_UNSPECIFIED. The
// returned parsers are immutable singletons, safe to share between threads.
const RuleParser* ParserFor(cov::v1::RuleFormat format);

// "sigma" / "suricata" / "snort" / "yara" / "elastic" / "splunk" / "escu" /
// "sentinel" / "layer" / "navigator" -> format; UNSPECIFIED otherwise.
cov::v1::RuleFormat FormatFromName(absl::string_view name);

// "sigma", "suricata", "yara", "elastic", "splunk", "sentinel", "layer", or
// "unspecified".
absl::string_view FormatName(cov::v1::RuleFormat format);

}  // namespace cov::ingest

#endif  // COV_INGEST_REGISTRY_PARSERS_H_
