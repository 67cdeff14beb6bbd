#include "server/replay/replay_query.h"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "ingest/sigma/sigma_parser.h"
#include "server/experiments/experiments.h"
#include "server/kb/models.h"
#include "server/kb/test_store.h"
#include "server/store/memory_store.h"

namespace cov::server::replay {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

// A BITS rule on T1197 and a PowerShell rule on T1059.001 (the small test
// release: T1059 with T1059.001, T1197).
constexpr char kRules[] = R"(title: Bitsadmin Started
id: 2a6a5a4b-1d7c-4a34-8f35-1a2b3c4d5e6f
status: test
logsource:
  product: windows
  category: process_creation
detection:
  selection:
    Image|endswith: '\bitsadmin.exe'
  condition: selection
tags:
  - attack.t1197
level: medium
---
title: Encoded PowerShell
id: 3b7b6b5c-2e8d-4b45-9f46-2b3c4d5e6f70
status: test
logsource:
  product: windows
  category: process_creation
detection:
  selection:
    CommandLine|contains: ' -enc '
  condition: selection
tags:
  - attack.t1059.001
level: high
)";

constexpr char kLogs[] =
    R"({"Channel":"Microsoft-Windows-Sysmon/Operational","EventID":1,"Image":"C:\\Windows\\System32\\bitsadmin.exe","Hostname":"ws1"}
{"Channel":"Security","EventID":4688,"NewProcessName":"C:\\Windows\\System32\\BITSADMIN.exe","Hostname":"ws1"}
{"Channel":"Microsoft-Windows-Sysmon/Operational","EventID":3,"Image":"C:\\Windows\\System32\\bitsadmin.exe"}
)";

class ReplayQueryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    kb::testing::PutSmallRelease(&store_);
    ingest::sigma::SigmaParser parser;
    ingest::ParsedFile parsed = parser.Parse({"rules.yml", kRules, "sigma"});
    ASSERT_EQ(parsed.rules.size(), 2u);
    store::SourceUpdate u;
    u.source.set_name("sigma");
    u.source.set_format(cov::v1::RULE_FORMAT_SIGMA);
    u.source.set_rule_count(2);
    store::SourceUpdate::ChangedFile file;
    file.file.set_path("rules.yml");
    file.rules = parsed.rules;
    u.changed_files.push_back(std::move(file));
    ASSERT_TRUE(store_.ApplySourceUpdate(u).ok());
  }

  cov::v1::ReplayInput Upload() {
    cov::v1::ReplayInput in;
    cov::v1::LogFile* f = in.add_files();
    f->set_name("bits.json");
    f->set_content(kLogs);
    return in;
  }

  store::MemoryStore store_;
  kb::Models models_{&store_};
  experiments::Experiments exps_{&models_};
  ReplayQueries queries_{&models_, &exps_, nullptr};
};

TEST_F(ReplayQueryTest, ReplayCountsRulesAndTechniques) {
  cov::v1::ReplayRequest req;
  *req.mutable_input() = Upload();
  absl::StatusOr<cov::v1::ReplayResponse> r = queries_.Replay(req);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->release().version(), "18.1");
  EXPECT_EQ(r->events(), 3);
  EXPECT_EQ(r->rules_evaluated(), 2);
  ASSERT_EQ(r->matches_size(), 1);
  EXPECT_EQ(r->matches(0).rule().uid(), "2a6a5a4b-1d7c-4a34-8f35-1a2b3c4d5e6f");
  // Sysmon 1 and Security 4688 (NewProcessName read as Image); not Sysmon 3.
  EXPECT_EQ(r->matches(0).matches(), 2);
  EXPECT_THAT(r->matches(0).technique_ids(), ElementsAre("T1197"));
  ASSERT_EQ(r->matches(0).examples_size(), 2);
  EXPECT_EQ(r->matches(0).examples(0).where(), "bits.json:1");
  EXPECT_EQ(r->matches(0).examples(1).where(), "bits.json:2");
  std::map<std::string, bool> verdicts;
  for (const auto& t : r->techniques())
    verdicts[t.technique_id()] = t.detected();
  EXPECT_EQ(verdicts, (std::map<std::string, bool>{{"T1059.001", false},
                                                   {"T1197", true}}));
}

TEST_F(ReplayQueryTest, ReplayValidatesItsInput) {
  cov::v1::ReplayRequest req;
  EXPECT_EQ(queries_.Replay(req).status().message(),
            "no logs to replay: give paths (read by the server) or files");
  ReplayQueries strict(&models_, &exps_, [](absl::string_view p) {
    return absl::PermissionDeniedError(absl::StrCat(p, " is outside"));
  });
  req.mutable_input()->add_paths("/etc");
  EXPECT_TRUE(absl::IsPermissionDenied(strict.Replay(req).status()));
  req.mutable_input()->clear_paths();
  *req.mutable_input() = Upload();
  req.mutable_input()->add_sources("nope");
  EXPECT_EQ(queries_.Replay(req).status().message(),
            "rule source 'nope' is not stored");
}

