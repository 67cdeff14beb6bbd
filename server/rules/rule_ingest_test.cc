#include "server/rules/rule_ingest.h"

#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>
#include <utime.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/kb/attack_ingest.h"
#include "server/kb/kb_cache.h"
#include "server/store/rocksdb_store.h"
#include "tests/corpus.h"
#include "tests/temp_dir.h"

namespace cov::server::rules {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::string TempDir(const std::string& name) {
  return cov::testing::FreshTempDir(name);
}

void Write(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}

std::string SigmaRule(const std::string& id, const std::string& tag) {
  return "title: Rule " + id + "\nid: " + id +
         "\nstatus: test\nlevel: high\nlogsource:\n  category: "
         "process_creation\n  product: windows\ndetection:\n  sel:\n    "
         "Image|endswith: '\\bitsadmin.exe'\n  condition: sel\ntags:\n  - " +
         tag + "\n";
}

constexpr char kIdA[] = "0b1e0b6b-0d53-4d5f-9a57-1a2b3c4d5e6f";
constexpr char kIdB[] = "1c2e0b6b-0d53-4d5f-9a57-1a2b3c4d5e6f";

class RuleIngestTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto s = store::RocksDbStore::Open(TempDir("db-" + Name()) + "/db");
    ASSERT_TRUE(s.ok()) << s.status();
    store_ = *std::move(s);
    ctx_.store = store_.get();
    ctx_.threads = 2;
  }
  static std::string Name() {
    return ::testing::UnitTest::GetInstance()->current_test_info()->name();
  }
  absl::StatusOr<cov::v1::IngestRulesResponse> Ingest(
      const std::string& path, const std::string& source,
      cov::v1::RuleFormat format = cov::v1::RULE_FORMAT_SIGMA) {
    cov::v1::IngestRulesRequest req;
    req.set_path(path);
    req.set_source(source);
    req.set_format(format);
    return IngestRules(ctx_, req);
  }
  std::set<std::string> Uids(const std::string& source) {
    std::set<std::string> out;
    EXPECT_TRUE(store_
                    ->ForEachRule(source,
                                  [&](const cov::v1::Rule& r) {
                                    out.insert(r.uid());
                                    return true;
                                  })
                    .ok());
    return out;
  }
  std::unique_ptr<store::RocksDbStore> store_;
  IngestContext ctx_;
};

// The caller's path check decides: a refused folder is not walked, no
// source is stored and the check's error is answered as is.
TEST_F(RuleIngestTest, RefusedPathIsNotRead) {
  std::string dir = TempDir("src-refused");
  Write(dir + "/a.yml", SigmaRule(kIdA, "attack.t1197"));
  std::vector<std::string> asked;
  ctx_.check_path = [&asked](absl::string_view path) {
    asked.emplace_back(path);
    return absl::PermissionDeniedError("outside the ingest roots");
  };
  auto r = Ingest(dir, "refused");
  EXPECT_EQ(r.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(r.status().message(), "outside the ingest roots");
  EXPECT_EQ(asked, std::vector<std::string>{dir});
  auto sources = store_->ListSources();
  ASSERT_TRUE(sources.ok());
  EXPECT_TRUE(sources->empty());
  // Allowed by the check: ingested.
  ctx_.check_path = [](absl::string_view) { return absl::OkStatus(); };
  r = Ingest(dir, "refused");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->source().rule_count(), 1);
}

