// The shared YAML rule reader (yaml_list.h) through SplunkParser: files the
// libyaml path refuses, or whose diagnostics need a position only yaml-cpp
// gives, come out exactly as yaml-cpp reads them; hostile input is bounded.
#include "ingest/splunk/yaml_list.h"

#include <chrono>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "ingest/base/diagnostics.h"
#include "ingest/splunk/splunk_parser.h"

namespace cov::ingest::splunk {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::vector<std::string> Printed(const ParsedFile& f) {
  std::vector<std::string> v;
  for (const auto& d : f.diagnostics) v.push_back(FormatDiagnostic(d));
  for (const auto& r : f.rules) v.push_back(r.DebugString());
  return v;
}

// Parses with the fast path and with yaml-cpp only; expects the same.
std::vector<std::string> Both(const std::string& text,
                              const std::string& path = "detections/x.yml") {
  const SourceFile file = {path, text, "escu"};
  const std::vector<std::string> fast = Printed(SplunkParser().Parse(file));
  const std::vector<std::string> full =
      Printed(SplunkParser(SplunkParserOptions{false}).Parse(file));
  EXPECT_EQ(fast, full) << text;
  return fast;
}

constexpr char kId[] = "id: ea91651a-772a-4b02-ac3d-985b364a5f07\n";

TEST(YamlRuleReaderTest, SyntaxErrorIsYamlCppsMessage) {
  const std::vector<std::string> out =
      Both(absl::StrCat(kId, "name: [unclosed\n"));
  ASSERT_EQ(out.size(), 1u);
  EXPECT_THAT(out[0], HasSubstr("detections/x.yml:3:1: error: invalid YAML: "));
  EXPECT_THAT(out[0], HasSubstr("[splunk-yaml-syntax]"));
}

TEST(YamlRuleReaderTest, AnchorsAliasesAndTagsReadAsYamlCppDoes) {
  const std::vector<std::string> out =
      Both(absl::StrCat(kId, "name: &n Title\ntype: !!str TTP\n",
                        "tags:\n  mitre_attack_id: [*n, T1003]\n"));
  ASSERT_EQ(out.size(), 2u);
  EXPECT_THAT(out[0], HasSubstr("mitre_attack_id 'Title' is not an ATT&CK"));
}

TEST(YamlRuleReaderTest, PositionOfAnEmptyValueComesFromYamlCpp) {
  // `status:` with nothing after it: yaml-cpp places the null at the next
  // token, libyaml at the colon; the warning must carry yaml-cpp's place.
  const std::vector<std::string> out =
      Both(absl::StrCat(kId, "status:\nname: x\n"), "deprecated/x.yml");
  ASSERT_EQ(out.size(), 2u);
  EXPECT_THAT(out[0], HasSubstr("[splunk-deprecated-folder]"));
  EXPECT_THAT(out[0], HasSubstr("deprecated/x.yml:3:1: warning:"));
}

TEST(YamlRuleReaderTest, ColumnsAreBytesAfterNonAscii) {
  const std::vector<std::string> out = Both(absl::StrCat(
      kId, "tags:\n  mitre_attack_id: [\"\xC3\xA9t\xC3\xA9\", T1003]\n"));
  ASSERT_EQ(out.size(), 2u);
  EXPECT_THAT(out[0], HasSubstr("detections/x.yml:3:21: warning:"));
}

TEST(YamlRuleReaderTest, HostileInputIsBounded) {
  std::string bomb = absl::StrCat(kId, "a: &a [x, x, x, x, x, x, x, x, x]\n");
  for (char c = 'b'; c <= 'z'; ++c) {
    absl::StrAppend(&bomb, std::string(1, c), ": &", std::string(1, c), " [");
    for (int i = 0; i < 9; ++i) {
      absl::StrAppend(&bomb, i ? ", " : "", "*", std::string(1, c - 1));
    }
    absl::StrAppend(&bomb, "]\n");
  }
  absl::StrAppend(&bomb, "references: *z\ndata_source: *z\n",
                  "tags:\n  mitre_attack_id: *z\n");
  const std::string deep =
      absl::StrCat(kId, "references: ", std::string(5000, '['),
                   std::string(5000, ']'), "\n");
  const std::string huge =
      absl::StrCat(kId, "search: '", std::string(1 << 20, 'q'), "'\n");
  const auto t0 = std::chrono::steady_clock::now();
  for (const std::string* text :
       std::vector<const std::string*>{&bomb, &deep, &huge}) {
    const ParsedFile f = SplunkParser().Parse({"d/x.yml", *text, "escu"});
    EXPECT_FALSE(f.diagnostics.empty() && f.rules.empty());
  }
  EXPECT_LT(std::chrono::duration_cast<std::chrono::seconds>(
                std::chrono::steady_clock::now() - t0)
                .count(),
            20);
  Both(bomb);
  Both(deep);
  EXPECT_EQ(SplunkParser().Parse({"d/x.yml", huge, "escu"}).rules[0].query(),
            std::string(kMaxQueryBytes, 'q'));
}

TEST(YamlRuleReaderTest, InvalidUtf8IsRejectedBeforeAnyYaml) {
  const std::vector<std::string> out =
      Both(absl::StrCat(kId, "name: \xFF\xFE\n"));
  ASSERT_EQ(out.size(), 1u);
  EXPECT_THAT(out[0], HasSubstr("[splunk-input]"));
}

}  // namespace
}  // namespace cov::ingest::splunk
