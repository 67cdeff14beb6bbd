// Export commands: layer (Navigator layer or CSV), report (HTML) and
// profile infer.
#include <cstdio>
#include <string>

#include "absl/flags/flag.h"
#include "absl/strings/str_split.h"
#include "clients/cli/coverage_options.h"
#include "clients/cli/files.h"
#include "clients/cli/flags.h"
#include "clients/cli/handlers.h"
#include "clients/cli/output.h"

namespace cov::clients::cli {

const char kLayerHelp[] =
    "  Writes an ATT&CK Navigator layer (layer format 4.5: one entry per\n"
    "  technique and tactic, score = rules (coverage) or users (gaps),\n"
    "  comment, metadata with rule IDs, gradient and legend), loadable in the\n"
    "  Navigator; --format csv writes a spreadsheet instead; --format xlsx\n"
    "  an Excel workbook (coloured matrix, tactic and technique sheets for\n"
    "  coverage; matrix and ranked gaps with detection text for gaps).\n";

const char kReportHelp[] =
    "  Writes one self-contained HTML page (no network access): the ATT&CK\n"
    "  matrix with tactics in kill-chain order, sub-techniques under their\n"
    "  parent, each cell coloured by coverage, per-tactic ratios on top and\n"
    "  details (rules, data components, groups) on click; a toggle regroups\n"
    "  the matrix under the seven Cyber Kill Chain phases.\n";

const char kProfileHelp[] =
    "  Proposes a profile YAML from the rules of the sources (all by\n"
    "  default): each rule's telemetry need (Sigma logsource -> data\n"
    "  components, see deploy/profiles/telemetry-mapping.md; Suricata ->\n"
    "  network traffic; YARA -> file content) becomes owned telemetry.\n"
    "  Logsources the table does not map are listed.\n";

namespace {

// ExportLayer with the flags' options; writes the content to --out.
int Export(Client& client, cov::v1::LayerRequest& req, const char* what) {
  *req.mutable_release() = ReleaseFromFlags();
  if (!CoverageOptionsFromFlags(req.mutable_options())) return 1;
  req.set_name(absl::GetFlag(FLAGS_name));
  req.set_include_unreachable(absl::GetFlag(FLAGS_include_unreachable));
  grpc::ClientContext ctx;
  client.Prepare(&ctx);
  cov::v1::LayerResponse resp;
  grpc::Status s = client.stub()->ExportLayer(&ctx, req, &resp);
  if (!s.ok()) return client.Fail(s);
  return WriteOut(resp.content(), what);
}

}  // namespace

int Layer(Client& client, const Args& args) {
  if (args.size() != 1 || (args[0] != "coverage" && args[0] != "gaps")) {
    return Usage("usage: cov layer coverage|gaps [--out FILE]");
  }
  cov::v1::LayerRequest req;
  req.set_kind(args[0]);
  const std::string format = absl::GetFlag(FLAGS_format);
  if (format == "xlsx") {
    req.set_format("xlsx");
    if (absl::GetFlag(FLAGS_out).empty()) {
      return Usage("--format xlsx writes a workbook: give --out FILE.xlsx");
    }
    return Export(client, req, "Excel workbook");
  }
  const bool csv = format == "csv";
  req.set_format(csv ? "csv" : "json");
  return Export(client, req, csv ? "CSV" : "Navigator layer");
}

int Report(Client& client, const Args& args) {
  if (!args.empty()) return Usage("usage: cov report --out FILE.html");
  cov::v1::LayerRequest req;
  req.set_kind("coverage");
  req.set_format("html");
  return Export(client, req, "HTML report");
}

int Profile(Client& client, const Args& args) {
  if (args.empty() || args[0] != "infer") {
    return Usage("usage: cov profile infer [--source S,...] [--out FILE]");
  }
  cov::v1::InferProfileRequest req;
  for (absl::string_view s : absl::StrSplit(absl::GetFlag(FLAGS_source), ',',
                                            absl::SkipWhitespace())) {
    req.add_sources(std::string(s));
  }
  for (size_t i = 1; i < args.size(); ++i) req.add_sources(args[i]);
  req.set_name(absl::GetFlag(FLAGS_name));
  *req.mutable_release() = ReleaseFromFlags();
  grpc::ClientContext ctx;
  client.Prepare(&ctx);
  cov::v1::InferProfileResponse resp;
  grpc::Status s = client.stub()->InferProfile(&ctx, req, &resp);
  if (!s.ok()) return client.Fail(s);
  if (JsonOutput()) {
    PrintJson(resp);
    return 0;
  }
  std::fprintf(
      stderr, "%d rules mapped to telemetry, %d unmapped, %d skipped\n",
      resp.mapped_rules(), resp.unmapped_rules(), resp.skipped_rules());
  for (const auto& u : resp.unmapped()) {
    std::fprintf(stderr, "  unmapped logsource %s: %d rules\n", u.key().c_str(),
                 u.rule_count());
  }
  return WriteOut(resp.yaml(), "profile");
}

}  // namespace cov::clients::cli