TEST_F(RuleIngestTest, IncrementalReingest) {
  std::string dir = TempDir("src-incr");
  Write(dir + "/a.yml", SigmaRule(kIdA, "attack.t1197"));
  ASSERT_EQ(mkdir((dir + "/sub").c_str(), 0755), 0);
  Write(dir + "/sub/b.yml", SigmaRule(kIdB, "attack.t1105"));
  Write(dir + "/README.md", "not a rule");
  mkdir((dir + "/.git").c_str(), 0755);
  Write(dir + "/.git/hidden.yml", SigmaRule(kIdA, "attack.t1197"));

  auto r = Ingest(dir, "mine");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->files_parsed(), 2);
  EXPECT_EQ(r->files_skipped(), 0);
  EXPECT_EQ(r->source().rule_count(), 2);
  EXPECT_EQ(r->source().file_count(), 2);
  EXPECT_EQ(r->source().error_count(), 0);
  EXPECT_EQ(Uids("mine"), (std::set<std::string>{kIdA, kIdB}));
  EXPECT_EQ(store_->RulesGeneration(), 1);

  // Nothing changed: nothing parsed.
  r = Ingest(dir, "mine");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->files_parsed(), 0);
  EXPECT_EQ(r->files_skipped(), 2);

  // Touched but same bytes: re-hashed, not re-parsed.
  struct utimbuf times = {1000000000, 1000000000};
  ASSERT_EQ(utime((dir + "/a.yml").c_str(), &times), 0);
  r = Ingest(dir, "mine");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->files_parsed(), 0);
  EXPECT_EQ(r->files_skipped(), 2);

  // One file changed, one removed, one added.
  Write(dir + "/a.yml", SigmaRule(kIdA, "attack.t1059.001"));
  ASSERT_EQ(std::remove((dir + "/sub/b.yml").c_str()), 0);
  Write(dir + "/c.yaml",
        SigmaRule("2d2e0b6b-0d53-4d5f-9a57-1a2b3c4d5e6f", "attack.t1041"));
  r = Ingest(dir, "mine");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->files_parsed(), 2);
  EXPECT_EQ(r->files_removed(), 1);
  EXPECT_EQ(r->source().rule_count(), 2);
  EXPECT_EQ(Uids("mine"), (std::set<std::string>{
                              kIdA, "2d2e0b6b-0d53-4d5f-9a57-1a2b3c4d5e6f"}));
  bool saw_new_tag = false;
  store_
      ->ForEachRule("mine",
                    [&](const cov::v1::Rule& rule) {
                      for (const auto& ref : rule.attack_refs()) {
                        saw_new_tag |= ref.id() == "T1059.001";
                      }
                      return true;
                    })
      .IgnoreError();
  EXPECT_TRUE(saw_new_tag);
}

// covd parses at a lower priority (nice 10) on threads of its own: same
// answer, and the calling (gRPC) thread keeps its priority.
TEST_F(RuleIngestTest, NicedParseGivesTheSameAnswerAndLeavesTheCaller) {
  std::string dir = TempDir("src-nice");
  Write(dir + "/a.yml", SigmaRule(kIdA, "attack.t1197"));
  Write(dir + "/b.yml", SigmaRule(kIdB, "attack.t1105"));
  const int before = getpriority(PRIO_PROCESS, static_cast<id_t>(gettid()));
  ctx_.nice = 10;
  auto r = Ingest(dir, "niced");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->files_parsed(), 2);
  EXPECT_EQ(r->source().rule_count(), 2);
  EXPECT_EQ(Uids("niced"), (std::set<std::string>{kIdA, kIdB}));
  EXPECT_EQ(getpriority(PRIO_PROCESS, static_cast<id_t>(gettid())), before);
}

// A layer's rules depend on min_score: the same threshold skips unchanged
// files like any format, another one re-reads them all.
TEST_F(RuleIngestTest, LayerReingestRereadsOnlyForAnotherThreshold) {
  std::string dir = TempDir("src-layer");
  Write(dir + "/controls.json",
        R"({"name": "c", "domain": "enterprise-attack", "techniques": [
            {"techniqueID": "T1078", "score": 50},
            {"techniqueID": "T1110", "score": 3}]})");
  auto ingest = [&](double min_score) {
    cov::v1::IngestRulesRequest req;
    req.set_path(dir);
    req.set_source("controls");
    req.set_format(cov::v1::RULE_FORMAT_LAYER);
    req.set_min_score(min_score);
    return IngestRules(ctx_, req);
  };
  auto enabled = [&] {
    std::set<std::string> out;
    EXPECT_TRUE(store_
                    ->ForEachRule("controls",
                                  [&](const cov::v1::Rule& r) {
                                    if (r.enabled()) out.insert(r.title());
                                    return true;
                                  })
                    .ok());
    return out.size();
  };
  auto r = ingest(0);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->files_parsed(), 1);
  EXPECT_EQ(r->source().min_score(), 0);
  EXPECT_TRUE(r->source().has_min_score());
  EXPECT_EQ(enabled(), 2u);
  r = ingest(0);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->files_parsed(), 0);
  EXPECT_EQ(r->files_skipped(), 1);
  r = ingest(10);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->files_parsed(), 1);
  EXPECT_EQ(r->source().min_score(), 10);
  EXPECT_EQ(enabled(), 1u);  // T1110 (score 3) is below 10
  r = ingest(10);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->files_parsed(), 0);
  EXPECT_EQ(enabled(), 1u);
  // Other formats record no threshold.
  std::string sigma = TempDir("src-layer-sigma");
  Write(sigma + "/a.yml", SigmaRule(kIdA, "attack.t1197"));
  r = Ingest(sigma, "sigma");
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->source().has_min_score());
}

