#include "server/rules/rule_requests.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/kb/test_store.h"
#include "server/store/memory_store.h"

namespace cov::server::rules {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::vector<std::string> Uids(const cov::v1::ListRulesResponse& r) {
  std::vector<std::string> out;
  for (const auto& rule : r.rules()) out.push_back(rule.uid());
  return out;
}

class RuleRequestsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    kb::testing::PutSmallRelease(&store_);
    kb::testing::PutRules(&store_, "sigma",
                          {{"a", "T1197"},
                           {"b", "T1059"},
                           {"c", "T1197"},
                           {"d", "T1197"},
                           {"e", "T1059"}});
  }
  store::MemoryStore store_;
  kb::Models models_{&store_};
};

TEST_F(RuleRequestsTest, ListRulesFiltersByTechniqueAndPages) {
  cov::v1::ListRulesRequest req;
  req.set_technique_id("t1197");
  req.set_page_size(2);
  auto page1 = ListRules(store_, req);
  ASSERT_TRUE(page1.ok()) << page1.status();
  EXPECT_THAT(Uids(*page1), ElementsAre("a", "c"));
  EXPECT_FALSE(page1->next_page_token().empty());
  req.set_page_token(page1->next_page_token());
  auto page2 = ListRules(store_, req);
  ASSERT_TRUE(page2.ok());
  EXPECT_THAT(Uids(*page2), ElementsAre("d"));
  EXPECT_EQ(page2->next_page_token(), "");
  // Offsets (the old tokens), garbage and tampered tokens are refused.
  for (const char* bad : {"2", "two", "azE", "!!!!"}) {
    req.set_page_token(bad);
    auto r = ListRules(store_, req);
    EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_EQ(r.status().message(), "invalid page_token") << bad;
  }
  std::string tampered = page1->next_page_token();
  tampered.pop_back();
  req.set_page_token(tampered);
  EXPECT_EQ(ListRules(store_, req).status().message(), "invalid page_token");
  cov::v1::ListRulesRequest unknown;
  unknown.set_source("nope");
  EXPECT_TRUE(absl::IsNotFound(ListRules(store_, unknown).status()));
  cov::v1::ListRulesRequest all;
  EXPECT_EQ(ListRules(store_, all)->rules_size(), 5);
}

// Every rule of `store`, walked page by page with ListRules; `between` runs
// after each page (a concurrent ingest).
std::vector<std::string> Walk(const store::Store& store, int page_size,
                              const std::function<void(int page)>& between) {
  std::vector<std::string> out;
  cov::v1::ListRulesRequest req;
  req.set_page_size(page_size);
  for (int page = 0;; ++page) {
    auto r = ListRules(store, req);
    EXPECT_TRUE(r.ok()) << r.status();
    if (!r.ok()) break;
    for (const auto& rule : r->rules()) {
      out.push_back(rule.source() + "/" + rule.uid());
    }
    if (r->next_page_token().empty()) break;
    req.set_page_token(r->next_page_token());
    between(page);
  }
  return out;
}

TEST_F(RuleRequestsTest, PagesFollowSourceFileUidOrder) {
  kb::testing::PutRules(&store_, "alpha", {{"z", "T1197"}, {"y", "T1059"}});
  EXPECT_THAT(Walk(store_, 3, [](int) {}),
              ElementsAre("alpha/y", "alpha/z", "sigma/a", "sigma/b", "sigma/c",
                          "sigma/d", "sigma/e"));
  // A uid repeated in one file: both copies, one page each.
  kb::testing::PutRules(&store_, "alpha",
                        {{"z", "T1197"}, {"y", "T1059"}, {"y", "T1197"}});
  EXPECT_THAT(Walk(store_, 1, [](int) {}),
              ElementsAre("alpha/y", "alpha/y", "alpha/z", "sigma/a", "sigma/b",
                          "sigma/c", "sigma/d", "sigma/e"));
}

