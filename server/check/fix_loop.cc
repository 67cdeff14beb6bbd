#include "server/check/fix_loop.h"

#include <string>
#include <utility>
#include <vector>

#include "ingest/registry/parsers.h"
#include "server/check/revoked_fixer.h"
#include "server/check/unified_diff.h"
#include "server/rules/rule_check.h"

namespace cov::server::check {

cov::v1::FixResponse FixFiles(const engine::KnowledgeBase& kb,
                              const engine::OtherDomains& others,
                              const cov::v1::FixRequest& request) {
  cov::v1::FixResponse response;
  for (const cov::v1::RuleFile& file : request.files()) {
    cov::v1::FixedFile* out = response.add_files();
    out->set_path(file.path());
    out->set_content(file.content());
    cov::v1::RuleFormat format = rules::FormatOf(file);
    if (format == cov::v1::RULE_FORMAT_UNSPECIFIED) continue;
    std::string content = file.content();
    std::vector<std::string> skipped;  // of the last round: the final state
    for (int round = 0; round < 3; ++round) {
      ingest::SourceFile sf;
      sf.path = file.path();
      sf.content = content;
      sf.source = "fix";
      std::vector<cov::v1::Rule> resolved =
          ingest::ParserFor(format)->Parse(sf).rules;
      for (auto& r : resolved) engine::ResolveRefs(kb, others, &r);
      FixResult fix = FixRevokedIds(content, format, resolved);
      skipped = std::move(fix.skipped);
      if (fix.changes.empty() || fix.content == content) break;
      for (size_t i = 0; i < fix.changes.size(); ++i) {
        cov::v1::FixChange& c = fix.changes[i];
        c.set_path(file.path());
        c.set_note(std::move(fix.notes[i]));
        *response.add_changes() = std::move(c);
      }
      content = std::move(fix.content);
    }
    for (auto& s : skipped) response.add_skipped(std::move(s));
    if (content == file.content()) continue;
    out->set_changed(true);
    out->set_diff(UnifiedDiff(file.path(), file.content(), content));
    out->set_content(std::move(content));
  }
  return response;
}

absl::StatusOr<cov::v1::FixResponse> FixRules(
    kb::Models& models, const cov::v1::FixRequest& request) {
  absl::StatusOr<kb::ResolvedModels> resolved =
      models.Require(request.release());
  if (!resolved.ok()) return resolved.status();
  return FixFiles(*resolved->kb, resolved->others, request);
}

}  // namespace cov::server::check
