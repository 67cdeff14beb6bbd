// Rule commands: ingest sigma|suricata|yara|..., sources, errors, rules.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>

#include "absl/flags/flag.h"
#include "clients/cli/files.h"
#include "clients/cli/flags.h"
#include "clients/cli/handlers.h"
#include "clients/cli/output.h"
#include "clients/cli/rule_formats.h"

namespace cov::clients::cli {

const char kIngestRulesHelp[] =
    "  Rules: PATH (a folder, read recursively, or one file) is read by covd\n"
    "  and stored as the source NAME (default: the folder's name). Re-running\n"
    "  only re-parses files that changed and drops rules of removed files;\n"
    "  the switch is atomic. Problems are listed by `cov errors NAME`.\n"
    "  ATT&CK references are checked against the default release (or V).\n";

const char kRulesHelp[] =
    "  Lists rules with their ATT&CK references and how each resolves\n"
    "  against the release they were ingested with (valid, revoked -> its\n"
    "  replacement, deprecated, unknown, wrong domain, tactic mismatch).\n";

namespace {

const char* RefStatusLabel(cov::v1::RefStatus s) {
  switch (s) {
    case cov::v1::REF_STATUS_VALID:
      return "valid";
    case cov::v1::REF_STATUS_REVOKED:
      return "revoked";
    case cov::v1::REF_STATUS_DEPRECATED:
      return "deprecated";
    case cov::v1::REF_STATUS_UNKNOWN:
      return "unknown";
    case cov::v1::REF_STATUS_WRONG_DOMAIN:
      return "wrong-domain";
    case cov::v1::REF_STATUS_TACTIC_MISMATCH:
      return "tactic-mismatch";
    default:
      return "unresolved";
  }
}

void PrintSource(const cov::v1::Source& s) {
  std::printf("%-20s %-9s %6d rules %5d files %5d errors  %s  %s%s%s\n",
              s.name().c_str(), std::string(FormatLabel(s.format())).c_str(),
              s.rule_count(), s.file_count(), s.error_count(),
              FormatTime(s.ingested_at_unix()).c_str(), s.path().c_str(),
              s.commit().empty() ? "" : " @", s.commit().substr(0, 12).c_str());
}

void PrintIngestSummary(const cov::v1::IngestRulesResponse& resp) {
  std::printf(
      "source %s: %d rules in %d files (%d parsed, %d unchanged, %d removed) "
      "in %.0f ms\n",
      resp.source().name().c_str(), resp.source().rule_count(),
      resp.source().file_count(), resp.files_parsed(), resp.files_skipped(),
      resp.files_removed(), resp.elapsed_ms());
  // The reference summary ("N rules reference nothing valid in ...").
  for (const auto& d : resp.diagnostics()) {
    if (d.code() == "ref-summary") std::printf("%s\n", d.message().c_str());
  }
  int shown = 0;
  for (const auto& d : resp.diagnostics()) {
    if (d.severity() != cov::v1::SEVERITY_ERROR) continue;
    if (shown++ < 20) std::printf("  %s\n", FormatDiag(d).c_str());
  }
  if (resp.source().error_count() > 0) {
    std::printf("%d errors; `cov errors %s` lists them all\n",
                resp.source().error_count(), resp.source().name().c_str());
  }
}

void PrintRule(const cov::v1::Rule& r) {
  std::printf("%s  %s%s\n    %s:%d  %s %s\n", r.uid().c_str(),
              Truncate(r.title(), 80).c_str(), r.enabled() ? "" : " [disabled]",
              r.file().c_str(), r.line(), r.status().c_str(),
              r.level().c_str());
  if (r.yara_private()) {
    std::printf(
        "    private YARA rule: never matches on its own (used by %d "
        "public rules of its file); its tags do not count\n",
        r.yara_used_by());
  }
  if (!r.enabled() && !r.disabled_reason().empty()) {
    std::printf("    disabled: %s\n", r.disabled_reason().c_str());
  }
  for (const auto& ref : r.attack_refs()) {
    const bool revoked = ref.status() == cov::v1::REF_STATUS_REVOKED;
    std::printf("    %-10s %-9s %-15s%s%s\n", ref.id().c_str(),
                ref.kind().c_str(), RefStatusLabel(ref.status()),
                revoked ? " -> " : "",
                revoked ? ref.resolved_id().c_str() : "");
  }
}

}  // namespace

int IngestRules(Client& client, const Args& args) {
  if (args.size() != 2) {
    return Usage("usage: cov ingest attack|sigma|suricata|yara PATH");
  }
  cov::v1::IngestRulesRequest req;
  req.set_format(FormatByName(args[0]));
  req.set_path(RealPath(UserPath(args[1])));
  req.set_source(absl::GetFlag(FLAGS_source));
  req.set_min_score(absl::GetFlag(FLAGS_min_score));
  *req.mutable_release() = ReleaseFromFlags();
  grpc::ClientContext ctx;
  // Large rule sets take minutes: at least 600 s whatever --timeout says.
  ctx.set_deadline(std::chrono::system_clock::now() +
                   std::chrono::seconds(std::max<int>(
                       600, static_cast<int>(absl::GetFlag(FLAGS_timeout)))));
  cov::v1::IngestRulesResponse resp;
  grpc::Status s = client.stub()->IngestRules(&ctx, req, &resp);
  if (!s.ok()) return client.Fail(s);
  if (JsonOutput()) {
    PrintJson(resp);
  } else {
    PrintIngestSummary(resp);
  }
  return 0;
}

int Sources(Client& client, const Args& args) {
  grpc::ClientContext ctx;
  client.Prepare(&ctx);
  if (!args.empty()) {
    if (args.size() != 2 || args[0] != "rm") {
      return Usage("usage: cov sources [rm NAME]");
    }
    cov::v1::DeleteSourceRequest req;
    req.set_name(args[1]);
    cov::v1::DeleteSourceResponse resp;
    grpc::Status s = client.stub()->DeleteSource(&ctx, req, &resp);
    if (!s.ok()) return client.Fail(s);
    if (JsonOutput()) {
      PrintJson(resp);
    } else {
      std::printf("removed source %s (%d rules in %d files)\n",
                  resp.source().name().c_str(), resp.source().rule_count(),
                  resp.source().file_count());
    }
    return 0;
  }
  cov::v1::ListSourcesResponse resp;
  grpc::Status s = client.stub()->ListSources(&ctx, {}, &resp);
  if (!s.ok()) return client.Fail(s);
  if (JsonOutput()) {
    PrintJson(resp);
    return 0;
  }
  if (resp.sources().empty() && resp.libraries().empty()) {
    std::printf("no rule source; run `cov ingest sigma|suricata|yara PATH`\n");
  }
  for (const auto& src : resp.sources()) PrintSource(src);
  for (const auto& lib : resp.libraries()) {
    std::printf("%-20s %-9s %6d tests %5d files %5d errors  %s  %s\n",
                lib.name().c_str(), "library", lib.rule_count(),
                lib.file_count(), lib.error_count(),
                FormatTime(lib.ingested_at_unix()).c_str(), lib.path().c_str());
  }
  return 0;
}

int Errors(Client& client, const Args& args) {
  if (args.size() != 1) return Usage("usage: cov errors SOURCE");
  cov::v1::ListRuleErrorsRequest req;
  req.set_source(args[0]);
  grpc::ClientContext ctx;
  client.Prepare(&ctx);
  cov::v1::ListRuleErrorsResponse resp;
  grpc::Status s = client.stub()->ListRuleErrors(&ctx, req, &resp);
  if (!s.ok()) return client.Fail(s);
  int errors = 0;
  for (const auto& d : resp.diagnostics()) {
    errors += d.severity() == cov::v1::SEVERITY_ERROR;
  }
  if (JsonOutput()) {
    PrintJson(resp);
  } else {
    for (const auto& d : resp.diagnostics()) {
      std::printf("%s\n", FormatDiag(d).c_str());
    }
    std::printf("%d errors, %d warnings\n", errors,
                resp.diagnostics_size() - errors);
  }
  return errors > 0 ? 1 : 0;
}

int Rules(Client& client, const Args&) {
  cov::v1::ListRulesRequest req;
  req.set_source(absl::GetFlag(FLAGS_source));
  req.set_technique_id(absl::GetFlag(FLAGS_technique));
  req.set_page_size(absl::GetFlag(FLAGS_page_size));
  req.set_page_token(absl::GetFlag(FLAGS_page_token));
  grpc::ClientContext ctx;
  client.Prepare(&ctx);
  cov::v1::ListRulesResponse resp;
  grpc::Status s = client.stub()->ListRules(&ctx, req, &resp);
  if (!s.ok()) return client.Fail(s);
  if (JsonOutput()) {
    PrintJson(resp);
    return 0;
  }
  for (const auto& r : resp.rules()) PrintRule(r);
  if (!resp.next_page_token().empty()) {
    std::printf("more: --page_token %s\n", resp.next_page_token().c_str());
  }
  return 0;
}

}  // namespace cov::clients::cli
