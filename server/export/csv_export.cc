#include "server/export/csv_export.h"

#include <cmath>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "server/export/json_writer.h"

namespace cov::server::exporter {
namespace {

constexpr absl::string_view kEol = "\r\n";

absl::string_view Bool(bool b) { return b ? "true" : "false"; }

}  // namespace

void AppendCsvField(absl::string_view field, std::string* out) {
  if (field.find_first_of(",\"\r\n") == absl::string_view::npos) {
    out->append(field.data(), field.size());
    return;
  }
  out->push_back('"');
  for (char c : field) {
    if (c == '"') out->push_back('"');
    out->push_back(c);
  }
  out->push_back('"');
}

std::string CoverageCsv(const cov::v1::CoverageResponse& coverage) {
  std::string out;
  out.reserve(128 + coverage.techniques_size() * 200);
  absl::StrAppend(&out, kCoverageCsvHeader, kEol);
  std::string tail;  // the fields after "tactic", the same for every tactic
  for (const cov::v1::TechniqueCoverage& t : coverage.techniques()) {
    tail.clear();
    absl::StrAppend(&tail, Bool(t.potential()), ",", Bool(t.rule_count() > 0),
                    ",", Bool(t.covered_by_rollup()), ",", t.rule_count(), ",");
    AppendCsvField(absl::StrJoin(t.rules(), ";",
                                 [](std::string* o, const cov::v1::RuleRef& r) {
                                   o->append(r.uid());
                                 }),
                   &tail);
    tail.push_back(',');
    AppendCsvField(absl::StrJoin(t.data_components(), ";"), &tail);
    tail.push_back(',');
    AppendCsvField(t.evidence(), &tail);
    tail.append(kEol.data(), kEol.size());

    const auto row = [&](absl::string_view tactic) {
      AppendCsvField(t.technique_id(), &out);
      out.push_back(',');
      AppendCsvField(t.name(), &out);
      out.push_back(',');
      AppendCsvField(tactic, &out);
      out.push_back(',');
      out.append(tail);
    };
    if (t.tactics().empty()) row("");
    for (const std::string& tactic : t.tactics()) row(tactic);
  }
  return out;
}

std::string GapsCsv(const cov::v1::GapsResponse& gaps) {
  std::string out;
  out.reserve(64 + gaps.gaps_size() * 120);
  absl::StrAppend(&out, kGapsCsvHeader, kEol);
  for (int i = 0; i < gaps.gaps_size(); ++i) {
    const cov::v1::Gap& g = gaps.gaps(i);
    absl::StrAppend(&out, i + 1, ",");
    AppendCsvField(g.technique_id(), &out);
    out.push_back(',');
    AppendCsvField(g.name(), &out);
    out.push_back(',');
    if (std::isfinite(g.score())) AppendJsonNumber(g.score(), &out);
    out.push_back(',');
    AppendCsvField(absl::StrJoin(g.tactics(), ";"), &out);
    out.push_back(',');
    AppendCsvField(absl::StrJoin(g.data_components(), ";"), &out);
    out.append(kEol.data(), kEol.size());
  }
  return out;
}

}  // namespace cov::server::exporter
