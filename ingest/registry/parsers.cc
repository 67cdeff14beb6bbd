#include "ingest/registry/parsers.h"

#include "absl/strings/ascii.h"
#include "ingest/elastic/elastic_parser.h"
#include "ingest/layer/layer_parser.h"
#include "ingest/sentinel/sentinel_parser.h"
#include "ingest/sigma/sigma_parser.h"
#include "ingest/splunk/splunk_parser.h"
#include "ingest/suricata/suricata_parser.h"
#include "ingest/yara/yara_parser.h"

namespace cov::ingest {

const RuleParser* ParserFor(cov::v1::RuleFormat format) {
  static const auto* kSigma = new sigma::SigmaParser();
  static const auto* kSuricata = new suricata::SuricataParser();
  static const auto* kYara = new yara::YaraParser();
  static const auto* kElastic = new elastic::ElasticParser();
  static const auto* kSplunk = new splunk::SplunkParser();
  static const auto* kSentinel = new sentinel::SentinelParser();
  static const auto* kLayer = new layer::LayerParser();
  switch (format) {
    case cov::v1::RULE_FORMAT_SIGMA:
      return kSigma;
    case cov::v1::RULE_FORMAT_SURICATA:
      return kSuricata;
    case cov::v1::RULE_FORMAT_YARA:
      return kYara;
    case cov::v1::RULE_FORMAT_ELASTIC:
      return kElastic;
    case cov::v1::RULE_FORMAT_SPLUNK:
      return kSplunk;
    case cov::v1::RULE_FORMAT_SENTINEL:
      return kSentinel;
    case cov::v1::RULE_FORMAT_LAYER:
      return kLayer;
    default:
      return nullptr;
  }
}

cov::v1::RuleFormat FormatFromName(absl::string_view name) {
  std::string n = absl::AsciiStrToLower(name);
  if (n == "sigma") return cov::v1::RULE_FORMAT_SIGMA;
  if (n == "suricata" || n == "snort") return cov::v1::RULE_FORMAT_SURICATA;
  if (n == "yara") return cov::v1::RULE_FORMAT_YARA;
  if (n == "elastic") return cov::v1::RULE_FORMAT_ELASTIC;
  if (n == "splunk" || n == "escu") return cov::v1::RULE_FORMAT_SPLUNK;
  if (n == "sentinel") return cov::v1::RULE_FORMAT_SENTINEL;
  if (n == "layer" || n == "navigator") return cov::v1::RULE_FORMAT_LAYER;
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
    case cov::v1::RULE_FORMAT_ELASTIC:
      return "elastic";
    case cov::v1::RULE_FORMAT_SPLUNK:
      return "splunk";
    case cov::v1::RULE_FORMAT_SENTINEL:
      return "sentinel";
    case cov::v1::RULE_FORMAT_LAYER:
      return "layer";
    default:
      return "unspecified";
  }
}

}  // namespace cov::ingest
