#include "server/export/sample_coverage.h"

#include <cstdint>
#include <initializer_list>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace cov::server::exporter {
namespace {

void AddTactic(cov::v1::CoverageResponse* r, const char* shortname,
               const char* id, const char* name, int potential, int covered) {
  cov::v1::TacticCoverage* t = r->add_tactics();
  t->set_tactic(shortname);
  t->set_tactic_id(id);
  t->set_name(name);
  t->set_potential(potential);
  t->set_covered(covered);
  t->set_ratio(potential == 0 ? 0.0 : static_cast<double>(covered) / potential);
}

cov::v1::TechniqueCoverage* AddTechnique(
    cov::v1::CoverageResponse* r, const char* id, const char* name,
    std::initializer_list<const char*> tactics, bool potential) {
  cov::v1::TechniqueCoverage* t = r->add_techniques();
  t->set_technique_id(id);
  t->set_name(name);
  for (const char* tactic : tactics) t->add_tactics(tactic);
  t->set_potential(potential);
  t->add_platforms("Windows");
  return t;
}

void AddRule(cov::v1::TechniqueCoverage* t, const char* uid, const char* source,
             const char* title, const char* status) {
  cov::v1::RuleRef* rule = t->add_rules();
  rule->set_uid(uid);
  rule->set_source(source);
  rule->set_title(title);
  rule->set_status(status);
  t->set_rule_count(t->rules_size());
}

}  // namespace

cov::v1::CoverageResponse SampleCoverage() {
  cov::v1::CoverageResponse r;
  r.mutable_release()->set_domain("enterprise-attack");
  r.mutable_release()->set_version("18.1");
  AddTactic(&r, "initial-access", "TA0001", "Initial Access", 4, 2);
  AddTactic(&r, "persistence", "TA0003", "Persistence", 4, 3);
  AddTactic(&r, "defense-evasion", "TA0005", "Defense Evasion", 4, 3);
  r.set_potential(5);
  r.set_covered(3);
  r.set_ratio(0.6);

  const std::initializer_list<const char*> kAll = {
      "initial-access", "persistence", "defense-evasion"};
  cov::v1::TechniqueCoverage* t =
      AddTechnique(&r, "T1078", "Valid Accounts", kAll, true);
  t->set_covered_by_rollup(true);
  t->add_data_components("Logon Session Creation");
  t->add_data_components("User Account Authentication");
  t->add_used_by("G0016 APT29");
  t->set_user_count(1);

  t = AddTechnique(&r, "T1078.001", "Default Accounts", kAll, true);
  t->set_parent("T1078");
  t->add_data_components("Logon Session Creation");
  AddRule(t, "7a2b1c3d-0000-4000-8000-000000000001", "sigma-core",
          "Default Account Logon", "stable");
  t->set_evidence("claimed");

  t = AddTechnique(&r, "T1078.002", "Domain Accounts", kAll, true);
  t->set_parent("T1078");
  t->add_data_components("Logon Session Creation");

  t = AddTechnique(&r, "T1195", "Supply Chain Compromise", {"initial-access"},
                   false);
  t->add_data_components("File Metadata");

  t = AddTechnique(&r, "T1197", "BITS Jobs", {"persistence", "defense-evasion"},
                   true);
  t->add_data_components("Command Execution");
  t->add_data_components("Process Creation");
  t->add_used_by("G0040 Patchwork");
  t->add_used_by("G0065 Leviathan");
  t->set_user_count(2);
  AddRule(t, "5b1f3e2a-0000-4000-8000-000000000002", "sigma-core",
          "BITS <script>alert(\"x\")</script>, job & \"transfer\"", "test");
  AddRule(t, "emerging:2027000", "et-open",
          "ET POLICY BITS download,\nmultiline", "");
  t->set_evidence("validated");

  t = AddTechnique(&r, "T1542", "Pre-OS Boot",
                   {"persistence", "defense-evasion"}, false);
  for (int i = 1; i <= 5; ++i) {
    AddRule(t, absl::StrCat("yara-fw:boot.yar:rule", i).c_str(), "yara-fw",
            absl::StrCat("Bootkit pattern ", i).c_str(), "");
  }

  t = AddTechnique(&r, "T1566", "Phishing", {"initial-access"}, true);
  t->add_data_components("Network Traffic Content");
  t->add_used_by("G0016 APT29");
  t->add_used_by("G0040 Patchwork");
  t->add_used_by("G0065 Leviathan");
  t->set_user_count(3);
  return r;
}

cov::v1::GapsResponse SampleGaps() {
  cov::v1::GapsResponse g;
  g.mutable_release()->set_domain("enterprise-attack");
  g.mutable_release()->set_version("18.1");
  cov::v1::Gap* gap = g.add_gaps();
  gap->set_technique_id("T1078.002");
  gap->set_name("Domain Accounts");
  gap->set_score(30.5);
  for (const char* tactic :
       {"initial-access", "persistence", "defense-evasion"}) {
    gap->add_tactics(tactic);
  }
  gap->add_data_components("Logon Session Creation");
  gap = g.add_gaps();
  gap->set_technique_id("T1566");
  gap->set_name("Phishing");
  gap->set_score(12);
  gap->add_tactics("initial-access");
  gap->add_data_components("Network Traffic Content");
  gap->add_data_components("Application Log Content");
  return g;
}

