#include "server/kb/attack_ingest.h"

#include <sys/stat.h>

#include <cstdlib>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/kb/kb_cache.h"
#include "server/store/rocksdb_store.h"
#include "tests/corpus.h"
#include "tests/temp_dir.h"

namespace cov::server::kb {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::string TempDir(const std::string& name) {
  return cov::testing::FreshTempPath(name);
}

std::string Corpus(const std::string& rel) {
  auto p = cov::testing::CorpusPath(rel);
  EXPECT_TRUE(p.ok()) << p.status();
  return p.ok() ? *p : "";
}

TEST(Sha256Test, KnownVector) {
  EXPECT_EQ(Sha256Hex("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(AttackIngestTest, BadBundleLeavesStoredReleaseIntact) {
  auto store = store::RocksDbStore::Open(TempDir("intact"));
  ASSERT_TRUE(store.ok());
  cov::v1::IngestAttackRequest req;
  req.set_path(Corpus("attack/enterprise-attack-18.1.json"));
  auto first = IngestAttack(**store, req, {});
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(first->release().version(), "18.1");
  EXPECT_TRUE(first->release().is_default());
  EXPECT_EQ(first->release().counts().techniques(), 216);
  EXPECT_EQ(first->release().sha256().size(), 64u);

  // The same release, truncated: rejected, nothing changes.
  auto bytes = cov::testing::ReadFileToString(req.path());
  ASSERT_TRUE(bytes.ok());
  cov::v1::IngestAttackRequest bad;
  bad.set_content(bytes->substr(0, bytes->size() / 3));
  bad.set_file_name("enterprise-attack-18.1.json");
  auto r = IngestAttack(**store, bad, {});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(r.status().message()),
              HasSubstr("enterprise-attack-18.1.json: invalid JSON"));
  auto releases = (*store)->ListReleases();
  ASSERT_TRUE(releases.ok());
  ASSERT_EQ(releases->size(), 1u);
  EXPECT_EQ((*releases)[0].sha256(), first->release().sha256());
  auto t = (*store)->GetTechnique("enterprise-attack@18.1", "T1197");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->name(), "BITS Jobs");
}

TEST(AttackIngestTest, TwoReleasesSideBySideAndCacheFollowsReingest) {
  auto store = store::RocksDbStore::Open(TempDir("side"));
  ASSERT_TRUE(store.ok());
  cov::v1::IngestAttackRequest req;
  req.set_path(Corpus("attack/enterprise-attack-17.1.json"));
  ASSERT_TRUE(IngestAttack(**store, req, {}).ok());
  req.set_path(Corpus("attack/enterprise-attack-18.1.json"));
  req.set_make_default(true);
  ASSERT_TRUE(IngestAttack(**store, req, {}).ok());
  req.set_path(Corpus("attack/mobile-attack-18.1.json"));
  req.set_make_default(false);
  ASSERT_TRUE(IngestAttack(**store, req, {}).ok());

  auto releases = (*store)->ListReleases();
  ASSERT_EQ(releases->size(), 3u);
  auto def = (*store)->ResolveRelease({});
  EXPECT_EQ(def->key, "enterprise-attack@18.1");
  cov::v1::ReleaseRef mobile;
  mobile.set_domain("mobile-attack");
  EXPECT_EQ((*store)->ResolveRelease(mobile)->key, "mobile-attack@18.1");

  KbCache cache(store->get());
  auto kb = cache.Get(*def);
  ASSERT_TRUE(kb.ok());
  EXPECT_EQ((*kb)->tactics().size(), 14u);
  EXPECT_EQ((*kb)->FindActor("APT28")->id(), "G0007");
  auto again = cache.Get(*def);
  EXPECT_EQ(kb->get(), again->get());  // cached

  cov::v1::ReleaseRef v17;
  v17.set_version("17.1");
  auto r17 = (*store)->ResolveRelease(v17);
  ASSERT_TRUE(r17.ok());
  auto t = (*store)->GetTechnique(r17->key, "T1197");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->release().version(), "17.1");
}

