// Knowledge-base commands: ingest attack, releases, default, technique,
// actor, search, stats.
#include <sys/stat.h>

#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "clients/cli/files.h"
#include "clients/cli/flags.h"
#include "clients/cli/handlers.h"
#include "clients/cli/output.h"

namespace cov::clients::cli {

const char kIngestAttackHelp[] =
    "  Loads a STIX bundle as one ATT&CK release. The version comes from the\n"
    "  bundle's x-mitre-collection object, else from the file name\n"
    "  (enterprise-attack-18.1.json), else from --version. Atomic: a bad file\n"
    "  leaves the store as it was. The first release loaded is the default.\n"
    "  A covd on this host (loopback address) reads the file itself: the\n"
    "  absolute path goes with the file's size and mtime, and when covd may\n"
    "  not read it (--ingest_root) or sees another file there the bytes are\n"
    "  uploaded instead. --upload always uploads; --server_path always sends\n"
    "  the path (covd must see the same file system).\n";

const char kTechniqueHelp[] =
    "  Shows a technique or sub-technique (T1197, t1059.001): tactics in\n"
    "  kill-chain order, platforms, parent/sub-techniques, data components,\n"
    "  detection strategies, the groups/software/campaigns that use it with\n"
    "  their procedure text, mitigations and references. A revoked ID (T1086)\n"
    "  shows its replacement (revokedBy). Exit 1 when the ID is unknown.\n";

namespace {

void PrintRelease(const cov::v1::Release& r) {
  const auto& c = r.counts();
  std::printf(
      "%s %-18s %-6s %4d techniques %4d sub-techniques %3d groups %4d "
      "software %3d campaigns  (version from %s, %s)\n",
      r.is_default() ? "*" : " ", r.domain().c_str(), r.version().c_str(),
      c.techniques(), c.subtechniques(), c.groups(), c.software(),
      c.campaigns(), r.version_source().c_str(), r.source_file().c_str());
}

void PrintTechniqueUsers(const cov::v1::Technique& t) {
  int groups = 0, software = 0, campaigns = 0;
  for (const auto& p : t.procedures()) {
    groups += p.kind() == "group";
    software += p.kind() == "software";
    campaigns += p.kind() == "campaign";
  }
  std::printf("  Used by:      %d groups, %d software, %d campaigns\n", groups,
              software, campaigns);
  for (const auto& p : t.procedures()) {
    std::printf("    %-6s %-28s %s\n", p.id().c_str(),
                Truncate(p.name(), 28).c_str(),
                Truncate(p.description(), 90).c_str());
  }
  if (!t.mitigations().empty()) std::printf("  Mitigations:\n");
  for (const auto& m : t.mitigations()) {
    std::printf("    %-6s %s\n", m.id().c_str(), m.name().c_str());
  }
}

void PrintTechnique(const cov::v1::Technique& t) {
  std::printf("%s  %s%s%s\n", t.id().c_str(), t.name().c_str(),
              t.revoked() ? "  [REVOKED]" : "",
              t.deprecated() ? "  [DEPRECATED]" : "");
  std::printf("  ATT&CK:       %s %s  %s\n", t.release().domain().c_str(),
              t.release().version().c_str(), t.url().c_str());
  if (t.revoked()) {
    std::printf("  Revoked by:   %s\n",
                t.revoked_by().empty() ? "(unknown)" : t.revoked_by().c_str());
    return;
  }
  std::printf("  Tactics:      %s\n", absl::StrJoin(t.tactics(), ", ").c_str());
  std::printf("  Platforms:    %s\n",
              absl::StrJoin(t.platforms(), ", ").c_str());
  if (!t.parent().empty()) {
    std::printf("  Parent:       %s\n", t.parent().c_str());
  }
  if (!t.subtechniques().empty()) {
    std::printf("  Sub-techniques: %s\n",
                absl::StrJoin(t.subtechniques(), ", ").c_str());
  }
  std::printf("  Data components: %s\n",
              t.data_components().empty()
                  ? "(none)"
                  : absl::StrJoin(t.data_components(), ", ").c_str());
  for (const auto& ds : t.detection_strategies()) {
    std::printf("  Detection strategy %s: %s (%d analytics)\n", ds.id().c_str(),
                ds.name().c_str(), ds.analytics_size());
  }
  if (!t.detection().empty()) {
    std::printf("  Detection:\n%s", Wrap(t.detection(), 90, "    ").c_str());
  }
  std::printf("  Description:\n%s",
              Wrap(Truncate(t.description(), 600), 90, "    ").c_str());
  PrintTechniqueUsers(t);
}

void PrintActor(const cov::v1::Actor& a) {
  std::printf("%s  %s (%s%s%s)%s\n", a.id().c_str(), a.name().c_str(),
              a.kind().c_str(), a.software_type().empty() ? "" : ", ",
              a.software_type().c_str(), a.revoked() ? "  [REVOKED]" : "");
  if (!a.aliases().empty()) {
    std::printf("  Aliases:    %s\n", absl::StrJoin(a.aliases(), ", ").c_str());
  }
  std::printf("  Description:\n%s",
              Wrap(Truncate(a.description(), 500), 90, "    ").c_str());
  std::printf("  Techniques (%d):\n", a.techniques_size());
  for (const auto& p : a.techniques()) {
    std::printf("    %-10s %-40s %s\n", p.id().c_str(),
                Truncate(p.name(), 40).c_str(),
                Truncate(p.description(), 70).c_str());
  }
  if (!a.software().empty()) {
    std::vector<std::string> sw;
    for (const auto& s : a.software()) sw.push_back(s.id() + " " + s.name());
    std::printf("  Software:   %s\n", absl::StrJoin(sw, ", ").c_str());
  }
  for (const auto& c : a.attributed()) {
    std::printf("  Attributed: %s %s\n", c.id().c_str(), c.name().c_str());
  }
}

std::string BaseName(const std::string& path) {
  return path.substr(path.find_last_of('/') + 1);
}

grpc::Status Call(Client& client, const cov::v1::IngestAttackRequest& req,
                  cov::v1::IngestAttackResponse* resp) {
  grpc::ClientContext ctx;
  client.Prepare(&ctx);
  return client.stub()->IngestAttack(&ctx, req, resp);
}

// Sets path (absolute), file name, size and mtime of the regular file
// `path`; false when it cannot be stat'ed (then it is uploaded, and reading
// it reports the error).
bool SetSameFile(const std::string& path, cov::v1::IngestAttackRequest* req) {
  struct stat st;
  if (stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return false;
  req->set_path(RealPath(path));
  req->set_file_name(BaseName(path));
  req->set_expected_size(st.st_size);
  req->set_expected_mtime_unix_ns(int64_t{st.st_mtim.tv_sec} * 1000000000 +
                                  st.st_mtim.tv_nsec);
  return true;
}

// Answers to a path after which the bytes are uploaded instead: refused by
// covd --ingest_root, another file at that path, or none (covd in another
// mount namespace).
bool UploadInstead(const grpc::Status& s) {
  return s.error_code() == grpc::StatusCode::PERMISSION_DENIED ||
         s.error_code() == grpc::StatusCode::FAILED_PRECONDITION ||
         s.error_code() == grpc::StatusCode::NOT_FOUND;
}

}  // namespace

int IngestAttack(Client& client, const Args& args) {
  if (args.size() != 2) {
    return Usage("usage: cov ingest attack|sigma|suricata|yara PATH");
  }
  const std::string path = UserPath(args[1]);
  cov::v1::IngestAttackRequest req;
  req.set_version(absl::GetFlag(FLAGS_version));
  req.set_make_default(absl::GetFlag(FLAGS_make_default));
  cov::v1::IngestAttackResponse resp;
  grpc::Status s;
  bool sent = false;
  if (absl::GetFlag(FLAGS_server_path)) {
    req.set_path(RealPath(path));
    s = Call(client, req, &resp);
    sent = true;
  } else if (!absl::GetFlag(FLAGS_upload) && client.loopback()) {
    // covd shares this host: let it read the file (no copy through us).
    cov::v1::IngestAttackRequest by_path = req;
    if (SetSameFile(path, &by_path)) {
      s = Call(client, by_path, &resp);
      sent = !UploadInstead(s);
      if (!sent) {
        std::fprintf(stderr,
                     "cov: covd did not read %s itself (%s); "
                     "uploading it\n",
                     path.c_str(), s.error_message().c_str());
      }
    }
  }
  if (!sent) {
    absl::StatusOr<std::string> content = ReadFile(path);
    if (!content.ok()) {
      std::fprintf(stderr, "cov: cannot read %s\n", path.c_str());
      return 1;
    }
    req.set_content(*std::move(content));
    req.set_file_name(BaseName(path));
    resp.Clear();
    s = Call(client, req, &resp);
  }
  if (!s.ok()) return client.Fail(s);
  if (JsonOutput()) {
    PrintJson(resp);
    return 0;
  }
  const auto& r = resp.release();
  std::printf("loaded %s %s from %s in %.0f ms (parse %.0f, store %.0f)\n",
              r.domain().c_str(), r.version().c_str(), path.c_str(),
              resp.elapsed_ms(), resp.parse_ms(), resp.store_ms());
  PrintRelease(r);
  for (const auto& d : resp.diagnostics()) {
    std::printf("  warning: %s%s%s [%s]\n", d.message().c_str(),
                d.object().empty() ? "" : " ", d.object().c_str(),
                d.code().c_str());
  }
  return 0;
}

int Releases(Client& client, const Args&) {
  grpc::ClientContext ctx;
  client.Prepare(&ctx);
  cov::v1::ListReleasesResponse resp;
  grpc::Status s = client.stub()->ListReleases(&ctx, {}, &resp);
  if (!s.ok()) return client.Fail(s);
  if (JsonOutput()) {
    PrintJson(resp);
    return 0;
  }
  if (resp.releases().empty()) {
    std::printf("no ATT&CK release stored; run `cov ingest attack FILE`\n");
  }
  for (const auto& r : resp.releases()) PrintRelease(r);
  return 0;
}

int Default(Client& client, const Args& args) {
  if (args.size() != 1) {
    return Usage("usage: cov default VERSION|DOMAIN@VERSION");
  }
  cov::v1::SetDefaultReleaseRequest req;
  std::vector<std::string> parts = absl::StrSplit(args[0], '@');
  if (parts.size() == 2) {
    req.mutable_release()->set_domain(parts[0]);
    req.mutable_release()->set_version(parts[1]);
  } else {
    req.mutable_release()->set_domain(absl::GetFlag(FLAGS_domain));
    req.mutable_release()->set_version(args[0]);
  }
  grpc::ClientContext ctx;
  client.Prepare(&ctx);
  cov::v1::Release resp;
  grpc::Status s = client.stub()->SetDefaultRelease(&ctx, req, &resp);
  if (!s.ok()) return client.Fail(s);
  if (JsonOutput()) {
    PrintJson(resp);
  } else {
    PrintRelease(resp);
  }
  return 0;
}

int Technique(Client& client, const Args& args) {
  if (args.size() != 1) return Usage("usage: cov technique ID");
  cov::v1::GetTechniqueRequest req;
  req.set_id(args[0]);
  *req.mutable_release() = ReleaseFromFlags();
  grpc::ClientContext ctx;
  client.Prepare(&ctx);
  cov::v1::Technique resp;
  grpc::Status s = client.stub()->GetTechnique(&ctx, req, &resp);
  if (!s.ok()) return client.Fail(s);
  if (JsonOutput()) {
    PrintJson(resp);
  } else {
    PrintTechnique(resp);
  }
  return 0;
}

int Actor(Client& client, const Args& args) {
  if (args.empty()) return Usage("usage: cov actor ID|NAME|ALIAS");
  cov::v1::GetActorRequest req;
  req.set_id(absl::StrJoin(args, " "));
  *req.mutable_release() = ReleaseFromFlags();
  grpc::ClientContext ctx;
  client.Prepare(&ctx);
  cov::v1::Actor a;
  grpc::Status s = client.stub()->GetActor(&ctx, req, &a);
  if (!s.ok()) return client.Fail(s);
  if (JsonOutput()) {
    PrintJson(a);
  } else {
    PrintActor(a);
  }
  return 0;
}

int Search(Client& client, const Args& args) {
  if (args.empty()) return Usage("usage: cov search TEXT...");
  cov::v1::SearchRequest req;
  req.set_query(absl::StrJoin(args, " "));
  *req.mutable_release() = ReleaseFromFlags();
  for (const auto& k : absl::GetFlag(FLAGS_kind)) req.add_kinds(k);
  req.set_limit(absl::GetFlag(FLAGS_limit));
  req.set_include_inactive(absl::GetFlag(FLAGS_all));
  grpc::ClientContext ctx;
  client.Prepare(&ctx);
  cov::v1::SearchResponse resp;
  grpc::Status s = client.stub()->Search(&ctx, req, &resp);
  if (!s.ok()) return client.Fail(s);
  if (JsonOutput()) {
    PrintJson(resp);
    return 0;
  }
  for (const auto& h : resp.hits()) {
    std::printf("%-10s %-14s %s%s\n", h.id().c_str(), h.kind().c_str(),
                h.name().c_str(), h.revoked() ? " [revoked]" : "");
    if (!h.snippet().empty()) {
      std::printf("           %s\n", Truncate(h.snippet(), 100).c_str());
    }
  }
  std::printf("%d of %d matches\n", resp.hits_size(), resp.total());
  return resp.total() == 0 ? 1 : 0;
}

int Stats(Client& client, const Args&) {
  grpc::ClientContext ctx;
  client.Prepare(&ctx);
  cov::v1::Stats resp;
  grpc::Status s = client.stub()->GetStats(&ctx, {}, &resp);
  if (!s.ok()) return client.Fail(s);
  if (JsonOutput()) {
    PrintJson(resp);
    return 0;
  }
  std::printf("server:  %s, up %llds\n", resp.server_version().c_str(),
              static_cast<long long>(resp.uptime_seconds()));
  std::printf("store:   %.1f MB\n", resp.store_bytes() / 1e6);
  std::printf("rules:   %lld in %d sources\n",
              static_cast<long long>(resp.rule_count()), resp.sources_size());
  std::printf("releases (%d):\n", resp.releases_size());
  for (const auto& r : resp.releases()) PrintRelease(r);
  return 0;
}

}  // namespace cov::clients::cli
