#include "server/kb/layer_export.h"

#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "server/export/csv_export.h"
#include "server/export/html_report.h"
#include "server/export/navigator_layer.h"
#include "server/export/xlsx_writer.h"

namespace cov::server::kb {
namespace {

absl::Status Validate(const std::string& kind, const std::string& format) {
  if (kind != "coverage" && kind != "gaps") {
    return absl::InvalidArgumentError(
        absl::StrCat("kind must be coverage or gaps, not '", kind, "'"));
  }
  if (format != "json" && format != "csv" && format != "html" &&
      format != "xlsx") {
    return absl::InvalidArgumentError(absl::StrCat(
        "format must be json, csv, html or xlsx, not '", format, "'"));
  }
  if (format == "html" && kind != "coverage") {
    return absl::InvalidArgumentError(
        "the html report draws coverage; use kind coverage");
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<cov::v1::LayerResponse> ExportLayer(
    Models& models, const cov::v1::LayerRequest& request, absl::Time now) {
  const std::string kind = request.kind().empty() ? "coverage" : request.kind();
  const std::string format =
      request.format().empty() ? "json" : request.format();
  if (absl::Status valid = Validate(kind, format); !valid.ok()) return valid;
  absl::StatusOr<QueryContext> qc =
      models.Prepare(request.release(), request.options());
  if (!qc.ok()) return qc.status();
  qc->query.rules_per_technique = 20;
  cov::v1::CoverageResponse coverage =
      engine::ComputeCoverage(*qc->kb, *qc->rules, qc->query);
  cov::v1::GapsResponse gaps;
  if (kind == "gaps") {
    engine::GapsQuery gq;
    gq.coverage = qc->query;
    auto g = engine::ComputeGaps(*qc->kb, *qc->rules, gq);
    if (!g.ok()) return g.status();
    gaps = *std::move(g);
  }
  const std::string profile_name = coverage.profile().name().empty()
                                       ? "all telemetry"
                                       : coverage.profile().name();
  cov::v1::LayerResponse response;
  if (format == "json") {
    exporter::LayerOptions lo;
    lo.name = request.name().empty()
                  ? absl::StrCat("cov ", kind, " (", profile_name, ")")
                  : request.name();
    lo.description =
        request.description().empty()
            ? absl::StrCat("ATT&CK ", qc->kb->release_key(), ", profile ",
                           profile_name, "; ", coverage.covered(), " of ",
                           coverage.potential(), " techniques in reach covered")
            : request.description();
    lo.include_unreachable = request.include_unreachable();
    response.set_content(kind == "gaps"
                             ? exporter::GapsLayerJson(coverage, gaps, lo)
                             : exporter::CoverageLayerJson(coverage, lo));
    response.set_content_type("application/json");
  } else if (format == "csv") {
    response.set_content(kind == "gaps" ? exporter::GapsCsv(gaps)
                                        : exporter::CoverageCsv(coverage));
    response.set_content_type("text/csv");
  } else if (format == "xlsx") {
    absl::StatusOr<std::string> book = kind == "gaps"
                                           ? exporter::GapsXlsx(coverage, gaps)
                                           : exporter::CoverageXlsx(coverage);
    if (!book.ok()) return book.status();
    response.set_content(*std::move(book));
    response.set_content_type(std::string(exporter::kXlsxContentType));
  } else {
    exporter::HtmlOptions ho;
    if (!request.name().empty()) ho.title = request.name();
    ho.subtitle = absl::StrCat("ATT&CK ", qc->kb->release_key(), ", profile ",
                               profile_name);
    ho.generated_at =
        absl::FormatTime("%Y-%m-%d %H:%M UTC", now, absl::UTCTimeZone());
    response.set_content(exporter::HtmlReport(coverage, ho));
    response.set_content_type("text/html");
  }
  return response;
}

}  // namespace cov::server::kb