// Issue 15 item 8: a small ICS bundle as STIX 2.0 (1 tactic, 2 techniques)
// and as STIX 2.1 (1 tactic, 1 technique, a collection object).
constexpr char kIcs20[] = R"json({"type": "bundle", "id": "bundle--1",
 "spec_version": "2.0", "objects": [
  {"type": "x-mitre-matrix", "id": "x-mitre-matrix--m", "name": "ICS ATT&CK",
   "external_references": [{"source_name": "mitre-attack", "external_id": "ics-attack"}],
   "tactic_refs": ["x-mitre-tactic--irf"]},
  {"type": "x-mitre-tactic", "id": "x-mitre-tactic--irf",
   "name": "Inhibit Response Function", "x_mitre_shortname": "inhibit-response-function",
   "external_references": [{"source_name": "mitre-attack", "external_id": "TA0107"}]},
  {"type": "attack-pattern", "id": "attack-pattern--a", "name": "Activate Firmware Update Mode",
   "kill_chain_phases": [{"kill_chain_name": "mitre-ics-attack", "phase_name": "inhibit-response-function"}],
   "external_references": [{"source_name": "mitre-attack", "external_id": "T0800"}]},
  {"type": "attack-pattern", "id": "attack-pattern--b", "name": "Alarm Suppression",
   "kill_chain_phases": [{"kill_chain_name": "mitre-ics-attack", "phase_name": "inhibit-response-function"}],
   "external_references": [{"source_name": "mitre-attack", "external_id": "T0878"}]}
]})json";
constexpr char kIcs21[] =
    R"json({"type": "bundle", "id": "bundle--2", "objects": [
  {"type": "x-mitre-collection", "id": "x-mitre-collection--1", "spec_version": "2.1",
   "name": "ICS ATT&CK", "x_mitre_version": "18.1"},
  {"type": "x-mitre-matrix", "id": "x-mitre-matrix--m", "spec_version": "2.1",
   "external_references": [{"source_name": "mitre-attack", "external_id": "ics-attack"}],
   "tactic_refs": ["x-mitre-tactic--irf"]},
  {"type": "x-mitre-tactic", "id": "x-mitre-tactic--irf", "spec_version": "2.1",
   "name": "Inhibit Response Function", "x_mitre_shortname": "inhibit-response-function",
   "external_references": [{"source_name": "mitre-attack", "external_id": "TA0107"}]},
  {"type": "attack-pattern", "id": "attack-pattern--a", "spec_version": "2.1",
   "name": "Activate Firmware Update Mode",
   "kill_chain_phases": [{"kill_chain_name": "mitre-ics-attack", "phase_name": "inhibit-response-function"}],
   "external_references": [{"source_name": "mitre-attack", "external_id": "T0800"}]}
]})json";

TEST(AttackIngestTest, ReplacingAStoredReleaseSaysSo) {
  auto store = store::RocksDbStore::Open(TempDir("replace"));
  ASSERT_TRUE(store.ok());
  cov::v1::IngestAttackRequest req;
  req.set_content(kIcs20);
  req.set_file_name("ics-attack-18.1.json");
  auto first = IngestAttack(**store, req, {});
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_FALSE(first->has_replaced());
  EXPECT_EQ(first->diagnostics_size(), 0);

  // The same bytes again.
  auto again = IngestAttack(**store, req, {});
  ASSERT_TRUE(again.ok()) << again.status();
  ASSERT_GE(again->diagnostics_size(), 1);
  EXPECT_EQ(again->diagnostics(0).code(), "attack-release-replaced");
  EXPECT_EQ(again->diagnostics(0).message(),
            "re-loaded ics-attack@18.1 from the same bundle (STIX 2.0, 3 "
            "objects)");

  req.set_content(kIcs21);
  req.set_file_name("ics-attack-18.1-stix21.json");
  auto second = IngestAttack(**store, req, {});
  ASSERT_TRUE(second.ok()) << second.status();
  ASSERT_TRUE(second->has_replaced());
  EXPECT_EQ(second->replaced().stix_version(), "2.0");
  EXPECT_EQ(second->release().stix_version(), "2.1");
  ASSERT_GE(second->diagnostics_size(), 1);
  EXPECT_EQ(second->diagnostics(0).severity(), cov::v1::SEVERITY_INFO);
  EXPECT_EQ(second->diagnostics(0).message(),
            "replaced ics-attack@18.1 (was STIX 2.0, 3 objects, from "
            "ics-attack-18.1.json; now STIX 2.1, 2 objects)");
  EXPECT_EQ(second->warning_count(), second->diagnostics_size() - 1);
  EXPECT_EQ((*store)->ListReleases()->size(), 1u);
}

