#include "server/engine/sigma_eval/rule_set.h"

#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "google/protobuf/text_format.h"
#include "gtest/gtest.h"

namespace cov::server::engine::sigma_eval {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

constexpr absl::string_view kSysmon = "Microsoft-Windows-Sysmon/Operational";

// A process_creation rule from a text-format SigmaDetection.
cov::v1::Rule MakeRule(absl::string_view detection,
                       absl::string_view category = "process_creation",
                       absl::string_view service = "") {
  cov::v1::Rule r;
  r.set_uid("rule");
  r.set_title("test rule");
  r.set_format(cov::v1::RULE_FORMAT_SIGMA);
  r.set_logsource_product("windows");
  r.set_logsource_category(std::string(category));
  r.set_logsource_service(std::string(service));
  EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(
      std::string(detection), r.mutable_sigma_detection()))
      << detection;
  return r;
}

ingest::events::Event MakeEvent(
    std::vector<std::pair<std::string, std::string>> fields,
    absl::string_view channel = kSysmon, absl::string_view id = "1") {
  ingest::events::Event e;
  e.fields.push_back({"Channel", std::string(channel), false});
  e.fields.push_back({"EventID", std::string(id), false});
  for (auto& [k, v] : fields) e.fields.push_back({k, v, false});
  return e;
}

// One search `sel` with one entry `field|mods: values`, condition `sel`.
std::string Entry(absl::string_view field, std::vector<std::string> mods,
                  std::vector<std::string> values, bool strings = true) {
  std::string m = absl::StrCat("field: '", field, "' ");
  for (const std::string& x : mods)
    absl::StrAppend(&m, "modifiers: '", x, "' ");
  for (const std::string& v : values) {
    absl::StrAppend(&m,
                    "values { kind: ", strings ? "KIND_STRING" : "KIND_NUMBER",
                    " text: '", absl::CEscape(v), "' } ");
  }
  return absl::StrCat("searches { name: 'sel' groups { matches { ", m,
                      "} } } conditions: 'sel'");
}

bool Fires(const cov::v1::Rule& rule, const ingest::events::Event& e) {
  std::vector<cov::v1::Rule> rules = {rule};
  std::unique_ptr<RuleSet> set = RuleSet::Compile(rules);
  EXPECT_THAT(set->not_evaluable(), IsEmpty())
      << (set->not_evaluable().empty() ? "" : set->not_evaluable()[0].reason);
  MatchScratch scratch;
  std::vector<int> hits;
  set->Match(e, &scratch, &hits);
  return !hits.empty();
}

std::string NotEvaluableReason(const cov::v1::Rule& rule) {
  std::vector<cov::v1::Rule> rules = {rule};
  std::unique_ptr<RuleSet> set = RuleSet::Compile(rules);
  if (set->not_evaluable().empty()) return "";
  return set->not_evaluable()[0].reason;
}

ingest::events::Event Cmd(absl::string_view cmd) {
  return MakeEvent({{"CommandLine", std::string(cmd)},
                    {"Image", "C:\\Windows\\System32\\cmd.exe"}});
}

TEST(RuleSetTest, PlainValuesAreCaseInsensitiveEquality) {
  cov::v1::Rule r =
      MakeRule(Entry("image", {}, {"c:\\windows\\system32\\CMD.exe"}));
  EXPECT_TRUE(Fires(r, Cmd("x")));
  r = MakeRule(Entry("Image", {}, {"cmd.exe"}));
  EXPECT_FALSE(Fires(r, Cmd("x")));
}

TEST(RuleSetTest, ContainsStartsEnds) {
  EXPECT_TRUE(Fires(MakeRule(Entry("CommandLine", {"contains"}, {"EnC"})),
                    Cmd("powershell -enc AAA")));
  EXPECT_FALSE(Fires(MakeRule(Entry("CommandLine", {"contains"}, {"xyz"})),
                     Cmd("powershell -enc AAA")));
  EXPECT_TRUE(Fires(MakeRule(Entry("CommandLine", {"startswith"}, {"POWER"})),
                    Cmd("powershell -enc AAA")));
  EXPECT_FALSE(Fires(MakeRule(Entry("CommandLine", {"startswith"}, {"enc"})),
                     Cmd("powershell -enc AAA")));
  EXPECT_TRUE(
      Fires(MakeRule(Entry("Image", {"endswith"}, {"\\cmd.exe"})), Cmd("")));
  // Wildcards inside a contains value still work.
  EXPECT_TRUE(Fires(MakeRule(Entry("CommandLine", {"contains"}, {"shell*aaa"})),
                    Cmd("powershell -enc AAA")));
}

