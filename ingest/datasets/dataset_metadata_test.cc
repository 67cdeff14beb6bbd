#include "ingest/datasets/dataset_metadata.h"

#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/corpus.h"

namespace cov::ingest::datasets {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr char kFixture[] = R"(title: Empire Net Domain Users
id: SDWIN-190319021158
attack_mappings:
  - technique: T1087
    sub-technique: "002"
    tactics:
      - TA0007
  - technique: t1059
    tactics: [TA0002, TA0007]
  - technique: T1087
    sub-technique: "002"
  - technique: TX99
files:
- type: Host
  link: https://raw.githubusercontent.com/OTRF/Security-Datasets/master/datasets/atomic/windows/discovery/host/a.zip
- type: Network
  link: https://raw.githubusercontent.com/OTRF/Security-Datasets/master/datasets/atomic/windows/discovery/network/a.zip
- type: Host
  link: https://example.com/elsewhere.zip
)";

TEST(DatasetMetadataTest, ReadsMappingsAndFiles) {
  std::vector<cov::v1::Diagnostic> diags;
  absl::StatusOr<DatasetMetadata> m =
      ParseDatasetMetadata("m.yaml", kFixture, &diags);
  ASSERT_TRUE(m.ok()) << m.status();
  EXPECT_EQ(m->id, "SDWIN-190319021158");
  EXPECT_EQ(m->title, "Empire Net Domain Users");
  EXPECT_THAT(m->techniques, ElementsAre("T1087.002", "T1059"));
  EXPECT_THAT(m->tactics, ElementsAre("TA0007", "TA0002"));
  ASSERT_EQ(m->files.size(), 2u);
  EXPECT_EQ(m->files[0].relative_path,
            "datasets/atomic/windows/discovery/host/a.zip");
  EXPECT_TRUE(m->files[0].is_host);
  EXPECT_FALSE(m->files[1].is_host);
  ASSERT_EQ(diags.size(), 2u);
  EXPECT_EQ(diags[0].code(), "dataset-invalid-technique");
  EXPECT_EQ(diags[0].line(), 12);  // "- technique: TX99"
  EXPECT_EQ(diags[1].code(), "dataset-invalid-link");
  EXPECT_EQ(diags[1].line(), 18);  // the third "- type: Host"
}

TEST(DatasetMetadataTest, ErrorsNameFileAndLine) {
  std::vector<cov::v1::Diagnostic> diags;
  absl::StatusOr<DatasetMetadata> m =
      ParseDatasetMetadata("bad.yaml", "id: x\ntitle: [unclosed\n", &diags);
  ASSERT_FALSE(m.ok());
  EXPECT_THAT(m.status().message(), HasSubstr("bad.yaml:"));
  EXPECT_THAT(m.status().message(), HasSubstr("invalid YAML"));

  diags.clear();
  m = ParseDatasetMetadata("nomap.yaml", "id: SDWIN-1\ntitle: t\n", &diags);
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.status().message(), "nomap.yaml:1: no 'attack_mappings' list");
  ASSERT_EQ(diags.size(), 1u);
  EXPECT_EQ(diags[0].code(), "dataset-missing-field");

  m = ParseDatasetMetadata("noid.yaml", "attack_mappings: []\n", &diags);
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.status().message(), "noid.yaml:1: no 'id'");
}

// Every metadata file of the corpus: techniques equal what a plain line scan
// of "- technique:" / "sub-technique:" finds, and every Host file exists.
TEST(DatasetMetadataCorpusTest, AllMetadataFiles) {
  absl::StatusOr<std::string> root =
      cov::testing::CorpusPath("logs/security-datasets");
  ASSERT_TRUE(root.ok()) << root.status();
  std::filesystem::path meta =
      std::filesystem::path(*root) / "datasets/atomic/_metadata";
  int files = 0, host_files = 0, missing = 0;
  std::set<std::string> all_techniques;
  const std::regex tech_re(R"(^\s*-\s*technique:\s*(T\d{4})\s*$)");
  const std::regex sub_re(R"re(^\s*sub-technique:\s*"?(\d{3})"?\s*$)re");
  for (const auto& entry : std::filesystem::directory_iterator(meta)) {
    std::ifstream in(entry.path());
    std::stringstream ss;
    ss << in.rdbuf();
    const std::string bytes = ss.str();
    std::vector<cov::v1::Diagnostic> diags;
    absl::StatusOr<DatasetMetadata> m =
        ParseDatasetMetadata(entry.path().filename().string(), bytes, &diags);
    ASSERT_TRUE(m.ok()) << entry.path() << ": " << m.status();
    ++files;
    // Independent: a line scan pairing each technique with a following
    // sub-technique line.
    std::set<std::string> expected;
    std::istringstream lines(bytes);
    std::string line, last;
    std::smatch sm;
    while (std::getline(lines, line)) {
      if (std::regex_match(line, sm, tech_re)) {
        if (!last.empty()) expected.insert(last);
        last = sm[1];
      } else if (!last.empty() && std::regex_match(line, sm, sub_re)) {
        expected.insert(absl::StrCat(last, ".", sm[1].str()));
        last.clear();
      }
    }
    if (!last.empty()) expected.insert(last);
    std::set<std::string> got(m->techniques.begin(), m->techniques.end());
    EXPECT_EQ(got, expected) << entry.path();
    all_techniques.insert(got.begin(), got.end());
    for (const DatasetFile& f : m->files) {
      if (!f.is_host) continue;
      ++host_files;
      if (!std::filesystem::exists(std::filesystem::path(*root) /
                                   f.relative_path)) {
        ++missing;
      }
    }
  }
  // The corpus README: 49 datasets whose host files exist.
  EXPECT_EQ(files, 49);
  EXPECT_EQ(missing, 0);
  EXPECT_GE(host_files, 49);
  EXPECT_GT(all_techniques.size(), 20u);
}

}  // namespace
}  // namespace cov::ingest::datasets
