#include "server/experiments/experiments.h"

#include <map>
#include <string>
#include <thread>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/kb/test_store.h"
#include "server/store/memory_store.h"

namespace cov::server::experiments {
namespace {

using ::testing::UnorderedElementsAre;

class ExperimentsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    kb::testing::PutSmallRelease(&store_);
    kb::testing::PutRules(&store_, "sigma", {{"r1", "T1197"}});
  }
  // An experiment planning T1197 and T1059, window [1000, 2000].
  cov::v1::Experiment StartOne() {
    cov::v1::StartExperimentRequest req;
    req.set_name("bits");
    req.mutable_plan()->mutable_techniques()->add_ids("T1197");
    req.mutable_plan()->mutable_techniques()->add_ids("T1059");
    req.set_started_at_unix(1000);
    req.set_ended_at_unix(2000);
    auto e = exps_.Start(req, 5000);
    EXPECT_TRUE(e.ok()) << e.status();
    return e.ok() ? *e : cov::v1::Experiment();
  }
  std::map<std::string, std::string> Outcomes(const cov::v1::Experiment& e) {
    std::map<std::string, std::string> out;
    for (const auto& r : e.results()) out[r.technique_id()] = r.outcome();
    return out;
  }

  store::MemoryStore store_;
  kb::Models models_{&store_};
  Experiments exps_{&models_};
};

TEST_F(ExperimentsTest, StartStoresThePlanWithAFreshId) {
  cov::v1::Experiment e = StartOne();
  EXPECT_EQ(e.id(), "EXP-000001");
  std::vector<std::string> planned;
  for (const auto& s : e.plan().steps()) planned.push_back(s.technique_id());
  EXPECT_THAT(planned, UnorderedElementsAre("T1197", "T1059"));
  auto stored = store_.GetExperiment("EXP-000001");
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(stored->plan().steps_size(), 2);
  cov::v1::StartExperimentRequest unnamed;
  EXPECT_TRUE(absl::IsInvalidArgument(exps_.Start(unnamed, 1).status()));
}

TEST_F(ExperimentsTest, StartDefaultsTheStartTimeToNow) {
  cov::v1::StartExperimentRequest req;
  req.set_name("now");
  req.mutable_plan()->mutable_techniques()->add_ids("T1197");
  auto e = exps_.Start(req, 4242);
  ASSERT_TRUE(e.ok()) << e.status();
  EXPECT_EQ(e->started_at_unix(), 4242);
}

TEST_F(ExperimentsTest, RecordResultPinsRuleHashesAndValidates) {
  cov::v1::Experiment e = StartOne();
  cov::v1::RecordResultRequest req;
  req.set_experiment_id(e.id());
  req.mutable_result()->set_technique_id("t1197");
  req.mutable_result()->set_outcome("detected");
  req.mutable_result()->add_rule_uids("r1");
  auto recorded = exps_.RecordResult(req, 3000);
  ASSERT_TRUE(recorded.ok()) << recorded.status();
  ASSERT_EQ(recorded->results_size(), 1);
  EXPECT_EQ(recorded->results(0).technique_id(), "T1197");
  EXPECT_THAT(recorded->results(0).rule_hashes(),
              UnorderedElementsAre("hash-r1"));
  EXPECT_EQ(recorded->results(0).recorded_at_unix(), 3000);
  EXPECT_EQ(recorded->results(0).recorded_by(), "manual");

  req.mutable_result()->set_outcome("maybe");
  EXPECT_TRUE(absl::IsInvalidArgument(exps_.RecordResult(req, 1).status()));
  req.mutable_result()->set_outcome("missed");
  req.mutable_result()->set_technique_id("T9999");
  EXPECT_TRUE(absl::IsNotFound(exps_.RecordResult(req, 1).status()));
  req.mutable_result()->set_technique_id("T1197");
  req.mutable_result()->add_rule_uids("nope");
  EXPECT_TRUE(absl::IsNotFound(exps_.RecordResult(req, 1).status()));
  req.set_experiment_id("EXP-999999");
  req.mutable_result()->clear_rule_uids();
  EXPECT_TRUE(absl::IsNotFound(exps_.RecordResult(req, 1).status()));
}