TEST(RuleSetTest, ValueListsOrAndAllAnds) {
  EXPECT_TRUE(
      Fires(MakeRule(Entry("CommandLine", {"contains"}, {"nope", "enc"})),
            Cmd("powershell -enc AAA")));
  EXPECT_TRUE(Fires(
      MakeRule(Entry("CommandLine", {"contains", "all"}, {"power", "enc"})),
      Cmd("powershell -enc AAA")));
  EXPECT_FALSE(Fires(
      MakeRule(Entry("CommandLine", {"contains", "all"}, {"power", "nope"})),
      Cmd("powershell -enc AAA")));
}

TEST(RuleSetTest, Cased) {
  EXPECT_TRUE(
      Fires(MakeRule(Entry("CommandLine", {"contains", "cased"}, {"AAA"})),
            Cmd("powershell -enc AAA")));
  EXPECT_FALSE(
      Fires(MakeRule(Entry("CommandLine", {"contains", "cased"}, {"aaa"})),
            Cmd("powershell -enc AAA")));
}

TEST(RuleSetTest, Windash) {
  cov::v1::Rule r =
      MakeRule(Entry("CommandLine", {"contains", "windash"}, {" -enc "}));
  EXPECT_TRUE(Fires(r, Cmd("powershell -enc AAA")));
  EXPECT_TRUE(Fires(r, Cmd("powershell /enc AAA")));
  EXPECT_TRUE(Fires(r, Cmd("powershell \xE2\x80\x93"
                           "enc AAA")));
  EXPECT_FALSE(Fires(r, Cmd("powershell enc AAA")));
}

TEST(RuleSetTest, Base64AndBase64OffsetAndWide) {
  // "Zm9vYmFy" = base64("foobar").
  EXPECT_TRUE(
      Fires(MakeRule(Entry("CommandLine", {"base64", "contains"}, {"foobar"})),
            Cmd("x Zm9vYmFy y")));
  EXPECT_FALSE(Fires(MakeRule(Entry("CommandLine", {"base64"}, {"foobar"})),
                     Cmd("x Zm9vYmFy y")));
  cov::v1::Rule off =
      MakeRule(Entry("CommandLine", {"base64offset", "contains"}, {"/bin/sh"}));
  // base64 of "x/bin/sh" is eC9iaW4vc2g=, containing the offset-1 variant.
  EXPECT_TRUE(Fires(off, Cmd("echo eC9iaW4vc2g= | base64 -d")));
  EXPECT_TRUE(Fires(off, Cmd("L2Jpbi9zaA==")));
  EXPECT_FALSE(Fires(off, Cmd("L2Jpbi9iYXNo")));
  // UTF-16LE "cmd" = YwBtAGQA.
  EXPECT_TRUE(
      Fires(MakeRule(Entry("CommandLine", {"wide", "base64offset", "contains"},
                           {"cmd"})),
            Cmd("-e YwBtAGQA")));
  EXPECT_TRUE(Fires(MakeRule(Entry("CommandLine",
                                   {"utf16le", "base64", "contains"}, {"cmd"})),
                    Cmd("-e YwBtAGQA")));
  // UTF-16BE "cmd" = AGMAbQBk.
  EXPECT_TRUE(Fires(MakeRule(Entry("CommandLine",
                                   {"utf16be", "base64", "contains"}, {"cmd"})),
                    Cmd("-e AGMAbQBk")));
  EXPECT_THAT(
      NotEvaluableReason(MakeRule(Entry("CommandLine", {"base64"}, {"a*b"}))),
      HasSubstr("wildcards"));
}

