// Coverage commands: coverage and gaps.
#include <cstdio>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "clients/cli/coverage_options.h"
#include "clients/cli/flags.h"
#include "clients/cli/handlers.h"
#include "clients/cli/output.h"

namespace cov::clients::cli {

const char kCoverageHelp[] =
    "  Per tactic: potential (active techniques and sub-techniques whose data\n"
    "  components the profile owns; all of them without a profile), covered\n"
    "  (with at least one counting rule) and their ratio.\n"
    "  Semantics: a rule tagged with a sub-technique covers that "
    "sub-technique;\n"
    "  --rollup also counts a parent as covered through its sub-techniques; a\n"
    "  covered technique counts under each of its tactics, or with\n"
    "  --tactic_context only under the tactics its rules name; disabled rules\n"
    "  and rules below the profile's min_status/min_level do not count;\n"
    "  revoked IDs count for their replacement; unknown, deprecated and\n"
    "  wrong-domain IDs never count.\n"
    "  --by technique lists techniques in reach with their rule counts;\n"
    "  --by platform / --by source add per-platform / per-source totals.\n"
    "  --by killchain adds the seven Cyber Kill Chain phases (a technique\n"
    "  counts once per phase; mapping cov-killchain-1 in\n"
    "  deploy/profiles/killchain-mapping.md).\n"
    "  JSON fields: tactics[].tactic, potential, covered, ratio;\n"
    "  techniques[].techniqueId, ruleCount; phases[].phase, potential,\n"
    "  covered, ratio, tactics.\n";

const char kGapsHelp[] =
    "  Techniques in the profile's reach that no counting rule covers, ranked\n"
    "  by how many groups, software and campaigns use them (with --group: by\n"
    "  how many of the named groups use them, directly or via their\n"
    "  software). Each gap shows its tactics, data components, detection\n"
    "  strategies and analytics, who uses it and how, and references.\n"
    "  With --group, ties go to the technique more used overall, the named\n"
    "  groups' own procedures are shown first, and each gap says which of\n"
    "  them use it.\n"
    "  JSON fields: gaps[].techniqueId, score, namedGroups, userCount.\n"
    "  Default --top 20 (0 = all).\n";

namespace {

std::string ProfileLabel(const cov::v1::Profile& p) {
  if (!p.name().empty()) return p.name();
  return p.data_components().empty() ? "all telemetry" : "custom";
}

void PrintTechniqueRows(const cov::v1::CoverageResponse& resp) {
  std::printf("%-10s %-45s %6s  %s\n", "TECHNIQUE", "NAME", "RULES", "TACTICS");
  for (const auto& t : resp.techniques()) {
    if (!t.potential()) continue;
    std::printf("%-10s %-45s %6d%s %s\n", t.technique_id().c_str(),
                Truncate(t.name(), 45).c_str(), t.rule_count(),
                t.covered_by_rollup() ? "*" : " ",
                absl::StrJoin(t.tactics(), ",").c_str());
  }
  std::printf("\n");
}

void PrintGroupRows(const cov::v1::CoverageResponse& resp,
                    const std::string& by) {
  std::vector<std::string> keys;
  for (const auto& g : resp.groups()) keys.push_back(g.key());
  const int w = ColumnWidth(22, keys);
  std::printf("%-*s %9s %9s %7s %7s\n", w,
              by == "platform" ? "PLATFORM" : "SOURCE", "COVERED", "POTENTIAL",
              "RATIO", "RULES");
  for (const auto& g : resp.groups()) {
    std::printf("%-*s %9d %9d %6.1f%% %7d  %s\n", w, g.key().c_str(),
                g.covered(), g.potential(), g.ratio() * 100, g.rule_count(),
                Bar(g.ratio(), 20).c_str());
  }
  std::printf("\n");
}

void PrintPhaseRows(const cov::v1::CoverageResponse& resp) {
  std::printf("%-22s %9s %9s %7s\n", "KILL CHAIN PHASE", "COVERED", "POTENTIAL",
              "RATIO");
  for (const auto& p : resp.phases()) {
    std::printf("%d %-20s %9d %9d %6.1f%%  %-30s %s\n", p.order(),
                p.name().c_str(), p.covered(), p.potential(), p.ratio() * 100,
                Bar(p.ratio(), 30).c_str(),
                absl::StrJoin(p.tactics(), ",").c_str());
  }
  std::printf("(mapping %s: deploy/profiles/killchain-mapping.md)\n\n",
              resp.killchain_mapping().c_str());
}

void PrintTacticRows(const cov::v1::CoverageResponse& resp) {
  std::vector<std::string> names;
  for (const auto& t : resp.tactics()) names.push_back(t.tactic());
  const int w = ColumnWidth(22, names);
  std::printf("%-*s %9s %9s %7s\n", w, "TACTIC", "COVERED", "POTENTIAL",
              "RATIO");
  for (const auto& t : resp.tactics()) {
    std::printf("%-*s %9d %9d %6.1f%%  %s\n", w, t.tactic().c_str(),
                t.covered(), t.potential(), t.ratio() * 100,
                Bar(t.ratio(), 30).c_str());
  }
  std::printf("%-*s %9d %9d %6.1f%%  (techniques and sub-techniques)\n", w,
              "TOTAL", resp.covered(), resp.potential(), resp.ratio() * 100);
}

void PrintGap(int rank, const cov::v1::Gap& g) {
  std::printf("%3d. %-10s %-44s score %-4g %s\n", rank,
              g.technique_id().c_str(), Truncate(g.name(), 44).c_str(),
              g.score(), absl::StrJoin(g.tactics(), ", ").c_str());
  if (!g.named_groups().empty()) {
    std::printf("     named:     %s (%d users overall)\n",
                absl::StrJoin(g.named_groups(), ", ").c_str(), g.user_count());
  }
  std::printf("     telemetry: %s\n",
              g.data_components().empty()
                  ? "(none named by ATT&CK)"
                  : absl::StrJoin(g.data_components(), ", ").c_str());
  for (const auto& ds : g.detection_strategies()) {
    std::printf("     detect:    %s %s\n", ds.id().c_str(),
                Truncate(ds.name(), 80).c_str());
  }
  for (const auto& p : g.procedures()) {
    std::printf("     used by:   %s %s: %s\n", p.id().c_str(), p.name().c_str(),
                Truncate(p.description(), 70).c_str());
  }
  std::printf("     %s\n", g.url().c_str());
}

}  // namespace

int Coverage(Client& client, const Args&) {
  cov::v1::CoverageRequest req;
  *req.mutable_release() = ReleaseFromFlags();
  if (!CoverageOptionsFromFlags(req.mutable_options())) return 1;
  const std::string by = absl::GetFlag(FLAGS_by);
  req.set_by(by);
  req.set_rules_per_technique(absl::GetFlag(FLAGS_rules_per_technique));
  // The table needs totals only, unless it lists techniques.
  req.set_summary(!JsonOutput() && by != "technique");
  grpc::ClientContext ctx;
  client.Prepare(&ctx);
  cov::v1::CoverageResponse resp;
  grpc::Status s = client.stub()->GetCoverage(&ctx, req, &resp);
  if (!s.ok()) return client.Fail(s);
  if (JsonOutput()) {
    PrintJson(resp);
    return 0;
  }
  std::printf("ATT&CK %s %s, profile: %s, %d counting rules%s%s\n\n",
              resp.release().domain().c_str(), resp.release().version().c_str(),
              ProfileLabel(resp.profile()).c_str(), resp.counting_rules(),
              absl::GetFlag(FLAGS_rollup) ? ", rollup" : "",
              absl::GetFlag(FLAGS_tactic_context) ? ", tactic context" : "");
  if (by == "technique") PrintTechniqueRows(resp);
  if (by == "platform" || by == "source") PrintGroupRows(resp, by);
  if (by == "killchain") PrintPhaseRows(resp);
  PrintTacticRows(resp);
  return 0;
}

int Gaps(Client& client, const Args&) {
  cov::v1::GapsRequest req;
  *req.mutable_release() = ReleaseFromFlags();
  if (!CoverageOptionsFromFlags(req.mutable_options())) return 1;
  for (const auto& g : absl::GetFlag(FLAGS_group)) req.add_groups(g);
  req.set_top(absl::GetFlag(FLAGS_top));
  req.set_procedures_per_gap(JsonOutput() ? 0 : 3);
  grpc::ClientContext ctx;
  client.Prepare(&ctx);
  cov::v1::GapsResponse resp;
  grpc::Status s = client.stub()->GetGaps(&ctx, req, &resp);
  if (!s.ok()) return client.Fail(s);
  if (JsonOutput()) {
    PrintJson(resp);
    return 0;
  }
  const std::string ranking =
      req.groups().empty()
          ? ", ranked by the groups, software and campaigns using them"
          : absl::StrCat(", used by ", absl::StrJoin(req.groups(), ", "));
  std::printf(
      "ATT&CK %s %s, profile: %s: %d of %d techniques in reach are covered; "
      "%d gaps%s\n\n",
      resp.release().domain().c_str(), resp.release().version().c_str(),
      ProfileLabel(resp.profile()).c_str(), resp.covered(), resp.potential(),
      resp.total(), ranking.c_str());
  int rank = 0;
  for (const auto& g : resp.gaps()) PrintGap(++rank, g);
  if (resp.total() > resp.gaps_size()) {
    std::printf(
        "\n%d more gaps; --top 0 shows all, --format json gives every "
        "detail\n",
        resp.total() - resp.gaps_size());
  }
  return 0;
}

}  // namespace cov::clients::cli
