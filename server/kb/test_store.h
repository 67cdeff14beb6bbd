// Test data for the layers above the store (testonly): a small ATT&CK
// release and rule sources written into any Store (usually a MemoryStore).
//
//   store::MemoryStore store;
//   kb::testing::PutSmallRelease(&store);
//   kb::testing::PutRules(&store, "sigma", {{"r1", "T1197"}});
//
// The release "enterprise-attack@18.1" holds tactics execution (TA0002),
// persistence (TA0003), defense-evasion (TA0005), in that order; techniques
// T1059 (execution) with sub-technique T1059.001, T1197 (persistence and
// defense-evasion), T1086 revoked by T1059.001; group G0007 "APT28" (alias
// "Fancy Bear") using T1197. Active units: T1059, T1059.001, T1197.
#ifndef COV_SERVER_KB_TEST_STORE_H_
#define COV_SERVER_KB_TEST_STORE_H_

#include <string>
#include <utility>
#include <vector>

#include "gtest/gtest.h"
#include "ingest/attack/stix_bundle.h"
#include "server/kb/parsed_records.h"
#include "server/store/store.h"

namespace cov::server::kb::testing {

inline void PutSmallRelease(store::Store* store,
                            const std::string& version = "18.1") {
  ingest::attack::ParsedRelease p;
  p.release.set_domain("enterprise-attack");
  p.release.set_version(version);
  p.release.set_sha256("sha-" + version);
  const char* tactics[][2] = {{"TA0002", "execution"},
                              {"TA0003", "persistence"},
                              {"TA0005", "defense-evasion"}};
  for (int i = 0; i < 3; ++i) {
    cov::v1::Tactic* t = p.tactics.Add();
    t->set_id(tactics[i][0]);
    t->set_shortname(tactics[i][1]);
    t->set_name(tactics[i][1]);
    t->set_order(i);
  }
  auto add = [&](const std::string& id, std::vector<std::string> tactic_names) {
    cov::v1::Technique* t = p.techniques.Add();
    t->set_id(id);
    t->set_name("name of " + id);
    for (auto& s : tactic_names) t->add_tactics(s);
    t->add_platforms("Windows");
    t->add_data_components("Process Creation");
    return t;
  };
  add("T1059", {"execution"})->add_subtechniques("T1059.001");
  cov::v1::Technique* ps = add("T1059.001", {"execution"});
  ps->set_is_subtechnique(true);
  ps->set_parent("T1059");
  cov::v1::Technique* bits = add("T1197", {"persistence", "defense-evasion"});
  bits->set_name("BITS Jobs");
  cov::v1::Procedure* use = bits->add_procedures();
  use->set_kind("group");
  use->set_id("G0007");
  use->set_name("APT28");
  cov::v1::Technique* old = add("T1086", {"execution"});
  old->set_revoked(true);
  old->set_revoked_by("T1059.001");
  cov::v1::Actor* apt28 = p.actors.Add();
  apt28->set_kind("group");
  apt28->set_id("G0007");
  apt28->set_name("APT28");
  apt28->add_aliases("Fancy Bear");
  cov::v1::Procedure* uses = apt28->add_techniques();
  uses->set_kind("technique");
  uses->set_id("T1197");
  ASSERT_TRUE(store->PutRelease(RecordsOf(p), p.release, false).ok());
}

// Replaces source `source` with one Sigma file "rules.yml" holding one
// enabled rule per (uid, technique ID) pair.
inline void PutRules(
    store::Store* store, const std::string& source,
    const std::vector<std::pair<std::string, std::string>>& rules) {
  store::SourceUpdate u;
  u.source.set_name(source);
  u.source.set_format(cov::v1::RULE_FORMAT_SIGMA);
  u.source.set_rule_count(static_cast<int>(rules.size()));
  store::SourceUpdate::ChangedFile file;
  file.file.set_path("rules.yml");
  int line = 1;
  for (const auto& [uid, technique] : rules) {
    cov::v1::Rule r;
    r.set_uid(uid);
    r.set_format(cov::v1::RULE_FORMAT_SIGMA);
    r.set_source(source);
    r.set_file("rules.yml");
    r.set_line(line++);
    r.set_title("rule " + uid);
    r.set_enabled(true);
    r.set_content_hash("hash-" + uid);
    cov::v1::AttackRef* ref = r.add_attack_refs();
    ref->set_raw("attack." + technique);
    ref->set_id(technique);
    ref->set_kind("technique");
    file.rules.push_back(r);
  }
  u.changed_files.push_back(std::move(file));
  ASSERT_TRUE(store->ApplySourceUpdate(u).ok());
}

}  // namespace cov::server::kb::testing

#endif  // COV_SERVER_KB_TEST_STORE_H_
