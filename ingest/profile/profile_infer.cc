#include "ingest/profile/profile_infer.h"

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "ingest/profile/telemetry_map.h"

namespace cov::ingest::profile {
namespace {

std::string Fold(absl::string_view s) {
  return absl::AsciiStrToLower(absl::StripAsciiWhitespace(s));
}

}  // namespace

InferredProfile InferProfile(const std::vector<cov::v1::Rule>& rules,
                             absl::string_view name) {
  InferredProfile out;
  std::set<std::string> components;
  std::set<std::string> platforms;
  std::set<std::string> sources;
  std::map<std::tuple<std::string, std::string, std::string>, int> unmapped;

  for (const cov::v1::Rule& rule : rules) {
    const bool sigma = rule.format() == cov::v1::RULE_FORMAT_SIGMA;
    if (rule.format() == cov::v1::RULE_FORMAT_UNSPECIFIED ||
        (sigma && rule.is_correlation())) {
      ++out.skipped_rules;
      continue;
    }
    if (!rule.source().empty()) sources.insert(rule.source());
    std::vector<std::string> needed = ComponentsForRule(rule);
    if (needed.empty()) {
      // Only Sigma rules can be unmapped: every other format has a row.
      ++out.unmapped_rules;
      ++unmapped[{Fold(rule.logsource_product()),
                  Fold(rule.logsource_category()),
                  Fold(rule.logsource_service())}];
      continue;
    }
    ++out.mapped_rules;
    components.insert(needed.begin(), needed.end());
    const SigmaPlatformMapping* pm =
        sigma ? FindSigmaPlatformMapping(rule.logsource_product(),
                                         rule.logsource_category(),
                                         rule.logsource_service())
              : nullptr;
    if (pm == nullptr || pm->platforms.empty()) {
      ++out.platform_neutral_rules;
    } else {
      platforms.insert(pm->platforms.begin(), pm->platforms.end());
    }
  }

  out.profile.set_name(std::string(name));
  for (const std::string& c : components) out.profile.add_data_components(c);
  for (const std::string& s : sources) out.profile.add_sources(s);
  out.implied_platforms.assign(platforms.begin(), platforms.end());
  if (out.platform_neutral_rules == 0) {
    for (const std::string& p : platforms) out.profile.add_platforms(p);
  }

  for (const auto& [key, count] : unmapped) {
    out.unmapped.push_back(
        {std::get<0>(key), std::get<1>(key), std::get<2>(key), count});
  }
  std::stable_sort(out.unmapped.begin(), out.unmapped.end(),
                   [](const UnmappedLogsource& a, const UnmappedLogsource& b) {
                     return a.rule_count > b.rule_count;
                   });
  return out;
}

}  // namespace cov::ingest::profile
