// Writes the exports of a hand-built coverage response to a folder, for the
// headless-browser test and for looking at the report by eye:
//   report.html, coverage_layer.json, gaps_layer.json, coverage.csv,
//   gaps.csv and response.json (the CoverageResponse, proto3 JSON).
//
//   html_report_demo --out_dir=DIR [--synthetic=700] [--bench=50]
//
// --synthetic=N uses a generated response of N techniques instead of
// SampleCoverage(); --bench=K also prints each export's size and its median
// time over K runs.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <functional>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "google/protobuf/util/json_util.h"
#include "server/export/csv_export.h"
#include "server/export/demo_files.h"
#include "server/export/html_report.h"
#include "server/export/navigator_layer.h"
#include "server/export/sample_coverage.h"

ABSL_FLAG(std::string, out_dir, "", "Folder to write the exports to.");
ABSL_FLAG(int, synthetic, 0,
          "Use a synthetic response of this many techniques (0: the sample).");
ABSL_FLAG(int, bench, 0, "Print sizes and median times over this many runs.");

namespace {

namespace exporter = cov::server::exporter;
using exporter::WriteDemoFile;

// Median wall time of `runs` calls, in milliseconds.
double MedianMs(int runs, const std::function<std::string()>& export_fn) {
  std::vector<double> ms;
  for (int i = 0; i < runs; ++i) {
    const auto start = std::chrono::steady_clock::now();
    const std::string out = export_fn();
    const auto stop = std::chrono::steady_clock::now();
    if (out.empty()) std::abort();
    ms.push_back(
        std::chrono::duration<double, std::milli>(stop - start).count());
  }
  std::sort(ms.begin(), ms.end());
  return ms[ms.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  const std::string dir = absl::GetFlag(FLAGS_out_dir);
  const int synthetic = absl::GetFlag(FLAGS_synthetic);
  const int bench = absl::GetFlag(FLAGS_bench);

  const cov::v1::CoverageResponse coverage =
      synthetic > 0 ? exporter::SyntheticCoverage(synthetic)
                    : exporter::SampleCoverage();
  cov::v1::GapsResponse gaps;
  if (synthetic > 0) {
    *gaps.mutable_release() = coverage.release();
    for (const auto& t : coverage.techniques()) {
      if (!t.potential() || t.rule_count() > 0) continue;
      cov::v1::Gap* g = gaps.add_gaps();
      g->set_technique_id(t.technique_id());
      g->set_name(t.name());
      g->set_score(t.user_count());
      *g->mutable_tactics() = t.tactics();
      *g->mutable_data_components() = t.data_components();
    }
  } else {
    gaps = exporter::SampleGaps();
  }

  exporter::HtmlOptions html_options;
  html_options.subtitle = "Demo profile";
  const std::vector<std::pair<std::string, std::function<std::string()>>>
      exports = {
          {"report.html",
           [&] { return exporter::HtmlReport(coverage, html_options); }},
          {"coverage_layer.json",
           [&] { return exporter::CoverageLayerJson(coverage, {}); }},
          {"gaps_layer.json",
           [&] { return exporter::GapsLayerJson(coverage, gaps, {}); }},
          {"coverage.csv", [&] { return exporter::CoverageCsv(coverage); }},
          {"gaps.csv", [&] { return exporter::GapsCsv(gaps); }},
      };
  if (bench > 0) {
    std::printf("%d techniques, %d gaps\n", coverage.techniques_size(),
                gaps.gaps_size());
  }
  for (const auto& [name, fn] : exports) {
    const std::string content = fn();
    if (bench > 0) {
      std::printf("%-20s %9zu bytes  %8.3f ms (median of %d)\n", name.c_str(),
                  content.size(), MedianMs(bench, fn), bench);
    }
    if (!dir.empty() && !WriteDemoFile(dir + "/" + name, content)) return 1;
  }
  if (!dir.empty()) {
    std::string json;
    google::protobuf::util::JsonPrintOptions options;
    options.preserve_proto_field_names = true;
    options.always_print_primitive_fields = true;
    if (!google::protobuf::util::MessageToJsonString(coverage, &json, options)
             .ok() ||
        !WriteDemoFile(dir + "/response.json", json)) {
      return 1;
    }
  }
  return 0;
}
