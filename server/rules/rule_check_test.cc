#include "server/rules/rule_check.h"

#include <cstdlib>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/kb/attack_ingest.h"
#include "server/kb/kb_cache.h"
#include "server/store/rocksdb_store.h"
#include "tests/corpus.h"

namespace cov::server::rules {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::string Sigma(const std::string& id, const std::vector<std::string>& tags,
                  const std::string& extra = "") {
  std::string out = "title: Rule " + id + "\nid: " + id +
                    "\nstatus: test\nlevel: high\nlogsource:\n  category: "
                    "process_creation\n  product: windows\ndetection:\n  sel:\n"
                    "    Image|endswith: '\\bitsadmin.exe'\n  condition: sel\n"
                    "tags:\n";
  for (const auto& t : tags) out += "  - " + t + "\n";
  return out + extra;
}

constexpr char kA[] = "0b1e0b6b-0d53-4d5f-9a57-1a2b3c4d5e6f";
constexpr char kB[] = "1c2e0b6b-0d53-4d5f-9a57-1a2b3c4d5e6f";

class RuleCheckTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    const char* base = std::getenv("TEST_TMPDIR");
    std::string dir = std::string(base ? base : "/tmp") + "/check-db";
    std::system(("rm -rf '" + dir + "'").c_str());
    store_ = store::RocksDbStore::Open(dir)->release();
    cov::v1::IngestAttackRequest req;
    req.set_path(
        *cov::testing::CorpusPath("attack/enterprise-attack-18.1.json"));
    ASSERT_TRUE(kb::IngestAttack(*store_, req, {}).ok());
    cache_ = new kb::KbCache(store_);
    kb_ = new std::shared_ptr<const engine::KnowledgeBase>(
        *cache_->Get(*store_->ResolveRelease({})));
  }
  static void TearDownTestSuite() {
    delete kb_;
    delete cache_;
    delete store_;
  }
  CheckContext Context() {
    CheckContext ctx;
    ctx.kb = *kb_;
    ctx.cache = &parse_cache_;
    return ctx;
  }
  static cov::v1::RuleFile File(const std::string& path,
                                const std::string& content) {
    cov::v1::RuleFile f;
    f.set_path(path);
    f.set_content(content);
    return f;
  }
  std::vector<std::string> Codes(const cov::v1::CheckResponse& r) {
    std::vector<std::string> out;
    for (const auto& f : r.findings()) out.push_back(f.code());
    return out;
  }
  static store::RocksDbStore* store_;
  static kb::KbCache* cache_;
  static std::shared_ptr<const engine::KnowledgeBase>* kb_;
  ParseCache parse_cache_;
};
store::RocksDbStore* RuleCheckTest::store_ = nullptr;
kb::KbCache* RuleCheckTest::cache_ = nullptr;
std::shared_ptr<const engine::KnowledgeBase>* RuleCheckTest::kb_ = nullptr;

TEST_F(RuleCheckTest, CleanRulePasses) {
  cov::v1::CheckRequest req;
  *req.add_files() =
      File("rules/a.yml", Sigma(kA, {"attack.persistence", "attack.t1197"}));
  auto r = CheckRules(Context(), req);
  EXPECT_EQ(r.findings_size(), 0);
  EXPECT_FALSE(r.failed());
  EXPECT_EQ(r.rules_checked(), 1);
  EXPECT_EQ(r.files_checked(), 1);
}

TEST_F(RuleCheckTest, RevokedUnknownV19AndNoTechnique) {
  cov::v1::CheckRequest req;
  *req.add_files() = File("rules/a.yml", Sigma(kA, {"attack.t1086"}));
  *req.add_files() =
      File("rules/v19.yml",
           Sigma(kB, {"attack.defense-impairment", "attack.t1685"}));
  *req.add_files() =
      File("rules/none.yml",
           Sigma("2d2e0b6b-0d53-4d5f-9a57-1a2b3c4d5e6f", {"attack.execution"}));
  *req.add_files() = File("README.md", "# not a rule");
  auto r = CheckRules(Context(), req);
  EXPECT_THAT(Codes(r), ElementsAre("check-unknown-format", "attack-revoked",
                                    "attack-no-technique", "attack-unknown",
                                    "attack-unknown"));
  EXPECT_THAT(r.findings(1).message(), HasSubstr("use T1059.001"));
  EXPECT_EQ(r.findings(1).file(), "rules/a.yml");
  EXPECT_GT(r.findings(1).line(), 0);
  EXPECT_THAT(r.findings(4).message(), HasSubstr("T1685"));
  EXPECT_TRUE(r.failed());  // unknown IDs are errors
  // Only warnings: fails with --fail-on warning only.
  cov::v1::CheckRequest warn;
  *warn.add_files() = File("rules/a.yml", Sigma(kA, {"attack.t1086"}));
  EXPECT_FALSE(CheckRules(Context(), warn).failed());
  warn.set_fail_on("warning");
  EXPECT_TRUE(CheckRules(Context(), warn).failed());
}