TEST_F(RuleIngestTest, BadFilesAndDuplicatesAreDiagnosticsNotFailures) {
  std::string dir = TempDir("src-bad");
  Write(dir + "/a.yml", SigmaRule(kIdA, "attack.t1197"));
  Write(dir + "/dup.yml", SigmaRule(kIdA, "attack.t1105"));
  Write(dir + "/broken.yml", "title: [unclosed\n  - nope: : :\n");
  auto r = Ingest(dir, "bad");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->source().rule_count(), 2);  // both copies are kept
  EXPECT_GE(r->source().error_count(), 2);
  bool dup = false, yaml = false;
  for (const auto& d : r->diagnostics()) {
    if (d.code() == "sigma-duplicate-id") {
      dup = true;
      EXPECT_EQ(d.file(), "dup.yml");
      EXPECT_THAT(d.message(), HasSubstr("also defined in a.yml"));
    }
    if (d.file() == "broken.yml" && d.severity() == cov::v1::SEVERITY_ERROR) {
      yaml = true;
      EXPECT_GT(d.line(), 0);
    }
  }
  EXPECT_TRUE(dup);
  EXPECT_TRUE(yaml);
  // Diagnostics persist with the files.
  auto files = store_->ListFiles("bad");
  ASSERT_TRUE(files.ok());
  int stored = 0;
  for (const auto& f : *files) stored += f.diagnostics_size();
  EXPECT_GE(stored, 2);
}

// Sentinel ships one analytic-rule template under Detections/ and again
// under a solution's Analytic Rules/: one rule, counted once.
TEST_F(RuleIngestTest, SentinelTemplateInDetectionsAndSolutionsCountsOnce) {
  const std::string dir = TempDir("src-sentinel");
  const std::string rule =
      "id: f819c592-c5f9-4d5c-a79f-1e6819863533\n"
      "name: Registry Keys Access\n"
      "severity: Medium\n"
      "tactics:\n  - Collection\n"
      "relevantTechniques:\n  - T1005\n"
      "query: |\n  SecurityEvent\n";
  std::filesystem::create_directories(dir + "/Detections/SecurityEvent");
  std::filesystem::create_directories(dir + "/Solutions/AAD/Analytic Rules");
  Write(dir + "/Detections/SecurityEvent/keys.yaml", rule);
  Write(dir + "/Solutions/AAD/Analytic Rules/keys.yaml", rule);
  Write(dir + "/Detections/SecurityEvent/other.yaml",
        "id: 0b1e0b6b-0d53-4d5f-9a57-1a2b3c4d5e6f\nname: Other\n"
        "relevantTechniques:\n  - T1197\nquery: x\n");
  auto r = Ingest(dir, "sentinel", cov::v1::RULE_FORMAT_SENTINEL);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->source().rule_count(), 2);  // 3 files, 2 distinct rule IDs
  EXPECT_EQ(r->source().file_count(), 3);
  std::vector<std::string> dups;
  for (const auto& d : r->diagnostics()) {
    if (d.code() == "sentinel-duplicate-id") {
      dups.push_back(d.file() + ": " + d.message());
    }
  }
  EXPECT_THAT(dups, ElementsAre("Solutions/AAD/Analytic Rules/keys.yaml: rule "
                                "ID f819c592-c5f9-4d5c-a79f-1e6819863533 is "
                                "also defined in "
                                "Detections/SecurityEvent/keys.yaml"));
}