TEST_F(RuleRequestsTest, AWalkDuringReingestsNeitherRepeatsNorSkips) {
  // a..e exist throughout. After page 1 (a, b) the file is re-ingested with
  // two rules in front (their store indexes shift by two: an offset token
  // would repeat a and b); after page 2 (c, d) a source sorting first is
  // added and c is removed, and f appended (an offset would skip e).
  std::vector<std::string> walked = Walk(store_, 2, [&](int page) {
    if (page == 0) {
      kb::testing::PutRules(&store_, "sigma",
                            {{"0", "T1197"},
                             {"00", "T1197"},
                             {"a", "T1197"},
                             {"b", "T1059"},
                             {"c", "T1197"},
                             {"d", "T1197"},
                             {"e", "T1059"}});
    } else if (page == 1) {
      kb::testing::PutRules(&store_, "aaa", {{"new", "T1197"}});
      kb::testing::PutRules(&store_, "sigma",
                            {{"0", "T1197"},
                             {"00", "T1197"},
                             {"a", "T1197"},
                             {"b", "T1059"},
                             {"d", "T1197"},
                             {"e", "T1059"},
                             {"f", "T1059"}});
    }
  });
  EXPECT_THAT(walked, ElementsAre("sigma/a", "sigma/b", "sigma/c", "sigma/d",
                                  "sigma/e", "sigma/f"));
}

TEST_F(RuleRequestsTest, AWalkSurvivesTheLastReturnedRuleBeingRemoved) {
  std::vector<std::string> walked = Walk(store_, 2, [&](int page) {
    // b (the page's last rule, the token's key) goes away.
    if (page == 0) {
      kb::testing::PutRules(
          &store_, "sigma",
          {{"a", "T1197"}, {"c", "T1197"}, {"d", "T1197"}, {"e", "T1059"}});
    }
  });
  EXPECT_THAT(walked, ElementsAre("sigma/a", "sigma/b", "sigma/c", "sigma/d",
                                  "sigma/e"));
}

// Issue 15 item 4: statuses come from the releases stored now. A rule
// ingested while no release (or an older one) was loaded carries UNKNOWN;
// listed through the models it resolves against 18.1.
TEST_F(RuleRequestsTest, ListRulesResolvesAgainstTheReleasesStoredNow) {
  store::SourceUpdate u;
  u.source.set_name("early");
  store::SourceUpdate::ChangedFile f;
  f.file.set_path("r.yml");
  cov::v1::Rule rule;
  rule.set_uid("early-1");
  rule.set_source("early");
  rule.set_file("r.yml");
  for (const char* id : {"T1086", "T1197", "T1685"}) {
    cov::v1::AttackRef* ref = rule.add_attack_refs();
    ref->set_id(id);
    ref->set_kind("technique");
    ref->set_status(cov::v1::REF_STATUS_UNKNOWN);  // frozen at ingest
  }
  f.rules.push_back(rule);
  u.changed_files = {f};
  ASSERT_TRUE(store_.ApplySourceUpdate(u).ok());
  cov::v1::ListRulesRequest req;
  req.set_source("early");
  auto stored = ListRules(store_, req);
  ASSERT_TRUE(stored.ok()) << stored.status();
  EXPECT_EQ(stored->rules(0).attack_refs(1).status(),
            cov::v1::REF_STATUS_UNKNOWN);
  auto now = ListRules(models_, req);
  ASSERT_TRUE(now.ok()) << now.status();
  ASSERT_EQ(now->rules_size(), 1);
  const auto& refs = now->rules(0).attack_refs();
  EXPECT_EQ(refs[0].status(), cov::v1::REF_STATUS_REVOKED);
  EXPECT_EQ(refs[0].resolved_id(), "T1059.001");
  EXPECT_EQ(refs[1].status(), cov::v1::REF_STATUS_VALID);
  EXPECT_EQ(refs[2].status(), cov::v1::REF_STATUS_UNKNOWN);
}

