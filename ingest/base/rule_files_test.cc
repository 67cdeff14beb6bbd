#include "ingest/base/rule_files.h"

#include "gtest/gtest.h"

namespace cov::ingest {
namespace {

using cov::v1::RuleFormat;

TEST(FormatReadsTest, EachFormatReadsItsExtensions) {
  struct Case {
    RuleFormat format;
    const char* path;
    bool reads;
  } cases[] = {
      {cov::v1::RULE_FORMAT_SIGMA, "rules/windows/a.yml", true},
      {cov::v1::RULE_FORMAT_SIGMA, "rules/B.YAML", true},
      {cov::v1::RULE_FORMAT_SIGMA, "rules/a.yml.bak", false},
      {cov::v1::RULE_FORMAT_SIGMA, "rules/.yml", false},
      {cov::v1::RULE_FORMAT_SIGMA, "rules.yml/README", false},
      {cov::v1::RULE_FORMAT_SURICATA, "emerging-dns.rules", true},
      {cov::v1::RULE_FORMAT_SURICATA, "x.rule", false},
      {cov::v1::RULE_FORMAT_YARA, "apt/a.yar", true},
      {cov::v1::RULE_FORMAT_YARA, "apt/a.Yara", true},
      {cov::v1::RULE_FORMAT_YARA, "apt/a.rule", true},
      {cov::v1::RULE_FORMAT_YARA, "apt/a.rules", true},
      {cov::v1::RULE_FORMAT_YARA, "apt/a.yml", false},
      {cov::v1::RULE_FORMAT_ELASTIC, "rules/windows/x.toml", true},
      {cov::v1::RULE_FORMAT_ELASTIC, "rules/windows/x.yml", false},
      {cov::v1::RULE_FORMAT_SPLUNK, "detections/endpoint/x.yml", true},
      {cov::v1::RULE_FORMAT_SENTINEL, "Detections/x.yaml", true},
      {cov::v1::RULE_FORMAT_SENTINEL, "Detections/x.json", false},
      {cov::v1::RULE_FORMAT_LAYER, "layers/azure.json", true},
      {cov::v1::RULE_FORMAT_LAYER, "products.CSV", true},
      {cov::v1::RULE_FORMAT_LAYER, "layers/azure.yml", false},
      {cov::v1::RULE_FORMAT_UNSPECIFIED, "a.yml", false},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(FormatReads(c.format, c.path), c.reads)
        << cov::v1::RuleFormat_Name(c.format) << " " << c.path;
  }
}

}  // namespace
}  // namespace cov::ingest