TEST_F(ReplayQueryTest, ExperimentReplayRecordsDetectedAndMissed) {
  cov::v1::StartExperimentRequest start;
  start.set_name("bits");
  start.mutable_plan()->mutable_techniques()->add_ids("T1197");
  start.mutable_plan()->mutable_techniques()->add_ids("T1059");
  absl::StatusOr<cov::v1::Experiment> e = exps_.Start(start, 100);
  ASSERT_TRUE(e.ok()) << e.status();
  cov::v1::ReplayExperimentRequest req;
  req.set_experiment_id(e->id());
  *req.mutable_input() = Upload();
  absl::StatusOr<cov::v1::ReplayExperimentResponse> r =
      queries_.ReplayExperiment(req, 200);
  ASSERT_TRUE(r.ok()) << r.status();
  std::map<std::string, std::string> outcome;
  for (const auto& res : r->experiment().results()) {
    outcome[res.technique_id()] = res.outcome();
    EXPECT_EQ(res.recorded_by(), "replay");
    EXPECT_EQ(res.recorded_at_unix(), 200);
  }
  EXPECT_EQ(outcome, (std::map<std::string, std::string>{
                         {"T1059", "missed"}, {"T1197", "detected"}}));
  // Traces for the missed T1059 (data component Process Creation in the
  // test release): the two process creations (Sysmon 1, Security 4688 read
  // as Image), not the Sysmon 3 network event.
  ASSERT_EQ(r->missed_size(), 1);
  const cov::v1::TechniqueTraces& t = r->missed(0);
  EXPECT_EQ(t.technique_id(), "T1059");
  EXPECT_THAT(t.data_components(), ElementsAre("Process Creation"));
  ASSERT_EQ(t.groups_size(), 1);
  EXPECT_EQ(t.groups(0).category(), "process_creation");
  EXPECT_EQ(t.groups(0).events(), 2);
  ASSERT_GE(t.groups(0).fields_size(), 1);
  EXPECT_EQ(t.groups(0).fields(0).field(), "Image");
  ASSERT_EQ(t.groups(0).fields(0).top_values_size(), 2);
  EXPECT_EQ(t.groups(0).fields(0).top_values(0).count(), 1);
  // The stored experiment has them too.
  absl::StatusOr<cov::v1::Experiment> stored = store_.GetExperiment(e->id());
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(stored->results_size(), 2);
  req.set_experiment_id("EXP-999999");
  EXPECT_TRUE(absl::IsNotFound(queries_.ReplayExperiment(req, 1).status()));
}

TEST_F(ReplayQueryTest, DatasetsArePlannedDetectedAndMissed) {
  namespace fs = std::filesystem;
  fs::path root = fs::path(::testing::TempDir()) / "sd";
  fs::create_directories(root / "datasets/atomic/_metadata");
  fs::create_directories(root / "datasets/atomic/windows/x/host");
  std::ofstream(root / "datasets/atomic/windows/x/host/bits.json") << kLogs;
  std::ofstream(root / "datasets/atomic/_metadata/SDWIN-1.yaml")
      << "id: SDWIN-1\ntitle: bits\nattack_mappings:\n"
         "  - technique: T1197\n  - technique: T1059\n"
         "    sub-technique: \"001\"\n  - technique: T1685\nfiles:\n"
         "- type: Host\n  link: https://x/master/datasets/atomic/windows/x/"
         "host/bits.json\n";
  cov::v1::ReplayDatasetsRequest req;
  req.add_paths((root / "datasets/atomic/_metadata").string());
  req.set_record_experiments(true);
  absl::StatusOr<cov::v1::ReplayDatasetsResponse> r =
      queries_.ReplayDatasets(req, 300);
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_EQ(r->datasets_size(), 1);
  const cov::v1::DatasetResult& d = r->datasets(0);
  EXPECT_EQ(d.id(), "SDWIN-1");
  EXPECT_EQ(d.events(), 3);
  EXPECT_THAT(d.planned(), ElementsAre("T1197", "T1059.001"));
  EXPECT_THAT(d.detected(), ElementsAre("T1197"));
  EXPECT_THAT(d.missed(), ElementsAre("T1059.001"));
  ASSERT_EQ(d.rules_fired_size(), 1);
  EXPECT_EQ(d.rules_fired(0).matches(), 2);
  bool unknown = false;
  for (const auto& diag : d.diagnostics()) {
    if (diag.code() == "dataset-unknown-technique") {
      unknown = true;
      EXPECT_THAT(diag.message(), HasSubstr("T1685"));
    }
  }
  EXPECT_TRUE(unknown);
  EXPECT_FALSE(d.experiment_id().empty());
}

}  // namespace
}  // namespace cov::server::replay