// Issue 14: the writer warms the rule index before it answers, so the
// first query after the answer neither rebuilds nor sees older rules.
TEST_F(RuleRequestsTest, IngestAndDeleteRefreshTheRuleIndexBeforeAnswering) {
  auto before = models_.Prepare({}, {});
  ASSERT_TRUE(before.ok()) << before.status();
  EXPECT_EQ(before->rules->rules().size(), 5u);
  EXPECT_EQ(models_.rule_index_stats().builds, 1);
  const char* tmp = std::getenv("TEST_TMPDIR");
  const std::string dir = std::string(tmp ? tmp : "/tmp") + "/fresh-rules";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  std::ofstream(dir + "/r.yml") << "title: Fresh\n"
                                   "id: 5d6c3e39-6d46-4a4c-9a55-000000000001\n"
                                   "status: test\n"
                                   "logsource: {product: windows, category: "
                                   "process_creation}\n"
                                   "detection:\n"
                                   "  sel: {Image|endswith: '\\x.exe'}\n"
                                   "  condition: sel\n"
                                   "tags: [attack.t1059.001]\n"
                                   "level: high\n";
  cov::v1::IngestRulesRequest ingest;
  ingest.set_path(dir);
  ingest.set_source("fresh");
  ingest.set_format(cov::v1::RULE_FORMAT_SIGMA);
  auto r = Ingest(models_, ingest, auth::PathCheck());
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_EQ(r->source().rule_count(), 1);
  // Rebuilt once, in Ingest, for the new source only.
  kb::RuleIndexCache::Stats s = models_.rule_index_stats();
  EXPECT_EQ(s.builds, 2);
  EXPECT_EQ(s.parts_built, 2);
  EXPECT_EQ(s.parts_reused, 1);
  auto after = models_.Prepare({}, {});
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(models_.rule_index_stats().builds, 2);  // no build on the read
  ASSERT_EQ(after->rules->rules().size(), 6u);
  EXPECT_EQ(after->rules->rules()[0].source, "fresh");
  EXPECT_EQ(after->rules->rules()[0].techniques,
            std::vector<std::string>{"T1059.001"});
  EXPECT_NE(after->identity.generation, before->identity.generation);

  cov::v1::DeleteSourceRequest del;
  del.set_name("fresh");
  auto d = DeleteSource(models_, del);
  ASSERT_TRUE(d.ok()) << d.status();
  EXPECT_EQ(d->source().name(), "fresh");
  EXPECT_EQ(models_.rule_index_stats().builds, 3);
  auto gone = models_.Prepare({}, {});
  ASSERT_TRUE(gone.ok());
  EXPECT_EQ(models_.rule_index_stats().builds, 3);
  EXPECT_EQ(gone->rules->rules().size(), 5u);
  EXPECT_EQ(gone->rules->FindUid(after->rules->rules()[0].uid), -1);
  del.set_name("nope");
  EXPECT_EQ(DeleteSource(models_, del).status().message(),
            "rule source 'nope' is not stored");
}

TEST_F(RuleRequestsTest, CachedListRulesIsFreshAfterAnIngest) {
  ListRulesCache cache;
  cov::v1::ListRulesRequest req;
  req.set_technique_id("T1197");
  auto first = ListRules(models_, &cache, req);
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_THAT(Uids(*first), ElementsAre("a", "c", "d"));
  EXPECT_EQ(cache.size(), 1u);
  auto again = ListRules(models_, &cache, req);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->SerializeAsString(), first->SerializeAsString());
  EXPECT_EQ(again->SerializeAsString(),
            ListRules(models_, req)->SerializeAsString());
  EXPECT_EQ(cache.size(), 1u);
  // A rule write moves the generation: the next answer is the new one.
  kb::testing::PutRules(&store_, "sigma", {{"z", "T1197"}});
  auto after = ListRules(models_, &cache, req);
  ASSERT_TRUE(after.ok());
  EXPECT_THAT(Uids(*after), ElementsAre("z"));
  EXPECT_EQ(cache.size(), 1u);  // the older answer was dropped
  // Errors are not cached.
  cov::v1::ListRulesRequest unknown;
  unknown.set_source("nope");
  EXPECT_TRUE(absl::IsNotFound(ListRules(models_, &cache, unknown).status()));
  EXPECT_EQ(cache.size(), 1u);
  // A cache too small for an answer keeps none, and still answers.
  ListRulesCache tiny(256, 16);
  auto uncached = ListRules(models_, &tiny, req);
  ASSERT_TRUE(uncached.ok());
  EXPECT_THAT(Uids(*uncached), ElementsAre("z"));
  EXPECT_EQ(tiny.size(), 0u);
}