TEST(RuleSetTest, Regex) {
  EXPECT_TRUE(
      Fires(MakeRule(Entry("CommandLine", {"re"}, {"-e(nc)?\\s+[A-Z]+$"})),
            Cmd("powershell -enc AAA")));
  EXPECT_FALSE(Fires(MakeRule(Entry("CommandLine", {"re"}, {"POWERSHELL"})),
                     Cmd("powershell -enc AAA")));
  EXPECT_TRUE(Fires(MakeRule(Entry("CommandLine", {"re", "i"}, {"POWERSHELL"})),
                    Cmd("powershell -enc AAA")));
  EXPECT_THAT(
      NotEvaluableReason(MakeRule(Entry("CommandLine", {"re"}, {"(a"}))),
      HasSubstr("search 'sel', field 'CommandLine'"));
  EXPECT_THAT(NotEvaluableReason(MakeRule(Entry("CommandLine", {"i"}, {"a"}))),
              HasSubstr("apply to 're' only"));
}

TEST(RuleSetTest, CidrAndComparisons) {
  cov::v1::Rule r =
      MakeRule(Entry("DestinationIp", {"cidr"}, {"10.0.0.0/8", "fd00::/8"}),
               "network_connection");
  EXPECT_TRUE(
      Fires(r, MakeEvent({{"DestinationIp", "10.2.3.4"}}, kSysmon, "3")));
  EXPECT_TRUE(
      Fires(r, MakeEvent({{"DestinationIp", "fd12::1"}}, kSysmon, "3")));
  EXPECT_FALSE(
      Fires(r, MakeEvent({{"DestinationIp", "8.8.8.8"}}, kSysmon, "3")));
  r = MakeRule(Entry("DestinationPort", {"gte"}, {"1024"}, false),
               "network_connection");
  EXPECT_TRUE(Fires(r, MakeEvent({{"DestinationPort", "4444"}}, kSysmon, "3")));
  EXPECT_FALSE(Fires(r, MakeEvent({{"DestinationPort", "443"}}, kSysmon, "3")));
  r = MakeRule(Entry("DestinationPort", {"lt"}, {"1024"}, false),
               "network_connection");
  EXPECT_TRUE(Fires(r, MakeEvent({{"DestinationPort", "443"}}, kSysmon, "3")));
  r = MakeRule(Entry("DestinationPort", {"lte"}, {"443"}, false),
               "network_connection");
  EXPECT_TRUE(Fires(r, MakeEvent({{"DestinationPort", "443"}}, kSysmon, "3")));
  r = MakeRule(Entry("DestinationPort", {"gt"}, {"443"}, false),
               "network_connection");
  EXPECT_FALSE(Fires(r, MakeEvent({{"DestinationPort", "443"}}, kSysmon, "3")));
}

TEST(RuleSetTest, NullExistsAndEmpty) {
  cov::v1::Rule r = MakeRule(
      "searches { name: 'sel' groups { matches { field: 'OriginalFileName' "
      "values { kind: KIND_NULL } } } } conditions: 'sel'");
  EXPECT_TRUE(Fires(r, Cmd("x")));  // absent
  EXPECT_TRUE(Fires(r, MakeEvent({{"OriginalFileName", ""}})));
  EXPECT_FALSE(Fires(r, MakeEvent({{"OriginalFileName", "cmd.exe"}})));
  ingest::events::Event null_event = Cmd("x");
  null_event.fields.push_back({"OriginalFileName", "", true});
  EXPECT_TRUE(Fires(r, null_event));
  r = MakeRule(
      "searches { name: 'sel' groups { matches { field: 'Hashes' modifiers: "
      "'exists' values { kind: KIND_BOOL text: 'true' } } } } conditions: "
      "'sel'");
  EXPECT_FALSE(Fires(r, Cmd("x")));
  EXPECT_TRUE(Fires(r, MakeEvent({{"Hashes", ""}})));
  r = MakeRule(
      "searches { name: 'sel' groups { matches { field: 'Hashes' modifiers: "
      "'exists' values { kind: KIND_BOOL text: 'false' } } } } conditions: "
      "'sel'");
  EXPECT_TRUE(Fires(r, Cmd("x")));
  EXPECT_FALSE(Fires(r, MakeEvent({{"Hashes", "x"}})));
  // An empty string matches an empty value only, not an absent field.
  r = MakeRule(Entry("Description", {}, {""}));
  EXPECT_TRUE(Fires(r, MakeEvent({{"Description", ""}})));
  EXPECT_FALSE(Fires(r, Cmd("x")));
}

