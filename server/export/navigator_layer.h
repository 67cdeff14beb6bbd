// ATT&CK Navigator layers (layer file format 4.5) for coverage results.
//
// Spec: mitre-attack/attack-navigator layers/spec/v4.5/layerformat.md.
// Navigator annotates a multi-tactic technique per tactic, so every technique
// gets one entry per tactic it belongs to ("tactic" set); a technique without
// tactics gets one entry without "tactic" (it then applies under all of them).
// The layer's versions.attack is the release's major version ("18.1" -> "18":
// Navigator keeps only the first run of digits); the full release is in the
// layer's metadata.
//
// Example:
//   LayerOptions options;
//   options.name = "SOC coverage";
//   std::string json = CoverageLayerJson(coverage, options);
//
// Pure functions of their arguments; thread-safe. The output is compact,
// valid UTF-8 JSON (invalid UTF-8 in input strings becomes U+FFFD).
#ifndef COV_SERVER_EXPORT_NAVIGATOR_LAYER_H_
#define COV_SERVER_EXPORT_NAVIGATOR_LAYER_H_

#include <string>

#include "absl/strings/string_view.h"
#include "cov/v1/coverage.pb.h"

namespace cov::server::exporter {

// Layer format and Navigator version written in "versions". The spec asks for
// navigator >= "4.9.0"; its example for ATT&CK 18 carries "5.2.0".
inline constexpr absl::string_view kLayerFormatVersion = "4.5";
inline constexpr absl::string_view kNavigatorVersion = "5.2.0";

// Gradient and legend colours (shared with the tests).
inline constexpr absl::string_view kCoverageGradient[] = {"#ff6666", "#ffe766",
                                                          "#8ec843"};
inline constexpr absl::string_view kGapsGradient[] = {"#ffffff", "#ffb366",
                                                      "#e0412b"};
inline constexpr absl::string_view kRollupColor = "#c5e0a5";
inline constexpr absl::string_view kUnreachableColor = "#bdbdbd";

struct LayerOptions {
  // Layer name.
  // Default: "" -> "cov coverage <domain> <version>" (or "cov gaps ...").
  std::string name;
  // Free-text description.
  // Default: "" -> a generated summary, e.g. "Detection coverage of
  // enterprise-attack 18.1: 3 of 5 techniques in reach covered (60.0%)."
  std::string description;
  // Techniques outside the profile's telemetry reach (potential == false).
  // Default: false -> left out of the layer. true -> listed with
  // "enabled": false (greyed out by Navigator), kept out of the gradient.
  bool include_unreachable = false;
  // Rules listed in a technique's metadata; any beyond are summarised in one
  // "rules" entry ("and 7 more"). Default: 20.
  int max_rules_in_metadata = 20;
};

// Coverage layer: score = rule_count of each technique; gradient red (0) to
// green at the highest score of a technique in reach (at least 1).
// Techniques covered only through sub-techniques (covered_by_rollup) get the
// explicit colour kRollupColor. Parents with a sub-technique that has rules
// get "showSubtechniques": true. Each rule is one metadata entry
// {"name": "rule", "value": "<title> (<source> <uid>)"}.
std::string CoverageLayerJson(const cov::v1::CoverageResponse& coverage,
                              const LayerOptions& options);

// Gaps layer: one entry per gap x gap tactic, score = gap score, gradient
// white (0) to red at the highest gap score (at least 1). `coverage` gives the
// release (gaps.release when coverage's is empty) and, with
// include_unreachable, the disabled techniques outside the reach.
std::string GapsLayerJson(const cov::v1::CoverageResponse& coverage,
                          const cov::v1::GapsResponse& gaps,
                          const LayerOptions& options);

}  // namespace cov::server::exporter

#endif  // COV_SERVER_EXPORT_NAVIGATOR_LAYER_H_
