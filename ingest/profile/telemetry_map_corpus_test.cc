// Checks the telemetry map against the real corpora: the data component
// catalogue against the ATT&CK 18.1 bundle, and the Sigma table against the
// logsources of the SigmaHQ r2026-04-01 rules. Both are read independently
// of the project's parsers (simdjson DOM and yaml-cpp directly).
#include <algorithm>
#include <filesystem>
#include <iostream>
#include <map>
#include <set>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "ingest/profile/telemetry_map.h"
#include "simdjson.h"
#include "tests/corpus.h"
#include "yaml-cpp/yaml.h"

namespace cov::ingest::profile {
namespace {

// (id, name) of every active x-mitre-data-component of the bundle.
std::set<std::pair<std::string, std::string>> BundleComponents(
    const std::string& path) {
  std::set<std::pair<std::string, std::string>> out;
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  simdjson::error_code err = parser.load(path).get(root);
  EXPECT_EQ(err, simdjson::SUCCESS) << path << ": " << err;
  if (err) return out;
  simdjson::dom::array objects;
  err = root["objects"].get_array().get(objects);
  EXPECT_EQ(err, simdjson::SUCCESS) << "objects: " << err;
  if (err) return out;
  for (simdjson::dom::element o : objects) {
    std::string_view type;
    if (o["type"].get_string().get(type) || type != "x-mitre-data-component") {
      continue;
    }
    bool flag = false;
    if (!o["x_mitre_deprecated"].get_bool().get(flag) && flag) continue;
    flag = false;
    if (!o["revoked"].get_bool().get(flag) && flag) continue;
    std::string_view name;
    EXPECT_EQ(o["name"].get_string().get(name), simdjson::SUCCESS);
    std::string id;
    simdjson::dom::array refs;
    if (!o["external_references"].get_array().get(refs)) {
      for (simdjson::dom::element r : refs) {
        std::string_view source, ext;
        if (!r["source_name"].get_string().get(source) &&
            source == "mitre-attack" &&
            !r["external_id"].get_string().get(ext)) {
          id = std::string(ext);
        }
      }
    }
    out.emplace(id, std::string(name));
  }
  return out;
}

TEST(TelemetryMapCorpusTest, CatalogueIsExactlyTheActiveComponentsOf18_1) {
  absl::StatusOr<std::string> path =
      cov::testing::CorpusPath("attack/enterprise-attack-18.1.json");
  ASSERT_TRUE(path.ok()) << path.status();
  const std::set<std::pair<std::string, std::string>> bundle =
      BundleComponents(*path);
  ASSERT_EQ(bundle.size(), 106u);
  std::set<std::pair<std::string, std::string>> catalogue;
  for (const DataComponent& c : DataComponentCatalog()) {
    catalogue.emplace(c.id, c.name);
  }
  EXPECT_EQ(catalogue, bundle);

  // And, spelled out, every name the tables use is a component of 18.1.
  std::set<std::string> names;
  for (const auto& [id, name] : bundle) names.insert(name);
  for (const SigmaLogsourceMapping& m : SigmaLogsourceTable()) {
    for (const std::string& c : m.components) {
      EXPECT_TRUE(names.count(c))
          << m.pattern.product << "/" << m.pattern.category << "/"
          << m.pattern.service << ": " << c;
    }
  }
  for (const FormatMapping& m : FormatTable()) {
    for (const std::string& c : m.components) {
      EXPECT_TRUE(names.count(c)) << c;
    }
  }
}

std::string ScalarOr(const YAML::Node& map, const char* key) {
  const YAML::Node v = map[key];
  if (!v || !v.IsScalar()) return "";
  return absl::AsciiStrToLower(absl::StripAsciiWhitespace(v.Scalar()));
}

TEST(TelemetryMapCorpusTest, SigmaHqLogsourcesAreAtLeast95PercentMapped) {
  absl::StatusOr<std::string> root =
      cov::testing::CorpusPath("sigma/sigmahq-r2026-04-01");
  ASSERT_TRUE(root.ok()) << root.status();
  using Key = std::tuple<std::string, std::string, std::string>;
  std::map<Key, int> mapped, unmapped;
  std::map<std::string, int> products_without_platform;
  int rules = 0, parse_errors = 0, correlations = 0;
  for (const char* dir :
       {"rules", "rules-emerging-threats", "rules-threat-hunting"}) {
    const std::filesystem::path base = std::filesystem::path(*root) / dir;
    ASSERT_TRUE(std::filesystem::is_directory(base)) << base;
    for (const auto& entry :
         std::filesystem::recursive_directory_iterator(base)) {
      if (!entry.is_regular_file() || entry.path().extension() != ".yml") {
        continue;
      }
      std::vector<YAML::Node> docs;
      try {
        absl::StatusOr<std::string> text =
            cov::testing::ReadFileToString(entry.path().string());
        ASSERT_TRUE(text.ok()) << text.status();
        docs = YAML::LoadAll(*text);
      } catch (const YAML::Exception& e) {
        ++parse_errors;
        ADD_FAILURE() << entry.path() << ": " << e.what();
        continue;
      }
      for (const YAML::Node& doc : docs) {
        if (!doc.IsMap()) continue;
        if (doc["correlation"]) {
          ++correlations;
          continue;
        }
        const YAML::Node ls = doc["logsource"];
        if (!ls || !ls.IsMap()) continue;
        ++rules;
        Key key{ScalarOr(ls, "product"), ScalarOr(ls, "category"),
                ScalarOr(ls, "service")};
        const bool ok =
            !ComponentsForSigmaLogsource(std::get<0>(key), std::get<1>(key),
                                         std::get<2>(key))
                 .empty();
        ++(ok ? mapped : unmapped)[key];
        if (!std::get<0>(key).empty() &&
            FindSigmaPlatformMapping(std::get<0>(key), std::get<1>(key),
                                     std::get<2>(key)) == nullptr) {
          ++products_without_platform[std::get<0>(key)];
        }
      }
    }
  }
  EXPECT_EQ(parse_errors, 0);
  // SOURCE.txt: 3,132 + 457 + 139 rule files, one rule each.
  EXPECT_EQ(rules + correlations, 3728);
  int mapped_rules = 0, unmapped_rules = 0;
  for (const auto& [k, n] : mapped) mapped_rules += n;
  for (const auto& [k, n] : unmapped) unmapped_rules += n;
  const double ratio = static_cast<double>(mapped_rules) / rules;
  std::cout << "SigmaHQ r2026-04-01: " << mapped_rules << " of " << rules
            << " rules (" << 100.0 * ratio << "%) and " << mapped.size()
            << " of " << mapped.size() + unmapped.size()
            << " logsource combinations mapped\n";
  for (const auto& [k, n] : unmapped) {
    std::cout << "  unmapped: product=" << std::get<0>(k)
              << " category=" << std::get<1>(k) << " service=" << std::get<2>(k)
              << " rules=" << n << "\n";
  }
  for (const auto& [p, n] : products_without_platform) {
    std::cout << "  product without platform row: " << p << " (" << n
              << " rules, platform-neutral)\n";
  }
  ::testing::Test::RecordProperty("mapped_rules", mapped_rules);
  ::testing::Test::RecordProperty("rules", rules);
  EXPECT_GE(ratio, 0.95);
  EXPECT_GT(mapped.size(), 100u);
}

}  // namespace
}  // namespace cov::ingest::profile