TEST_F(RuleRequestsTest, ListRuleErrorsReturnsEveryFilesDiagnostics) {
  store::SourceUpdate u;
  u.source.set_name("broken");
  store::SourceUpdate::ChangedFile f1, f2;
  f1.file.set_path("x.yml");
  f1.file.add_diagnostics()->set_message("first");
  f2.file.set_path("y.yml");
  f2.file.add_diagnostics()->set_message("second");
  f2.file.add_diagnostics()->set_message("third");
  u.changed_files = {f1, f2};
  ASSERT_TRUE(store_.ApplySourceUpdate(u).ok());
  cov::v1::ListRuleErrorsRequest req;
  req.set_source("broken");
  auto r = ListRuleErrors(store_, req);
  ASSERT_TRUE(r.ok()) << r.status();
  std::vector<std::string> messages;
  for (const auto& d : r->diagnostics()) messages.push_back(d.message());
  EXPECT_THAT(messages, ElementsAre("first", "second", "third"));
  req.set_source("nope");
  EXPECT_TRUE(absl::IsNotFound(ListRuleErrors(store_, req).status()));
}

TEST_F(RuleRequestsTest, InferProfileNeedsRulesAndKnownSources) {
  cov::v1::InferProfileRequest req;
  req.add_sources("nope");
  EXPECT_TRUE(absl::IsNotFound(InferProfile(store_, req).status()));
  store::MemoryStore empty;
  EXPECT_TRUE(absl::IsFailedPrecondition(
      InferProfile(empty, cov::v1::InferProfileRequest()).status()));
  cov::v1::InferProfileRequest named;
  named.set_name("soc");
  auto r = InferProfile(store_, named);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->profile().name(), "soc");
  EXPECT_THAT(r->yaml(), HasSubstr("soc"));
}

TEST_F(RuleRequestsTest, CheckValidatesFormatAndRendersWhenAsked) {
  cov::v1::CheckRequest req;
  req.set_output_format("pdf");
  EXPECT_TRUE(absl::IsInvalidArgument(Check(models_, nullptr, req).status()));
  req.set_output_format("");
  req.set_fail_on("info");
  EXPECT_TRUE(absl::IsInvalidArgument(Check(models_, nullptr, req).status()));
  req.set_fail_on("");
  cov::v1::RuleFile* f = req.add_files();
  f->set_path("a.yml");
  f->set_content(
      "title: t\nid: 5f1c6a6e-0000-4000-8000-000000000001\nstatus: test\n"
      "logsource:\n  product: windows\ndetection:\n  sel:\n    a: b\n"
      "  condition: sel\ntags:\n  - attack.t1086\nlevel: high\n");
  auto plain = Check(models_, nullptr, req);
  ASSERT_TRUE(plain.ok()) << plain.status();
  EXPECT_EQ(plain->rendered(), "");
  req.set_output_format("json");
  auto rendered = Check(models_, nullptr, req);
  ASSERT_TRUE(rendered.ok()) << rendered.status();
  EXPECT_THAT(rendered->rendered(), HasSubstr("a.yml"));
}

}  // namespace
}  // namespace cov::server::rules