TEST(RuleSetTest, Fieldref) {
  ingest::events::Event same =
      MakeEvent({{"SourceImage", "C:\\a.exe"}, {"TargetImage", "c:\\A.EXE"}},
                kSysmon, "10");
  ingest::events::Event other =
      MakeEvent({{"SourceImage", "C:\\a.exe"}, {"TargetImage", "c:\\b.exe"}},
                kSysmon, "10");
  cov::v1::Rule r = MakeRule(
      Entry("SourceImage", {"fieldref"}, {"TargetImage"}), "process_access");
  EXPECT_TRUE(Fires(r, same));
  EXPECT_FALSE(Fires(r, other));
  r = MakeRule(Entry("SourceImage", {"fieldref", "endswith"}, {"Nope"}),
               "process_access");
  EXPECT_FALSE(Fires(r, same));  // the referenced field is absent
}

TEST(RuleSetTest, KeywordsSearchEveryValue) {
  cov::v1::Rule r = MakeRule(
      "searches { name: 'keywords' groups { matches { values { kind: "
      "KIND_STRING text: 'MIMIKATZ' } values { kind: KIND_STRING text: "
      "'sekurlsa' } } } } conditions: 'keywords'",
      "", "sysmon");
  EXPECT_TRUE(Fires(r, Cmd("run mimikatz.exe now")));
  EXPECT_TRUE(
      Fires(r, MakeEvent({{"Other", "x::sekurlsa::y"}}, kSysmon, "11")));
  EXPECT_FALSE(Fires(r, Cmd("benign")));
}

TEST(RuleSetTest, ConditionForms) {
  const std::string searches =
      "searches { name: 'sel_a' groups { matches { field: 'CommandLine' "
      "modifiers: 'contains' values { text: 'alpha' } } } } "
      "searches { name: 'sel_b' groups { matches { field: 'CommandLine' "
      "modifiers: 'contains' values { text: 'beta' } } } } "
      "searches { name: 'filter' groups { matches { field: 'CommandLine' "
      "modifiers: 'contains' values { text: 'gamma' } } } } ";
  auto fires = [&](absl::string_view cond, absl::string_view cmd) {
    return Fires(MakeRule(absl::StrCat(searches, "conditions: '", cond, "'")),
                 Cmd(cmd));
  };
  EXPECT_TRUE(fires("sel_a and sel_b", "alpha beta"));
  EXPECT_FALSE(fires("sel_a and sel_b", "alpha"));
  EXPECT_TRUE(fires("sel_a or sel_b", "beta"));
  EXPECT_FALSE(fires("sel_a and not filter", "alpha gamma"));
  EXPECT_TRUE(fires("sel_a and not filter", "alpha"));
  EXPECT_TRUE(fires("(sel_a or sel_b) and not filter", "beta"));
  EXPECT_FALSE(fires("not (sel_a or sel_b)", "beta"));
  EXPECT_TRUE(fires("1 of sel_*", "beta"));
  EXPECT_FALSE(fires("all of sel_*", "beta"));
  EXPECT_TRUE(fires("all of sel_*", "alpha beta"));
  EXPECT_TRUE(fires("1 of them", "gamma"));
  EXPECT_FALSE(fires("all of them", "alpha beta"));
  EXPECT_TRUE(fires("all of them", "alpha beta gamma"));
  EXPECT_TRUE(fires("1 of sel_* and not 1 of filter*", "alpha"));
  // A list of conditions ORs.
  cov::v1::Rule r = MakeRule(
      absl::StrCat(searches, "conditions: 'sel_a' conditions: 'sel_b'"));
  EXPECT_TRUE(Fires(r, Cmd("beta")));
}

TEST(RuleSetTest, ListOfMapsOrsMapsAnd) {
  cov::v1::Rule r = MakeRule(
      "searches { name: 'sel' "
      "groups { matches { field: 'Image' modifiers: 'endswith' values { text: "
      "'\\\\cmd.exe' } } matches { field: 'CommandLine' modifiers: 'contains' "
      "values { text: '/c' } } } "
      "groups { matches { field: 'CommandLine' values { text: 'exact' } } } } "
      "conditions: 'sel'");
  EXPECT_TRUE(Fires(r, Cmd("cmd /c dir")));
  EXPECT_FALSE(Fires(r, Cmd("cmd /k dir")));
  EXPECT_TRUE(Fires(r, Cmd("EXACT")));
}