TEST_F(ExperimentsTest, ImportMarksFiredTechniquesDetectedAndOthersMissed) {
  cov::v1::Experiment e = StartOne();
  cov::v1::ImportAlertsRequest req;
  req.set_experiment_id(e.id());
  req.set_format("jsonl");
  req.set_content("{\"rule_id\":\"r1\"}\n{\"rule_id\":\"unknown\"}\n");
  auto imported = exps_.ImportAlerts(req, 3000);
  ASSERT_TRUE(imported.ok()) << imported.status();
  EXPECT_EQ(imported->alerts(), 2);
  EXPECT_EQ(imported->matched(), 1);
  auto stored = store_.GetExperiment(e.id());
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(Outcomes(*stored),
            (std::map<std::string, std::string>{{"T1059", "missed"},
                                                {"T1197", "detected"}}));
  req.set_format("pcap");
  EXPECT_TRUE(absl::IsInvalidArgument(exps_.ImportAlerts(req, 1).status()));
}

TEST_F(ExperimentsTest, ConcurrentImportsLoseNoResult) {
  cov::v1::Experiment e = StartOne();
  cov::v1::ImportAlertsRequest req;
  req.set_experiment_id(e.id());
  req.set_format("jsonl");
  req.set_content("{\"rule_id\":\"r1\"}\n");
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&] { ASSERT_TRUE(exps_.ImportAlerts(req, 3).ok()); });
  }
  for (auto& t : threads) t.join();
  // Each import appends two results (T1197 detected, T1059 missed).
  EXPECT_EQ(store_.GetExperiment(e.id())->results_size(), 16);
}

TEST_F(ExperimentsTest, GetRefreshesEvidenceTiersAndListSummarises) {
  cov::v1::Experiment e = StartOne();
  cov::v1::ImportAlertsRequest req;
  req.set_experiment_id(e.id());
  req.set_format("jsonl");
  req.set_content("{\"rule_id\":\"r1\"}\n");
  ASSERT_TRUE(exps_.ImportAlerts(req, 3000).ok());
  cov::v1::GetExperimentRequest get;
  get.set_id(e.id());
  auto got = exps_.Get(get);
  ASSERT_TRUE(got.ok()) << got.status();
  std::map<std::string, std::string> tiers;
  for (const auto& s : got->plan().steps()) {
    tiers[s.technique_id()] = s.evidence();
  }
  // T1197: a rule claims it and the latest test detected it with the rule's
  // current revision; T1059: no rule, the latest test missed it.
  EXPECT_EQ(tiers["T1197"], "validated");
  EXPECT_EQ(tiers["T1059"], "failed");
  auto list = exps_.List();
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->experiments_size(), 1);
  EXPECT_EQ(list->experiments(0).name(), "bits");
  EXPECT_EQ(list->experiments(0).results_size(), 0);  // summary only
}

TEST_F(ExperimentsTest, DeleteRemovesTheResultsFromTheEvidence) {
  cov::v1::Experiment e = StartOne();
  cov::v1::Experiment kept = StartOne();
  cov::v1::ImportAlertsRequest req;
  req.set_experiment_id(e.id());
  req.set_format("jsonl");
  req.set_content("{\"rule_id\":\"r1\"}\n");
  ASSERT_TRUE(exps_.ImportAlerts(req, 3000).ok());
  auto tier = [&](const std::string& technique) {
    cov::v1::GetExperimentRequest get;
    get.set_id(kept.id());
    auto got = exps_.Get(get);
    EXPECT_TRUE(got.ok()) << got.status();
    for (const auto& s : got->plan().steps()) {
      if (s.technique_id() == technique) return s.evidence();
    }
    return std::string("absent");
  };
  ASSERT_EQ(tier("T1197"), "validated");

  cov::v1::DeleteExperimentRequest del;
  del.set_id(e.id());
  auto r = exps_.Delete(del);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->experiment().id(), "EXP-000001");
  EXPECT_EQ(r->experiment().name(), "bits");
  EXPECT_EQ(r->experiment().started_at_unix(), 1000);
  EXPECT_EQ(r->experiment().results_size(), 0);  // summary only
  EXPECT_EQ(r->result_count(), 2);
  // The rule still claims T1197, but no test validates it any more.
  EXPECT_EQ(tier("T1197"), "claimed");
  auto list = exps_.List();
  ASSERT_EQ(list->experiments_size(), 1);
  EXPECT_EQ(list->experiments(0).id(), "EXP-000002");

  auto again = exps_.Delete(del);
  EXPECT_EQ(again.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(again.status().message(), "no experiment 'EXP-000001'");
  // Appending to the removed experiment is NOT_FOUND too.
  EXPECT_EQ(exps_.ImportAlerts(req, 3001).status().code(),
            absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace cov::server::experiments
