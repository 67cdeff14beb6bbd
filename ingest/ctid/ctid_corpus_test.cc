// ParseCtidPlan over the ten YAML plans of the CTID Adversary Emulation
// Library (../shared/corpus/emulation/ctid-adversary-emulation, commit
// 4a57b3dd).
//
// Expected numbers were computed independently with python3 + PyYAML 6,
// run in the corpus folder (printed columns: path, steps, steps with a
// technique, distinct techniques, platform executors after splitting
// "psh,pwsh", `executors` entries with a non-blank command):
//   import glob, re, yaml
//   T = r'T\d{4}(\.\d{3})?'
//   for f in sorted(glob.glob('*/Emulation_Plan/yaml/*.yaml')):
//       steps = yaml.safe_load(open(f))[1:]
//       ids = []
//       for s in steps:
//           a = str(s['technique']['attack_id']).strip()
//           p = str(s['procedure_step'])
//           if re.fullmatch(T, a): ids.append(a)
//           elif (re.fullmatch(r'\d+\.[A-Z](\.\d+)*', a)
//                 and re.fullmatch(T, p)): ids.append(p)
//       pe = sum(len(k.split(',')) for s in steps
//                for v in s['platforms'].values() for k in v)
//       le = sum(1 for s in steps for e in s.get('executors') or []
//                if (e.get('command') or '').strip())
//       print(f, len(steps), len(ids), len(set(ids)), pe, le)
// (APT29 has 79 `executors` entries; one, at line 1747, has an empty
// command.)
// Steps match SOURCE.txt (79/24/27/10/15/44/40/45/53/38); its unique
// technique counts for the Turla plans (21/22) include the placeholders
// 'x', '7.A.5', '8.A.2', which are not techniques here.
// Tactic spellings (Counter over `tactic`): 'defensive-evasion' 13 and
// 'Commmand and Control' 3 (misspelt), 'Discovery/Execution' 1 (several),
// 'x' 22 (placeholder), 'credential-dumping' 2, 'stage-capabilities' 1,
// 'OS Credential Dumping' 1, 'Hijack Execution Flow - DLL Search Order
// Hijacking' 1 (unknown); attack_id 'x' 22, '7.A.5' 1, '8.A.2' 3.
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "ingest/base/diagnostics.h"
#include "ingest/ctid/ctid_parser.h"
#include "tests/corpus.h"