TEST(RuleSetTest, Security4688IsReadThroughRenames) {
  cov::v1::Rule r = MakeRule(Entry("Image", {"endswith"}, {"\\whoami.exe"}));
  ingest::events::Event e =
      MakeEvent({{"NewProcessName", "C:\\Windows\\System32\\whoami.exe"}},
                "security", "4688");
  EXPECT_TRUE(Fires(r, e));
  // Not for another Security event, nor another channel.
  EXPECT_FALSE(Fires(r, MakeEvent({{"NewProcessName", "C:\\whoami.exe"}},
                                  "Security", "4689")));
  EXPECT_FALSE(
      Fires(r, MakeEvent({{"Image", "C:\\whoami.exe"}}, kSysmon, "3")));
}

TEST(RuleSetTest, NotEvaluableRulesAreListedWithReasons) {
  std::vector<cov::v1::Rule> rules;
  rules.push_back(MakeRule(Entry("Image", {"expand"}, {"%admins%"})));
  rules.back().set_uid("expand");
  rules.push_back(MakeRule(Entry("Image", {}, {"x"})));
  rules.back().set_uid("linux");
  rules.back().set_logsource_product("linux");
  rules.push_back(MakeRule(Entry("Image", {"bogus"}, {"x"})));
  rules.back().set_uid("bogus");
  rules.push_back(MakeRule(
      "searches { name: 'sel' groups { matches { field: 'a' values { text: "
      "'b' } } } } conditions: 'sel | count() > 5'"));
  rules.back().set_uid("agg");
  rules.push_back(MakeRule(Entry("Image", {}, {"ok"})));
  rules.back().set_uid("ok");
  cov::v1::Rule corr = rules.back();
  corr.set_uid("corr");
  corr.set_is_correlation(true);
  rules.push_back(corr);
  std::unique_ptr<RuleSet> set = RuleSet::Compile(rules);
  ASSERT_EQ(set->size(), 1);
  EXPECT_EQ(set->rule(0).uid(), "ok");
  EXPECT_EQ(set->Find("ok"), 0);
  EXPECT_EQ(set->Find("expand"), -1);
  ASSERT_EQ(set->not_evaluable().size(), 4u);
  EXPECT_EQ(set->not_evaluable()[0].uid, "expand");
  EXPECT_THAT(set->not_evaluable()[0].reason, HasSubstr("placeholder"));
  EXPECT_THAT(
      set->not_evaluable()[1].reason,
      HasSubstr("not evaluable on these logs: logsource product 'linux'"));
  EXPECT_THAT(set->not_evaluable()[2].reason,
              HasSubstr("unknown modifier 'bogus'"));
  EXPECT_THAT(set->not_evaluable()[3].reason, HasSubstr("legacy aggregation"));
}

TEST(RuleSetTest, PrefilterReturnsOnlyRulesOfTheEventsLogsource) {
  std::vector<cov::v1::Rule> rules;
  rules.push_back(MakeRule(Entry("Image", {"contains"}, {"cmd"})));
  rules.back().set_uid("proc");
  rules.push_back(
      MakeRule(Entry("Image", {"contains"}, {"cmd"}), "image_load"));
  rules.back().set_uid("load");
  rules.push_back(
      MakeRule(Entry("Image", {"contains"}, {"cmd"}), "", "sysmon"));
  rules.back().set_uid("svc");
  std::unique_ptr<RuleSet> set = RuleSet::Compile(rules);
  MatchScratch scratch;
  std::vector<int> hits;
  set->Match(Cmd("x"), &scratch, &hits);
  EXPECT_THAT(hits, ElementsAre(0, 2));
  hits.clear();
  set->Match(MakeEvent({{"Image", "cmd.exe"}}, kSysmon, "7"), &scratch, &hits);
  EXPECT_THAT(hits, ElementsAre(1, 2));
  hits.clear();
  set->Match(MakeEvent({{"Image", "cmd.exe"}}, "Security", "4688"), &scratch,
             &hits);
  EXPECT_THAT(hits, ElementsAre(0));
}

}  // namespace
}  // namespace cov::server::engine::sigma_eval