cov::v1::CoverageResponse SyntheticCoverage(int techniques) {
  static constexpr const char* kTactics[][3] = {
      {"reconnaissance", "TA0043", "Reconnaissance"},
      {"resource-development", "TA0042", "Resource Development"},
      {"initial-access", "TA0001", "Initial Access"},
      {"execution", "TA0002", "Execution"},
      {"persistence", "TA0003", "Persistence"},
      {"privilege-escalation", "TA0004", "Privilege Escalation"},
      {"defense-evasion", "TA0005", "Defense Evasion"},
      {"credential-access", "TA0006", "Credential Access"},
      {"discovery", "TA0007", "Discovery"},
      {"lateral-movement", "TA0008", "Lateral Movement"},
      {"collection", "TA0009", "Collection"},
      {"command-and-control", "TA0011", "Command and Control"},
      {"exfiltration", "TA0010", "Exfiltration"},
      {"impact", "TA0040", "Impact"},
  };
  constexpr int kNumTactics = 14;
  uint64_t state = 0x9E3779B97F4A7C15ull;
  const auto next = [&state](int n) {
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    return static_cast<int>((state >> 33) % static_cast<uint64_t>(n));
  };

  cov::v1::CoverageResponse r;
  r.mutable_release()->set_domain("enterprise-attack");
  r.mutable_release()->set_version("18.1");
  int potential[kNumTactics] = {};
  int covered[kNumTactics] = {};
  int total_potential = 0;
  int total_covered = 0;
  int parent_number = 1000;
  int sub_number = 0;
  int parent_tactics[2] = {0, 0};
  int parent_tactic_count = 1;
  std::string parent_id;
  for (int i = 0; i < techniques; ++i) {
    cov::v1::TechniqueCoverage* t = r.add_techniques();
    // Roughly 216 parents for 700 entries, as in enterprise-attack 18.
    const bool is_parent = parent_id.empty() || next(100) < 31;
    if (is_parent) {
      parent_id = absl::StrCat("T", ++parent_number);
      sub_number = 0;
      parent_tactic_count = next(5) == 0 ? 2 : 1;
      parent_tactics[0] = next(kNumTactics);
      parent_tactics[1] =
          (parent_tactics[0] + 1 + next(kNumTactics - 1)) % kNumTactics;
      t->set_technique_id(parent_id);
      t->set_name(absl::StrCat("Technique ", parent_number));
    } else {
      t->set_technique_id(absl::StrFormat("%s.%03d", parent_id, ++sub_number));
      t->set_name(absl::StrCat("Sub-technique ", parent_number, " ", sub_number,
                               " & <variant>"));
      t->set_parent(parent_id);
    }
    for (int k = 0; k < parent_tactic_count; ++k) {
      t->add_tactics(kTactics[parent_tactics[k]][0]);
    }
    t->set_potential(next(10) < 8);
    if (next(100) < 45) {
      const int rules = 1 + next(8);
      for (int k = 0; k < rules; ++k) {
        cov::v1::RuleRef* rule = t->add_rules();
        rule->set_uid(absl::StrFormat("%08x-0000-4000-8000-%012d",
                                      next(1 << 30), i * 10 + k));
        rule->set_source(k % 3 == 0 ? "sigma-core" : "et-open");
        rule->set_title(absl::StrCat("Detects ", t->name(), ", variant ", k));
        rule->set_status(k % 2 == 0 ? "stable" : "test");
      }
      t->set_rule_count(rules);
      t->set_evidence(next(4) == 0 ? "validated" : "claimed");
    }
    for (int k = 0, n = 1 + next(4); k < n; ++k) {
      t->add_data_components(absl::StrCat("Data Component ", next(40)));
    }
    for (int k = 0, n = next(6); k < n; ++k) {
      t->add_used_by(absl::StrFormat("G%04d Group %d", next(150), k));
    }
    t->set_user_count(t->used_by_size());
    t->add_platforms("Windows");
    if (t->potential()) {
      ++total_potential;
      if (t->rule_count() > 0) ++total_covered;
      for (int k = 0; k < parent_tactic_count; ++k) {
        ++potential[parent_tactics[k]];
        if (t->rule_count() > 0) ++covered[parent_tactics[k]];
      }
    }
  }
  for (int k = 0; k < kNumTactics; ++k) {
    AddTactic(&r, kTactics[k][0], kTactics[k][1], kTactics[k][2], potential[k],
              covered[k]);
  }
  r.set_potential(total_potential);
  r.set_covered(total_covered);
  r.set_ratio(total_potential == 0
                  ? 0.0
                  : static_cast<double>(total_covered) / total_potential);
  return r;
}

}  // namespace cov::server::exporter
