#include "server/library/library_ingest.h"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "ingest/atomics/atomics_parser.h"
#include "ingest/base/diagnostics.h"
#include "ingest/base/file_walk.h"
#include "ingest/base/utf8.h"
#include "ingest/ctid/ctid_parser.h"
#include "server/auth/path_policy.h"

namespace cov::server::library {
namespace {

namespace fs = std::filesystem;

bool ReadAll(const std::string& path, std::string* out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::ostringstream ss;
  ss << in.rdbuf();
  *out = ss.str();
  return true;
}

// One counted warning for atomic tests whose technique the default
// Enterprise release does not know (e.g. ATT&CK v19 IDs against 18.1);
// nullopt when all are known or no Enterprise release is stored.
std::optional<cov::v1::Diagnostic> UnknownTechniques(
    const store::Store& store, const std::map<std::string, int>& tests) {
  cov::v1::ReleaseRef enterprise;
  enterprise.set_domain("enterprise-attack");
  absl::StatusOr<store::StoredRelease> release =
      store.ResolveRelease(enterprise);
  if (!release.ok()) return std::nullopt;
  int unknown_tests = 0;
  std::vector<std::string> shown;
  int unknown_ids = 0;
  for (const auto& [id, n] : tests) {
    if (store.GetTechnique(release->key, id).ok()) continue;
    ++unknown_ids;
    unknown_tests += n;
    if (shown.size() < 5) shown.push_back(absl::StrCat(id, " x", n));
  }
  if (unknown_ids == 0) return std::nullopt;
  if (unknown_ids > 5) shown.push_back("...");
  return ingest::Warning(
      "", 0, 0, "atomics-unknown-technique",
      absl::StrCat(
          unknown_tests, unknown_tests == 1 ? " test" : " tests", " for ",
          unknown_ids, unknown_ids == 1 ? " technique ID" : " technique IDs",
          " unknown to ", release->key, " (", absl::StrJoin(shown, ", "),
          "): newer ATT&CK? They are stored but no query of ", release->key,
          " finds them"));
}

}  // namespace

absl::StatusOr<cov::v1::IngestLibraryResponse> IngestLibrary(
    store::Store& store, const cov::v1::IngestLibraryRequest& request,
    const auth::PathCheck& check_path) {
  auto t0 = std::chrono::steady_clock::now();
  const std::string& kind = request.kind();
  if (kind != "atomics" && kind != "plans") {
    return absl::InvalidArgumentError(absl::StrCat(
        "library kind must be atomics or plans, not '", kind, "'"));
  }
  // covd --ingest_root confines server-side paths.
  absl::StatusOr<fs::path> resolved =
      auth::ResolveIngestPath(check_path, request.path());
  if (!resolved.ok()) return resolved.status();
  const fs::path root = *std::move(resolved);
  // Hidden folders and symlinks are skipped; a named file is always read.
  absl::StatusOr<std::vector<ingest::WalkedFile>> walked =
      ingest::WalkFiles(root.string(), [&kind](absl::string_view rel) {
        const absl::string_view name = rel.substr(rel.rfind('/') + 1);
        if (!absl::EndsWith(name, ".yaml") && !absl::EndsWith(name, ".yml")) {
          return false;
        }
        // atomics/T1197/T1197.yaml; the folders also hold src/ and bin/.
        if (kind == "atomics") {
          return name[0] == 'T' && absl::ascii_isdigit(name[1]);
        }
        // The CTID format dictionary describes the format; it is no plan.
        return name != "format_dictionary.yaml";
      });
  if (!walked.ok()) return walked.status();
  std::vector<std::string> files;
  for (ingest::WalkedFile& w : *walked) files.push_back(std::move(w.full));

  store::LibraryUpdate update;
  cov::v1::IngestLibraryResponse response;
  std::set<std::string> techniques;
  std::map<std::string, int> tests_per_technique;
  std::error_code ec;
  for (const std::string& path : files) {
    std::string rel =
        fs::relative(path, fs::is_directory(root) ? root : root.parent_path(),
                     ec)
            .generic_string();
    std::string bytes;
    if (!ReadAll(path, &bytes)) {
      *response.add_diagnostics() =
          ingest::Error(rel, 0, 0, "io-error", "cannot read the file");
      continue;
    }
    response.set_files(response.files() + 1);
    if (kind == "atomics") {
      absl::StatusOr<ingest::atomics::AtomicsFile> f =
          ingest::atomics::ParseAtomics(bytes, rel);
      if (!f.ok()) {
        *response.add_diagnostics() =
            ingest::Error(rel, 0, 0, "atomics-invalid", f.status().message());
        continue;
      }
      for (auto& d : f->diagnostics) *response.add_diagnostics() = d;
      for (const auto& t : f->tests) {
        cov::v1::TestProcedure proc = t.procedure;
        proc.set_origin(absl::StrCat("atomics:", request.source().empty()
                                                     ? "atomics"
                                                     : request.source()));
        update.tests.emplace_back(f->technique_id, std::move(proc));
        techniques.insert(f->technique_id);
        ++tests_per_technique[f->technique_id];
      }
    } else {
      absl::StatusOr<ingest::ctid::CtidPlan> plan =
          ingest::ctid::ParseCtidPlan(bytes, rel);
      if (!plan.ok()) {
        *response.add_diagnostics() =
            ingest::Error(rel, 0, 0, "ctid-invalid", plan.status().message());
        continue;
      }
      for (auto& d : plan->diagnostics) *response.add_diagnostics() = d;
      if (plan->steps.empty()) continue;
      cov::v1::PlanResponse p;
      p.set_subject(plan->name);
      for (const auto& step : plan->steps) {
        cov::v1::PlanStep* ps = p.add_steps();
        *ps = ingest::ctid::ToPlanStep(step, plan->name);
        ingest::SanitizeUtf8(ps);
        if (!step.technique_id.empty()) techniques.insert(step.technique_id);
      }
      update.plans.push_back(std::move(p));
    }
  }
  if (kind == "atomics") {
    if (std::optional<cov::v1::Diagnostic> d =
            UnknownTechniques(store, tests_per_technique)) {
      *response.add_diagnostics() = *std::move(d);
    }
  }
  std::string name = request.source();
  if (name.empty()) name = root.filename().string();
  cov::v1::Source& source = update.source;
  source.set_name(name);
  source.set_path(root.string());
  source.set_file_count(response.files());
  source.set_rule_count(static_cast<int>(
      kind == "atomics" ? update.tests.size() : update.plans.size()));
  int errors = 0;
  for (const auto& d : response.diagnostics()) {
    errors += d.severity() == cov::v1::SEVERITY_ERROR;
  }
  source.set_error_count(errors);
  source.set_ingested_at_unix(absl::ToUnixSeconds(absl::Now()));
  absl::Status st = store.PutLibrary(update);
  if (!st.ok()) return st;
  response.set_source(name);
  response.set_tests(static_cast<int>(update.tests.size()));
  response.set_plans(static_cast<int>(update.plans.size()));
  response.set_techniques(static_cast<int>(techniques.size()));
  response.set_elapsed_ms(std::chrono::duration<double, std::milli>(
                              std::chrono::steady_clock::now() - t0)
                              .count());
  return response;
}

}  // namespace cov::server::library