namespace cov::ingest::ctid {
namespace {

namespace fs = std::filesystem;
using ::testing::ElementsAre;

struct Expected {
  const char* path;  // under emulation/ctid-adversary-emulation
  const char* adversary;
  int steps;
  int with_technique;
  int techniques;
  int platform_executors;
  int list_executors;
};

constexpr Expected kPlans[] = {
    {"apt29/Emulation_Plan/yaml/APT29.yaml", "APT29", 79, 79, 42, 141, 78},
    {"carbanak/Emulation_Plan/yaml/Carbanak.yaml", "Carbanak", 24, 24, 19, 42,
     24},
    {"fin6/Emulation_Plan/yaml/FIN6.yaml", "FIN6", 27, 27, 15, 27, 27},
    {"fin7/Emulation_Plan/yaml/Fin7.yaml", "FIN7", 10, 10, 9, 19, 10},
    {"menu_pass/Emulation_Plan/yaml/menupass.yaml", "menuPass", 15, 15, 13, 15,
     15},
    {"oilrig/Emulation_Plan/yaml/oilrig.yaml", "OilRig", 44, 44, 24, 44, 0},
    {"sandworm/Emulation_Plan/yaml/sandworm.yaml", "Sandworm Team (G0034)", 40,
     40, 22, 40, 0},
    {"turla/Emulation_Plan/yaml/turla_carbon.yaml", "Turla - Carbon", 45, 34,
     19, 45, 0},
    {"turla/Emulation_Plan/yaml/turla_snake.yaml", "Turla - Snake", 53, 42, 21,
     53, 0},
    {"wizard_spider/Emulation_Plan/yaml/wizard_spider.yaml", "Wizard Spider",
     38, 38, 24, 38, 0},
};

struct Loaded {
  std::map<std::string, CtidPlan> plans;  // by path
  std::string error;
};

const Loaded& Load() {
  static const Loaded* loaded = [] {
    auto* l = new Loaded;
    for (const Expected& e : kPlans) {
      absl::StatusOr<std::string> path = cov::testing::CorpusPath(
          absl::StrCat("emulation/ctid-adversary-emulation/", e.path));
      if (!path.ok()) {
        l->error = std::string(path.status().message());
        return l;
      }
      absl::StatusOr<std::string> bytes = cov::testing::ReadFileToString(*path);
      if (!bytes.ok()) {
        l->error = std::string(bytes.status().message());
        return l;
      }
      absl::StatusOr<CtidPlan> plan = ParseCtidPlan(*bytes, e.path);
      if (!plan.ok()) {
        absl::StrAppend(&l->error, plan.status().ToString(), "\n");
        continue;
      }
      l->plans.emplace(e.path, *std::move(plan));
    }
    return l;
  }();
  return *loaded;
}

TEST(CtidCorpusTest, EveryPlanParsesWithItsCounts) {
  const Loaded& l = Load();
  ASSERT_EQ(l.error, "");
  int total = 0;
  for (const Expected& e : kPlans) {
    SCOPED_TRACE(e.path);
    ASSERT_EQ(l.plans.count(e.path), 1u);
    const CtidPlan& p = l.plans.at(e.path);
    EXPECT_EQ(p.adversary_name, e.adversary);
    EXPECT_FALSE(p.id.empty());
    EXPECT_EQ(static_cast<int>(p.steps.size()), e.steps);
    int with_technique = 0, platform_executors = 0, list_executors = 0;
    std::set<std::string> techniques;
    for (size_t i = 0; i < p.steps.size(); ++i) {
      const CtidStep& s = p.steps[i];
      EXPECT_EQ(s.order, static_cast<int>(i) + 1);
      if (!s.technique_id.empty()) {
        ++with_technique;
        techniques.insert(s.technique_id);
      }
      for (const CtidExecutor& x : s.executors) {
        ++(x.from_executors_list ? list_executors : platform_executors);
        EXPECT_FALSE(x.command.empty());
      }
      const cov::v1::PlanStep ps = ToPlanStep(s, p.name);
      EXPECT_GE(ps.tests_size(), 1) << s.procedure_id;
    }
    EXPECT_EQ(with_technique, e.with_technique);
    EXPECT_EQ(static_cast<int>(techniques.size()), e.techniques);
    EXPECT_EQ(platform_executors, e.platform_executors);
    EXPECT_EQ(list_executors, e.list_executors);
    total += static_cast<int>(p.steps.size());
  }
  EXPECT_EQ(total, 375);
}

TEST(CtidCorpusTest, DiagnosticsAreTheKnownOddities) {
  const Loaded& l = Load();
  ASSERT_EQ(l.error, "");
  std::map<std::string, int> codes;
  std::string errors;
  for (const auto& [path, p] : l.plans) {
    for (const cov::v1::Diagnostic& d : p.diagnostics) {
      ++codes[d.code()];
      if (d.severity() == cov::v1::SEVERITY_ERROR) {
        absl::StrAppend(&errors, FormatDiagnostic(d), "\n");
      }
    }
  }
  EXPECT_EQ(errors, "");
  EXPECT_THAT(
      codes,
      ElementsAre(
          std::pair<const std::string, int>("ctid-misspelt-tactic", 16),
          std::pair<const std::string, int>("ctid-no-command", 1),
          std::pair<const std::string, int>("ctid-placeholder-tactic", 22),
          std::pair<const std::string, int>("ctid-placeholder-technique", 22),
          std::pair<const std::string, int>("ctid-several-tactics", 1),
          std::pair<const std::string, int>("ctid-swapped-step-and-technique",
                                            4),
          std::pair<const std::string, int>("ctid-unknown-tactic", 5)));
}

TEST(CtidCorpusTest, Apt29FirstStepsInOrder) {
  const Loaded& l = Load();
  ASSERT_EQ(l.error, "");
  const CtidPlan& p = l.plans.at("apt29/Emulation_Plan/yaml/APT29.yaml");
  EXPECT_EQ(p.name, "APT29");
  EXPECT_EQ(p.id, "4975696e-1d41-11eb-adc1-0242ac120002");
  EXPECT_EQ(p.attack_version, "8.1");
  ASSERT_GE(p.steps.size(), 5u);
  std::vector<std::string> got;
  for (size_t i = 0; i < 5; ++i) {
    const CtidStep& s = p.steps[i];
    got.push_back(absl::StrCat(s.step_id, " ", s.technique_id, " ", s.tactic,
                               " ", s.name));
  }
  EXPECT_THAT(got, ElementsAre("1.A T1036.002 execution RTLO Start Sandcat",
                               "1.B T1059.001 execution PowerShell",
                               "2.A.1 T1119 collection Automated Collection",
                               "2.A.2 T1016 discovery System Network "
                               "Configuration Discovery",
                               "2.A.3 T1016 discovery System Network "
                               "Configuration Discovery"));
  const CtidStep& first = p.steps[0];
  EXPECT_EQ(first.procedure_id, "571845f6-b75c-4b9d-a666-a78f7827261f");
  EXPECT_EQ(first.technique_name, "Masquerading: Right-to-Left Override");
  ASSERT_EQ(first.executors.size(), 3u);  // psh, pwsh, then `executors`
  EXPECT_EQ(first.executors[0].name, "psh");
  EXPECT_EQ(first.executors[1].name, "pwsh");
  EXPECT_EQ(first.executors[2].name, "powershell");
  EXPECT_THAT(first.executors[0].payloads, ElementsAre("cod.3aka3.scr"));
  ASSERT_EQ(first.input_arguments.size(), 1u);
  EXPECT_EQ(first.input_arguments[0].name(), "server");
  EXPECT_EQ(first.input_arguments[0].default_value(), "192.0.2.10");
  const cov::v1::PlanStep ps = ToPlanStep(first, p.name);
  ASSERT_EQ(ps.tests_size(), 2);  // the powershell entry repeats psh's command
  EXPECT_EQ(ps.tests(0).origin(), "ctid:APT29");
}

TEST(CtidCorpusTest, TurlaCarbonSwappedStepsRecovered) {
  const Loaded& l = Load();
  ASSERT_EQ(l.error, "");
  const CtidPlan& p = l.plans.at("turla/Emulation_Plan/yaml/turla_carbon.yaml");
  // Procedures 31, 32, 34, 35 have attack_id and procedure_step swapped;
  // 1 is an 'x' placeholder setup step (RDP into the first host).
  ASSERT_GE(p.steps.size(), 35u);
  EXPECT_EQ(p.steps[30].technique_id, "T1070.004");
  EXPECT_EQ(p.steps[30].step_id, "7.A.5");
  EXPECT_EQ(p.steps[30].tactic, "defense-evasion");
  EXPECT_EQ(p.steps[31].technique_id, "T1056.001");
  EXPECT_EQ(p.steps[31].step_id, "8.A.2");
  EXPECT_EQ(p.steps[0].name, "RDP to 1st host (User)");
  EXPECT_EQ(p.steps[0].technique_id, "");
  EXPECT_EQ(p.steps[0].tactic, "");
  ASSERT_EQ(p.steps[0].executors.size(), 1u);
  EXPECT_EQ(p.steps[0].executors[0].name, "proc");
  EXPECT_EQ(p.steps[0].executors[0].platform, "linux");
}

TEST(CtidCorpusTest, PlannerFilesAreNotPlans) {
  for (const char* rel :
       {"oilrig/Emulation_Plan/yaml/planners/oilrig_planner.yml",
        "sandworm/Emulation_Plan/yaml/planners/"
        "sandworm_planner.yml"}) {
    absl::StatusOr<std::string> path = cov::testing::CorpusPath(
        absl::StrCat("emulation/ctid-adversary-emulation/", rel));
    ASSERT_TRUE(path.ok()) << path.status();
    absl::StatusOr<std::string> bytes = cov::testing::ReadFileToString(*path);
    ASSERT_TRUE(bytes.ok()) << bytes.status();
    absl::StatusOr<CtidPlan> plan = ParseCtidPlan(*bytes, rel);
    ASSERT_FALSE(plan.ok()) << rel;
    EXPECT_EQ(plan.status().code(), absl::StatusCode::kInvalidArgument);
  }
}

}  // namespace
}  // namespace cov::ingest::ctid
