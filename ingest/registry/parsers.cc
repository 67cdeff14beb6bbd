#include "ingest/registry/parsers.h"

#include "absl/strings/ascii.h"
#include "ingest/sigma/sigma_parser.h"
#include "ingest/suricata/suricata_parser.h"
#include "ingest/yara/yara_parser.h"

namespace cov::ingest {

const RuleParser* ParserFor(cov::v1::RuleFormat format) {
  static const auto* kSigma = new sigma::SigmaParser();
  static const auto* kSuricata = new suricata::SuricataParser();
  static const auto* kYara = new yara::YaraParser();
  switch (format) {
    case cov::v1::RULE_FORMAT_SIGMA:
      return kSigma;
    case cov::v1::RULE_FORMAT_SURICATA:
      return kSuricata;
    case cov::v1::RULE_FORMAT_YARA:
      return kYara;
    default:
      return nullptr;
  }
}

cov::v1::RuleFormat FormatFromName(absl::string_view name) {
  std::string n = absl::AsciiStrToLower(name);
  if (n == "sigma") return cov::v1::RULE_FORMAT_SIGMA;
  if (n == "suricata" || n == "snort") return cov::v1::RULE_FORMAT_SURICATA;
  if (n == "yara") return cov::v1::RULE_FORMAT_YARA;
  return cov::v1::RULE_FORMAT_UNSPECIFIED;
}

absl::string_view FormatName(cov::v1::RuleFormat format) {
  switch (format) {
    case cov::v1::RULE_FORMAT_SIGMA:
      return "sigma";
    case cov::v1::RULE_FORMAT_SURICATA:
      return "suricata";
    case cov::v1::RULE_FORMAT_YARA:
      return "yara";
    default:
      return "unspecified";
  }
}

}  // namespace cov::ingest
