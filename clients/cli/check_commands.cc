// CI commands: check (lint + coverage gate) and fix --revoked. The
// one-command mode (--attack) is set up by main.cc through private_covd.h.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <system_error>

#include "absl/flags/flag.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_join.h"
#include "clients/cli/coverage_options.h"
#include "clients/cli/files.h"
#include "clients/cli/flags.h"
#include "clients/cli/handlers.h"
#include "clients/cli/output.h"
#include "clients/cli/rule_files.h"
#include "clients/cli/rule_formats.h"

namespace cov::clients::cli {

const char kCheckHelp[] =
    "  Reads the rule files under PATH (.yml/.yaml Sigma, .rules Suricata,\n"
    "  .yar/.yara YARA, .toml Elastic; --rule_format splunk|sentinel reads\n"
    "  their YAML) and reports findings with file, line, severity and a\n"
    "  stable code: files that do not parse, rules breaking their format's\n"
    "  specification, ATT&CK references that are unknown to the release\n"
    "  (attack-unknown), of another domain (attack-wrong-domain), revoked\n"
    "  (attack-revoked, with the replacement), deprecated, or paired with a\n"
    "  tactic ATT&CK does not give them; rules naming no technique; parent\n"
    "  and sub-technique tagged together (--flag_parent_and_sub); duplicate\n"
    "  Sigma ids / Suricata sids (duplicate-id).\n"
    "  With --tests DIR it runs SigmaHQ-style regression tests: each folder\n"
    "  of DIR with an info.yml (rule_metadata id, optional match_count) and\n"
    "  the recorded events (.evtx and/or .json) evaluates that rule of the\n"
    "  change on the events; a count other than match_count (at least one\n"
    "  when absent) is a finding (regression-test-failed), as is a test that\n"
    "  cannot run (regression-test-error: rule missing or not evaluable).\n"
    "  With --base (a folder or a git revision of the same repository) it\n"
    "  also computes the coverage delta; losing the last rule of a technique\n"
    "  is a regression and fails unless allowed by --allow_regression or a\n"
    "  marker `cov: allow-regression T1197` in a file of the change.\n"
    "  --attack BUNDLE runs a private covd on a loopback port for the check\n"
    "  (one command in CI; covd from --covd, $COV_COVD, beside cov or PATH);\n"
    "  otherwise a running covd is used.\n"
    "  Exit: 0 clean, 1 failing findings or regression, 2 usage or\n"
    "  infrastructure error.\n";

const char kFixHelp[] =
    "  Rewrites revoked ATT&CK IDs to their replacements in Sigma tags,\n"
    "  Suricata metadata, YARA meta/tags, Splunk mitre_attack_id, Sentinel\n"
    "  relevantTechniques and Elastic threat-table ids, touching nothing\n"
    "  else in the file (formatting, comments and line endings are kept),\n"
    "  and prints each change; --dry_run prints a unified diff instead of\n"
    "  writing. Splunk and Sentinel YAML need --rule_format splunk|sentinel\n"
    "  (.yml is read as Sigma otherwise). An Elastic id whose replacement\n"
    "  changes shape (technique <-> sub-technique) is listed, not moved.\n";

namespace {

// --rule_format as a format (UNSPECIFIED when not given); false after
// printing why the name is not one.
bool RuleFormatFlag(cov::v1::RuleFormat* format) {
  const std::string name = absl::GetFlag(FLAGS_rule_format);
  *format = cov::v1::RULE_FORMAT_UNSPECIFIED;
  if (name.empty()) return true;
  *format = FormatByName(name);
  if (*format != cov::v1::RULE_FORMAT_UNSPECIFIED) return true;
  std::fprintf(stderr, "cov: --rule_format: unknown format '%s' (one of %s)\n",
               name.c_str(), absl::StrJoin(RuleFormatNames(), ", ").c_str());
  return false;
}

// The files of every PATH, each marked with --rule_format when given; false
// after printing which one failed.
bool CollectPaths(const Args& args, RuleFiles* out) {
  cov::v1::RuleFormat format;
  if (!RuleFormatFlag(&format)) return false;
  for (const auto& a : args) {
    if (!CollectFiles(UserPath(a), a, out).ok()) {
      std::fprintf(stderr, "cov: cannot read %s\n", a.c_str());
      return false;
    }
  }
  for (auto& f : *out) f.set_format(format);
  return true;
}

// The base files of --base (a folder holding the same PATHs, or a git
// revision); false after printing why.
bool CollectBase(const Args& args, cov::v1::CheckRequest* req) {
  const std::string base = absl::GetFlag(FLAGS_base);
  if (base.empty()) return true;
  std::error_code ec;
  const std::string base_path = UserPath(base);
  if (std::filesystem::is_directory(base_path, ec)) {
    for (const auto& a : args) {
      const std::string sub = base_path + "/" + a;
      if (std::filesystem::exists(sub, ec)) {
        (void)CollectFiles(sub, a, req->mutable_base_files());
      }
    }
  } else if (absl::Status s =
                 CollectFromGit(base, args, req->mutable_base_files());
             !s.ok()) {
    std::fprintf(stderr, "cov: %s\n", std::string(s.message()).c_str());
    return false;
  }
  cov::v1::RuleFormat format;
  if (!RuleFormatFlag(&format)) return false;
  for (auto& f : *req->mutable_base_files()) f.set_format(format);
  if (req->base_files().empty()) {
    std::fprintf(stderr,
                 "cov: warning: --base %s holds none of the rule files under "
                 "the given PATHs; no coverage delta\n",
                 base.c_str());
  }
  return true;
}

// --tests DIR: every info.yml, .evtx and .json below DIR, named relative
// to it (covd runs each test folder's rule on its events).
bool CollectTests(cov::v1::CheckRequest* req) {
  const std::string dir = absl::GetFlag(FLAGS_tests);
  if (dir.empty()) return true;
  const std::string root = UserPath(dir);
  absl::StatusOr<std::vector<std::string>> names =
      WalkLocalFiles(root, [](absl::string_view name) {
        const std::string lower = absl::AsciiStrToLower(name);
        return lower == "info.yml" || absl::EndsWith(lower, ".evtx") ||
               absl::EndsWith(lower, ".json");
      });
  if (!names.ok() || names->empty()) {
    std::fprintf(stderr, "cov: --tests %s holds no regression tests\n",
                 dir.c_str());
    return false;
  }
  for (const std::string& rel : *names) {
    absl::StatusOr<std::string> bytes = ReadFile(root + "/" + rel);
    if (!bytes.ok()) {
      std::fprintf(stderr, "cov: %s\n",
                   std::string(bytes.status().message()).c_str());
      return false;
    }
    cov::v1::RuleFile* f = req->add_tests();
    f->set_path(rel);
    f->set_content(*std::move(bytes));
  }
  return true;
}

// Writes the fixed files (or prints their diffs with --dry_run); returns
// the number of changed files, or -1 when one cannot be written.
int ApplyFixes(const cov::v1::FixResponse& resp, bool dry) {
  int changed_files = 0;
  for (const auto& f : resp.files()) {
    if (!f.changed()) continue;
    ++changed_files;
    if (dry) {
      std::printf("%s", f.diff().c_str());
      continue;
    }
    const std::string path = UserPath(f.path());
    std::ofstream out(path, std::ios::binary);
    if (!(out << f.content())) {
      std::fprintf(stderr, "cov: cannot write %s\n", path.c_str());
      return -1;
    }
  }
  return changed_files;
}

}  // namespace

int Check(Client& client, const Args& args) {
  if (args.empty()) {
    return Usage("usage: cov check PATH... [--base DIR|GIT_REV]");
  }
  cov::v1::CheckRequest req;
  *req.mutable_release() = ReleaseFromFlags();
  if (!CoverageOptionsFromFlags(req.mutable_options())) return 2;
  if (!CollectPaths(args, req.mutable_files())) return 2;
  if (!CollectBase(args, &req)) return 2;
  if (!CollectTests(&req)) return 2;
  for (const auto& t : absl::GetFlag(FLAGS_allow_regression)) {
    req.add_allow_regression(t);
  }
  req.set_flag_parent_and_sub(absl::GetFlag(FLAGS_flag_parent_and_sub));
  const std::string fail_on = absl::GetFlag(FLAGS_fail_on);
  if (fail_on != "error" && fail_on != "warning") {
    return Usage("--fail_on must be error or warning");
  }
  req.set_fail_on(fail_on);
  const std::string format = absl::GetFlag(FLAGS_format);
  req.set_output_format(format == "table" ? "text" : format);
  grpc::ClientContext ctx;
  client.Prepare(&ctx);
  cov::v1::CheckResponse resp;
  grpc::Status s = client.stub()->CheckRules(&ctx, req, &resp);
  if (!s.ok()) {
    client.Fail(s);
    return 2;  // the check could not run: an infrastructure error
  }
  std::fwrite(resp.rendered().data(), 1, resp.rendered().size(), stdout);
  if (resp.regression_tests_size() > 0) {
    std::fflush(stdout);  // the summary follows the rendered findings
    int passed = 0;
    for (const auto& t : resp.regression_tests()) passed += t.passed() ? 1 : 0;
    std::fprintf(stderr, "regression tests: %d passed, %d failed\n", passed,
                 resp.regression_tests_size() - passed);
  }
  return resp.failed() ? 1 : 0;
}

int Fix(Client& client, const Args& args) {
  if (args.empty() || !absl::GetFlag(FLAGS_revoked)) {
    return Usage("usage: cov fix PATH... --revoked [--dry_run]");
  }
  cov::v1::FixRequest req;
  *req.mutable_release() = ReleaseFromFlags();
  if (!CollectPaths(args, req.mutable_files())) return 2;
  grpc::ClientContext ctx;
  client.Prepare(&ctx);
  cov::v1::FixResponse resp;
  grpc::Status s = client.stub()->FixRules(&ctx, req, &resp);
  if (!s.ok()) {
    client.Fail(s);
    return 2;
  }
  if (JsonOutput()) {
    PrintJson(resp);
    return 0;
  }
  const bool dry = absl::GetFlag(FLAGS_dry_run);
  const int changed_files = ApplyFixes(resp, dry);
  if (changed_files < 0) return 2;
  if (!dry) {
    for (const auto& c : resp.changes()) {
      std::printf("%s:%d: %s -> %s%s%s\n", c.path().c_str(), c.line(),
                  c.before().c_str(), c.after().c_str(),
                  c.note().empty() ? "" : "  # ", c.note().c_str());
    }
  }
  for (const auto& s : resp.skipped()) {
    std::fprintf(stderr, "cov: not rewritten: %s\n", s.c_str());
  }
  std::fprintf(stderr, "%d revoked IDs in %d files %s\n", resp.changes_size(),
               changed_files, dry ? "would be rewritten" : "rewritten");
  return 0;
}

}  // namespace cov::clients::cli