TEST_F(RuleCheckTest, DuplicatesAndParentWithSub) {
  cov::v1::CheckRequest req;
  *req.add_files() =
      File("a.yml", Sigma(kA, {"attack.t1059", "attack.t1059.001"}));
  *req.add_files() = File("b.yml", Sigma(kA, {"attack.t1197"}));
  req.set_flag_parent_and_sub(true);
  auto r = CheckRules(Context(), req);
  EXPECT_THAT(Codes(r),
              ElementsAre("attack-parent-and-subtechnique", "duplicate-id"));
  EXPECT_THAT(r.findings(1).message(), HasSubstr("also defined in a.yml"));
  EXPECT_EQ(r.findings(1).file(), "b.yml");
}

// Elastic writes the technique's name beside its ID; one that is not the
// release's name is flagged on the ID's line.
TEST_F(RuleCheckTest, ElasticTechniqueNamesAreCheckedAgainstTheRelease) {
  const std::string toml = R"([metadata]
maturity = "production"

[rule]
name = "Names"
rule_id = "e3343ab9-4245-4715-b344-e11c56b0a47f"
type = "eql"
language = "eql"
query = 'process where true'

[[rule.threat]]
framework = "MITRE ATT&CK"
[[rule.threat.technique]]
id = "T1197"
name = "BITS Jobs"
[[rule.threat.technique]]
id = "T1218"
name = "Signed Binary Proxy Execution"
[[rule.threat.technique.subtechnique]]
id = "T1218.001"
name = "compiled html file"
[rule.threat.tactic]
id = "TA0005"
name = "Defense Evasion"
)";
  cov::v1::CheckRequest req;
  *req.add_files() = File("rules/names.toml", toml);
  auto r = CheckRules(Context(), req);
  ASSERT_THAT(Codes(r), ElementsAre("attack-name-mismatch"));
  EXPECT_EQ(r.findings(0).message(),
            "'T1218' is named 'System Binary Proxy Execution' in "
            "enterprise-attack@18.1, not 'Signed Binary Proxy Execution' "
            "(renamed since, or the wrong ID)");
  EXPECT_EQ(r.findings(0).line(), 17);
  EXPECT_EQ(r.findings(0).file(), "rules/names.toml");
  EXPECT_FALSE(r.failed());  // a warning
}

TEST_F(RuleCheckTest, RemovingTheOnlyRuleOfATechniqueIsARegression) {
  cov::v1::CheckRequest req;
  *req.add_base_files() = File("a.yml", Sigma(kA, {"attack.t1197"}));
  *req.add_base_files() = File("b.yml", Sigma(kB, {"attack.t1105"}));
  *req.add_files() = File("b.yml", Sigma(kB, {"attack.t1105", "attack.t1041"}));
  auto r = CheckRules(Context(), req);
  EXPECT_THAT(r.delta().techniques_lost(), ElementsAre("T1197"));
  EXPECT_THAT(r.delta().regressions(), ElementsAre("T1197"));
  EXPECT_THAT(r.delta().techniques_gained(), ElementsAre("T1041"));
  EXPECT_THAT(r.delta().tactics_lost(),
              ElementsAre("persistence", "defense-evasion"));
  EXPECT_TRUE(r.failed());
  EXPECT_EQ(r.delta().covered_base(), 2);
  EXPECT_EQ(r.delta().covered_head(), 2);

  // Allowed by flag...
  req.add_allow_regression("t1197");
  r = CheckRules(Context(), req);
  EXPECT_TRUE(r.delta().regressions().empty());
  EXPECT_FALSE(r.failed());
  // ...or by a marker in the change.
  req.clear_allow_regression();
  *req.mutable_files(0) = File(
      "b.yml", Sigma(kB, {"attack.t1105"}, "# cov: allow-regression T1197\n"));
  r = CheckRules(Context(), req);
  EXPECT_TRUE(r.delta().regressions().empty());
}

TEST_F(RuleCheckTest, FormatFromExtension) {
  cov::v1::RuleFile f;
  f.set_path("x/et.rules");
  EXPECT_EQ(FormatOf(f), cov::v1::RULE_FORMAT_SURICATA);
  f.set_path("x/a.YAR");
  EXPECT_EQ(FormatOf(f), cov::v1::RULE_FORMAT_YARA);
  f.set_path("x/a.yaml");
  EXPECT_EQ(FormatOf(f), cov::v1::RULE_FORMAT_SIGMA);
  f.set_path("x/a.txt");
  EXPECT_EQ(FormatOf(f), cov::v1::RULE_FORMAT_UNSPECIFIED);
  f.set_format(cov::v1::RULE_FORMAT_YARA);
  EXPECT_EQ(FormatOf(f), cov::v1::RULE_FORMAT_YARA);
}

}  // namespace
}  // namespace cov::server::rules