TEST(AttackIngestTest, WithThousands) {
  EXPECT_EQ(WithThousands(0), "0");
  EXPECT_EQ(WithThousands(999), "999");
  EXPECT_EQ(WithThousands(1501), "1,501");
  EXPECT_EQ(WithThousands(1234567), "1,234,567");
  EXPECT_EQ(WithThousands(-45868), "-45,868");
}

TEST(AttackIngestTest, MissingPathAndEmptyRequest) {
  auto store = store::RocksDbStore::Open(TempDir("missing"));
  ASSERT_TRUE(store.ok());
  cov::v1::IngestAttackRequest req;
  EXPECT_EQ(IngestAttack(**store, req, {}).status().code(),
            absl::StatusCode::kInvalidArgument);
  req.set_path("/nonexistent/enterprise-attack-18.1.json");
  auto r = IngestAttack(**store, req, {});
  EXPECT_EQ(r.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(std::string(r.status().message()),
              HasSubstr("/nonexistent/enterprise-attack-18.1.json"));
}

// The path check the caller passes decides: a refused path is never read and
// the store stays empty; the check's error is answered as is.
TEST(AttackIngestTest, RefusedPathIsNotRead) {
  auto store = store::RocksDbStore::Open(TempDir("refused"));
  ASSERT_TRUE(store.ok());
  cov::v1::IngestAttackRequest req;
  req.set_path(Corpus("attack/enterprise-attack-18.1.json"));
  std::vector<std::string> asked;
  auto refuse = [&asked](absl::string_view path) {
    asked.emplace_back(path);
    return absl::PermissionDeniedError(
        absl::StrCat("path ", path, " is outside the ingest roots (/srv)"));
  };
  auto r = IngestAttack(**store, req, refuse);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(
      r.status().message(),
      absl::StrCat("path ", req.path(), " is outside the ingest roots (/srv)"));
  EXPECT_THAT(asked, ElementsAre(req.path()));
  auto releases = (*store)->ListReleases();
  ASSERT_TRUE(releases.ok());
  EXPECT_TRUE(releases->empty());
  // Content is not a server-side path: no check.
  asked.clear();
  auto bytes = cov::testing::ReadFileToString(req.path());
  ASSERT_TRUE(bytes.ok());
  cov::v1::IngestAttackRequest upload;
  upload.set_content(*bytes);
  upload.set_file_name("enterprise-attack-18.1.json");
  auto up = IngestAttack(**store, upload, refuse);
  ASSERT_TRUE(up.ok()) << up.status();
  EXPECT_EQ(up->release().counts().techniques(), 216);
  EXPECT_TRUE(asked.empty());
}

// A client on the same host sends its file's size and mtime with the path;
// another file at that path on the server is refused (the client uploads).
TEST(AttackIngestTest, PathWithOtherSizeOrMtimeIsRefused) {
  auto store = store::RocksDbStore::Open(TempDir("same-file"));
  ASSERT_TRUE(store.ok());
  const std::string path = Corpus("attack/enterprise-attack-18.1.json");
  struct stat st;
  ASSERT_EQ(stat(path.c_str(), &st), 0);
  const int64_t mtime_ns =
      int64_t{st.st_mtim.tv_sec} * 1000000000 + st.st_mtim.tv_nsec;
  cov::v1::IngestAttackRequest req;
  req.set_path(path);
  req.set_expected_size(st.st_size + 1);
  req.set_expected_mtime_unix_ns(mtime_ns);
  auto r = IngestAttack(**store, req, {});
  EXPECT_EQ(r.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(
      r.status().message(),
      absl::StrCat("the server's ", path, " (", st.st_size, " bytes, mtime ",
                   mtime_ns, " ns) is not the client's (", st.st_size + 1,
                   " bytes, mtime ", mtime_ns, " ns)"));
  req.set_expected_size(st.st_size);
  req.set_expected_mtime_unix_ns(mtime_ns - 1);
  EXPECT_EQ(IngestAttack(**store, req, {}).status().code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE((*store)->ListReleases()->empty());
  req.set_expected_mtime_unix_ns(mtime_ns);
  auto ok = IngestAttack(**store, req, {});
  ASSERT_TRUE(ok.ok()) << ok.status();
  EXPECT_EQ(ok->release().counts().techniques(), 216);
}

}  // namespace
}  // namespace cov::server::kb
