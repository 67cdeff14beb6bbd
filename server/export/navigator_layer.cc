#include "server/export/navigator_layer.h"

#include <algorithm>
#include <cmath>
#include <optional>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/types/span.h"
#include "server/export/json_writer.h"

namespace cov::server::exporter {
namespace {

using Metadata = std::vector<std::pair<std::string, std::string>>;

// Sort by descending score (layer field "sorting": 3), so covered or
// high-priority techniques come first in each tactic.
constexpr int kSortByScoreDescending = 3;

struct Release {
  std::string domain;
  std::string version;

  std::string Label() const {
    return version.empty() ? domain : absl::StrCat(domain, " ", version);
  }
};

Release PickRelease(const cov::v1::ReleaseRef& primary,
                    const cov::v1::ReleaseRef& fallback) {
  const cov::v1::ReleaseRef& r =
      primary.domain().empty() && primary.version().empty() ? fallback
                                                            : primary;
  Release out{r.domain(), r.version()};
  if (out.domain.empty()) out.domain = "enterprise-attack";
  return out;
}

// "18.1" -> "18": Navigator reads only the first run of digits anyway.
std::string MajorVersion(absl::string_view version) {
  size_t begin = 0;
  while (begin < version.size() && !absl::ascii_isdigit(version[begin])) {
    ++begin;
  }
  size_t end = begin;
  while (end < version.size() && absl::ascii_isdigit(version[end])) ++end;
  return begin == end ? std::string(version)
                      : std::string(version.substr(begin, end - begin));
}

std::string Percent(double ratio) {
  return absl::StrFormat("%.1f%%", ratio * 100);
}

// One technique annotation under one tactic (or all when `tactic` is empty).
struct Entry {
  absl::string_view technique_id;
  std::optional<double> score;
  absl::string_view color;
  std::string comment;
  bool enabled = true;
  const Metadata* metadata = nullptr;
  bool show_subtechniques = false;
};

// `key`: [{first: a, second: b}, ...] for the pairs (a, b), as metadata
// (name, value) and legend items (label, color) are written.
void WritePairs(absl::string_view key, const Metadata& pairs,
                absl::string_view first, absl::string_view second,
                JsonWriter& w) {
  w.Key(key);
  w.BeginArray();
  for (const auto& [a, b] : pairs) {
    w.BeginObject();
    w.KeyString(first, a);
    w.KeyString(second, b);
    w.EndObject();
  }
  w.EndArray();
}

void WriteEntry(const Entry& e, absl::string_view tactic, JsonWriter& w) {
  w.BeginObject();
  w.KeyString("techniqueID", e.technique_id);
  if (!tactic.empty()) w.KeyString("tactic", tactic);
  if (e.score.has_value()) w.KeyDouble("score", *e.score);
  if (!e.color.empty()) w.KeyString("color", e.color);
  w.KeyString("comment", e.comment);
  w.KeyBool("enabled", e.enabled);
  if (e.metadata != nullptr && !e.metadata->empty()) {
    WritePairs("metadata", *e.metadata, "name", "value", w);
  }
  if (e.show_subtechniques) w.KeyBool("showSubtechniques", true);
  w.EndObject();
}

// One entry per tactic of the technique; a single untargeted one if none.
template <typename Tactics>
void WriteEntries(const Entry& e, const Tactics& tactics, JsonWriter& w) {
  if (tactics.empty()) {
    WriteEntry(e, "", w);
    return;
  }
  for (const std::string& tactic : tactics) WriteEntry(e, tactic, w);
}

void WriteHead(const std::string& name, const std::string& description,
               const Release& release, JsonWriter& w) {
  w.KeyString("name", name);
  w.Key("versions");
  w.BeginObject();
  if (!release.version.empty()) {
    w.KeyString("attack", MajorVersion(release.version));
  }
  w.KeyString("navigator", kNavigatorVersion);
  w.KeyString("layer", kLayerFormatVersion);
  w.EndObject();
  w.KeyString("domain", release.domain);
  w.KeyString("description", description);
  w.KeyInt("sorting", kSortByScoreDescending);
  w.Key("layout");
  w.BeginObject();
  w.KeyString("layout", "side");
  w.KeyBool("showID", true);
  w.KeyBool("showName", true);
  w.KeyBool("showAggregateScores", false);
  w.KeyBool("countUnscored", false);
  w.KeyString("aggregateFunction", "average");
  w.KeyString("expandedSubtechniques", "annotated");
  w.EndObject();
  w.KeyBool("hideDisabled", false);
}

// What a layer holds besides its techniques.
struct Frame {
  std::string name;
  std::string description;
  Release release;
  size_t reserve = 0;  // bytes reserved for the JSON text
  absl::Span<const absl::string_view> colors;  // the score gradient
  // Legend items; the one of unreachable techniques is added when
  // with_unreachable.
  Metadata legend;
  bool with_unreachable = false;
  // Layer metadata between "release" (first) and "generator" (last).
  Metadata metadata;
};

// The whole layer: `frame` around the techniques that
// write_techniques(JsonWriter&) writes; it returns their highest score,
// which sets the gradient's maxValue.
template <typename WriteTechniques>
std::string LayerJson(Frame frame, WriteTechniques write_techniques) {
  std::string out;
  out.reserve(frame.reserve);
  JsonWriter w(&out);
  w.BeginObject();
  WriteHead(frame.name, frame.description, frame.release, w);
  w.Key("techniques");
  w.BeginArray();
  const double max_score = write_techniques(w);
  w.EndArray();
  w.Key("gradient");
  w.BeginObject();
  w.Key("colors");
  w.BeginArray();
  for (absl::string_view c : frame.colors) w.String(c);
  w.EndArray();
  w.KeyInt("minValue", 0);
  // The spec requires maxValue > minValue.
  w.KeyDouble("maxValue", std::max(max_score, 1.0));
  w.EndObject();
  if (frame.with_unreachable) {
    frame.legend.emplace_back("outside the profile's reach (disabled)",
                              std::string(kUnreachableColor));
  }
  WritePairs("legendItems", frame.legend, "label", "color", w);
  w.KeyBool("showTacticRowBackground", false);
  w.KeyString("tacticRowBackground", "#dddddd");
  w.KeyBool("selectTechniquesAcrossTactics", true);
  w.KeyBool("selectSubtechniquesWithParent", false);
  w.KeyBool("selectVisibleTechniques", false);
  Metadata metadata = {{"release", frame.release.Label()}};
  metadata.insert(metadata.end(), frame.metadata.begin(), frame.metadata.end());
  metadata.emplace_back("generator", "cov");
  WritePairs("metadata", metadata, "name", "value", w);
  w.EndObject();
  return out;
}

std::string UnreachableComment(const cov::v1::TechniqueCoverage& t) {
  std::string c = "outside the profile's telemetry reach";
  if (t.rule_count() > 0) {
    absl::StrAppend(&c, "; ", t.rule_count(),
                    t.rule_count() == 1 ? " rule" : " rules");
  }
  return c;
}

std::string CoverageComment(const cov::v1::TechniqueCoverage& t) {
  std::string c;
  if (t.rule_count() > 0) {
    c = absl::StrCat(t.rule_count(), t.rule_count() == 1 ? " rule" : " rules");
  } else if (t.covered_by_rollup()) {
    c = "covered through sub-techniques";
  } else {
    c = "no rule";
  }
  if (!t.evidence().empty()) absl::StrAppend(&c, "; evidence: ", t.evidence());
  return c;
}

void RuleMetadata(const cov::v1::TechniqueCoverage& t, int max_rules,
                  Metadata* out) {
  out->clear();
  const int listed = std::min(t.rules_size(), std::max(max_rules, 0));
  for (int i = 0; i < listed; ++i) {
    const cov::v1::RuleRef& r = t.rules(i);
    out->emplace_back(
        "rule", absl::StrCat(r.title(), " (", r.source(), " ", r.uid(), ")"));
  }
  if (t.rules_size() > listed) {
    out->emplace_back("rules",
                      absl::StrCat("and ", t.rules_size() - listed, " more"));
  }
  if (!t.evidence().empty()) out->emplace_back("evidence", t.evidence());
}

}  // namespace

std::string CoverageLayerJson(const cov::v1::CoverageResponse& coverage,
                              const LayerOptions& options) {
  Frame frame;
  frame.release = PickRelease(coverage.release(), coverage.release());
  const std::string label = frame.release.Label();
  frame.name = options.name.empty() ? absl::StrCat("cov coverage ", label)
                                    : options.name;
  frame.description =
      options.description.empty()
          ? absl::StrFormat(
                "Detection coverage of %s: %d of %d techniques in reach "
                "covered (%s).",
                label, coverage.covered(), coverage.potential(),
                Percent(coverage.ratio()))
          : options.description;
  frame.reserve = 512 + coverage.techniques_size() * 400;
  frame.colors = kCoverageGradient;
  frame.legend = {
      {"no rule (in reach)", std::string(kCoverageGradient[0])},
      {"covered (score = number of rules)", std::string(kCoverageGradient[2])},
      {"covered through sub-techniques", std::string(kRollupColor)},
  };
  frame.with_unreachable = options.include_unreachable;
  frame.metadata = {
      {"techniques in reach", absl::StrCat(coverage.potential())},
      {"covered", absl::StrCat(coverage.covered())},
      {"ratio", Percent(coverage.ratio())},
  };

  // Parents with an annotated (ruled) sub-technique open by default.
  absl::flat_hash_set<absl::string_view> open_parents;
  for (const cov::v1::TechniqueCoverage& t : coverage.techniques()) {
    if (!t.parent().empty() && t.rule_count() > 0)
      open_parents.insert(t.parent());
  }

  return LayerJson(std::move(frame), [&](JsonWriter& w) {
    double max_score = 0;
    Metadata metadata;
    for (const cov::v1::TechniqueCoverage& t : coverage.techniques()) {
      if (!t.potential() && !options.include_unreachable) continue;
      RuleMetadata(t, options.max_rules_in_metadata, &metadata);
      Entry e;
      e.technique_id = t.technique_id();
      e.metadata = &metadata;
      e.show_subtechniques = open_parents.contains(t.technique_id());
      if (t.potential()) {
        e.score = t.rule_count();
        max_score = std::max(max_score, static_cast<double>(t.rule_count()));
        if (t.rule_count() == 0 && t.covered_by_rollup()) {
          e.color = kRollupColor;
        }
        e.comment = CoverageComment(t);
      } else {
        e.enabled = false;  // unscored: stays out of the gradient
        e.comment = UnreachableComment(t);
      }
      WriteEntries(e, t.tactics(), w);
    }
    return max_score;
  });
}

std::string GapsLayerJson(const cov::v1::CoverageResponse& coverage,
                          const cov::v1::GapsResponse& gaps,
                          const LayerOptions& options) {
  Frame frame;
  frame.release = PickRelease(coverage.release(), gaps.release());
  const std::string label = frame.release.Label();
  frame.name =
      options.name.empty() ? absl::StrCat("cov gaps ", label) : options.name;
  frame.description =
      options.description.empty()
          ? absl::StrFormat(
                "Detection gaps of %s: %d techniques in reach without a rule, "
                "scored by the number of groups, software and campaigns "
                "using them.",
                label, gaps.gaps_size())
          : options.description;
  frame.reserve = 512 + gaps.gaps_size() * 300;
  frame.colors = kGapsGradient;
  frame.legend = {
      {"gap (score = groups, software and campaigns using it)",
       std::string(kGapsGradient[2])},
  };
  frame.with_unreachable = options.include_unreachable;
  frame.metadata = {{"gaps", absl::StrCat(gaps.gaps_size())}};

  return LayerJson(std::move(frame), [&](JsonWriter& w) {
    double max_score = 0;
    Metadata metadata;
    absl::flat_hash_set<absl::string_view> listed;
    for (int i = 0; i < gaps.gaps_size(); ++i) {
      const cov::v1::Gap& g = gaps.gaps(i);
      listed.insert(g.technique_id());
      metadata.clear();
      metadata.emplace_back("rank", absl::StrCat(i + 1));
      for (const std::string& dc : g.data_components()) {
        metadata.emplace_back("data component", dc);
      }
      Entry e;
      e.technique_id = g.technique_id();
      e.score = g.score();
      e.metadata = &metadata;
      std::string score;
      AppendJsonNumber(g.score(), &score);
      e.comment = absl::StrCat("gap #", i + 1, "; score ", score);
      if (std::isfinite(g.score())) max_score = std::max(max_score, g.score());
      WriteEntries(e, g.tactics(), w);
    }
    if (options.include_unreachable) {
      for (const cov::v1::TechniqueCoverage& t : coverage.techniques()) {
        if (t.potential() || listed.contains(t.technique_id())) continue;
        Entry e;
        e.technique_id = t.technique_id();
        e.enabled = false;
        e.comment = UnreachableComment(t);
        WriteEntries(e, t.tactics(), w);
      }
    }
    return max_score;
  });
}

}  // namespace cov::server::exporter