TEST_F(RuleIngestTest, RecordsTheGitCommitOfTheSource) {
  std::string dir = TempDir("src-git");
  Write(dir + "/a.yml", SigmaRule(kIdA, "attack.t1197"));
  std::string git =
      "cd '" + dir +
      "' && git -c init.defaultBranch=main init -q && git add -A &&"
      " git -c user.email=t@example.test -c user.name=t commit -qm "
      "rules";
  ASSERT_EQ(std::system(git.c_str()), 0);
  std::string head;
  {
    FILE* p = popen(("git -C '" + dir + "' rev-parse HEAD").c_str(), "r");
    ASSERT_NE(p, nullptr);
    char buf[64] = {0};
    ASSERT_NE(fgets(buf, sizeof(buf), p), nullptr);
    pclose(p);
    head = std::string(buf, 40);
  }
  auto r = Ingest(dir, "gitsrc");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->source().commit(), head);
  EXPECT_EQ(store_->GetSource("gitsrc")->commit(), head);
  // Not a work tree: no commit.
  std::string plain = TempDir("src-plain");
  Write(plain + "/a.yml", SigmaRule(kIdA, "attack.t1197"));
  EXPECT_EQ(GitCommit(plain), "");
}

TEST_F(RuleIngestTest, UsageErrors) {
  std::string dir = TempDir("src-usage");
  Write(dir + "/a.yml", SigmaRule(kIdA, "attack.t1197"));
  EXPECT_EQ(Ingest(dir + "/missing", "x").status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(Ingest(dir, "x", cov::v1::RULE_FORMAT_UNSPECIFIED).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Ingest(dir, "a b").status().code(),
            absl::StatusCode::kInvalidArgument);
  ASSERT_TRUE(Ingest(dir, "x").ok());
  auto r = Ingest(dir, "x", cov::v1::RULE_FORMAT_YARA);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(r.status().message()),
              HasSubstr("holds sigma rules, not yara"));
  // Default source name: the folder's base name.
  r = Ingest(dir, "");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->source().name(), "src-usage");
}

// Over the real corpora, with references resolved against ATT&CK 18.1.
// Expected values computed independently with grep:
//   grep -rli 'attack\.t1086' --include=*.yml sigmahq-legacy-0.20 | wc -l  ->
//   68 grep -c over et-open: 34,850 rules (SOURCE.txt and helper counts).
class CorpusIngestTest : public RuleIngestTest {
 protected:
  void LoadAttack() {
    for (const char* f :
         {"enterprise-attack-18.1.json", "mobile-attack-18.1.json"}) {
      cov::v1::IngestAttackRequest req;
      req.set_path(*cov::testing::CorpusPath(std::string("attack/") + f));
      ASSERT_TRUE(kb::IngestAttack(*store_, req, {}).ok());
    }
    kb::KbCache cache(store_.get());
    auto def = store_->ResolveRelease({});
    ASSERT_TRUE(def.ok());
    ctx_.kb = *cache.Get(*def);
    cov::v1::ReleaseRef mobile;
    mobile.set_domain("mobile-attack");
    ctx_.others.push_back(*cache.Get(*store_->ResolveRelease(mobile)));
  }
};

// Issue 15 item 5: rules whose references are all unknown to the release
// (ATT&CK v19 IDs and tactic names) are summed up in the reply and kept as
// grouped warnings for `cov errors`; unchanged files count again on re-ingest.
TEST_F(CorpusIngestTest, ReferencesToNothingValidAreSummarised) {
  LoadAttack();
  std::string dir = TempDir("src-v19");
  Write(dir + "/new.yml", SigmaRule(kIdA,
                                    "attack.t1685\n  - attack.stealth\n  - "
                                    "attack.defense-impairment"));
  Write(dir + "/old.yml", SigmaRule(kIdB, "attack.t1197"));
  const std::string kSummary =
      "1 rule references nothing valid in enterprise-attack@18.1 (1 unknown "
      "technique ID, 2 unknown tactic names \xE2\x80\x94 newer ATT&CK?)";
  auto r = Ingest(dir, "v19");
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_GE(r->diagnostics_size(), 1);
  EXPECT_EQ(r->diagnostics(0).code(), "ref-summary");
  EXPECT_EQ(r->diagnostics(0).message(), kSummary);
  EXPECT_EQ(r->source().error_count(), 0);  // warnings only
  // Stored with the source (what `cov errors` lists).
  auto files = store_->ListFiles("v19");
  ASSERT_TRUE(files.ok());
  ASSERT_FALSE(files->empty());
  std::vector<std::string> codes;
  for (const auto& d : (*files)[0].diagnostics()) codes.push_back(d.code());
  EXPECT_THAT(codes, ::testing::ElementsAre("ref-summary", "ref-unknown-tactic",
                                            "ref-unknown-technique"));
  // Only old.yml changes: new.yml's stored rule still counts.
  Write(dir + "/old.yml", SigmaRule(kIdB, "attack.t1105"));
  r = Ingest(dir, "v19");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->files_parsed(), 1);
  ASSERT_GE(r->diagnostics_size(), 1);
  EXPECT_EQ(r->diagnostics(0).message(), kSummary);
}

TEST_F(CorpusIngestTest, LegacySigmaRevokedIdsResolveToReplacements) {
  LoadAttack();
  auto path = cov::testing::CorpusPath("sigma/sigmahq-legacy-0.20/rules");
  ASSERT_TRUE(path.ok());
  auto r = Ingest(*path, "sigma-legacy");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->source().file_count(), 1151);
  std::set<std::string> files_with_t1086;
  int wrong = 0;
  store_
      ->ForEachRule("sigma-legacy",
                    [&](const cov::v1::Rule& rule) {
                      for (const auto& ref : rule.attack_refs()) {
                        if (ref.id() != "T1086") continue;
                        files_with_t1086.insert(rule.file());
                        if (ref.status() != cov::v1::REF_STATUS_REVOKED ||
                            ref.resolved_id() != "T1059.001") {
                          ++wrong;
                        }
                      }
                      return true;
                    })
      .IgnoreError();
  EXPECT_EQ(files_with_t1086.size(), 68u);
  EXPECT_EQ(wrong, 0);
}

TEST_F(CorpusIngestTest, EtOpenAllRulesWithMobileTacticFlagged) {
  LoadAttack();
  auto path = cov::testing::CorpusPath("suricata/et-open-2024-04-21/rules");
  ASSERT_TRUE(path.ok());
  auto r = Ingest(*path, "et-open", cov::v1::RULE_FORMAT_SURICATA);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->source().rule_count(), 34850);
  EXPECT_EQ(r->source().error_count(), 0);
  int disabled = 0, t1041 = 0, ta0037_wrong_domain = 0;
  store_
      ->ForEachRule("et-open",
                    [&](const cov::v1::Rule& rule) {
                      disabled += !rule.enabled();
                      for (const auto& ref : rule.attack_refs()) {
                        if (ref.id() == "T1041" &&
                            ref.status() == cov::v1::REF_STATUS_VALID) {
                          ++t1041;
                        }
                        if (ref.id() == "TA0037" &&
                            ref.status() == cov::v1::REF_STATUS_WRONG_DOMAIN) {
                          ++ta0037_wrong_domain;
                        }
                      }
                      return true;
                    })
      .IgnoreError();
  EXPECT_EQ(disabled, 10023);
  EXPECT_EQ(t1041, 182);
  EXPECT_GT(ta0037_wrong_domain, 0);
  // Second run: nothing to parse.
  r = Ingest(*path, "et-open", cov::v1::RULE_FORMAT_SURICATA);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->files_parsed(), 0);
  EXPECT_EQ(r->source().rule_count(), 34850);
}

}  // namespace
}  // namespace cov::server::rules
