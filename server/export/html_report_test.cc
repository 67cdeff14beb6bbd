#include "server/export/html_report.h"

#include <regex>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"
#include "server/export/sample_coverage.h"

namespace cov::server::exporter {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

int Count(absl::string_view haystack, absl::string_view needle) {
  int n = 0;
  for (size_t pos = haystack.find(needle); pos != absl::string_view::npos;
       pos = haystack.find(needle, pos + needle.size())) {
    ++n;
  }
  return n;
}

// The cells in document order, as "technique/tactic/state".
std::vector<std::string> Cells(const std::string& html) {
  static const std::regex kCell(
      R"re(<div class="cell" data-technique="([^"]*)" data-tactic="([^"]*)" )re"
      R"re(data-state="([^"]*)")re");
  std::vector<std::string> out;
  for (std::sregex_iterator it(html.begin(), html.end(), kCell), end; it != end;
       ++it) {
    out.push_back(
        absl::StrCat((*it)[1].str(), "/", (*it)[2].str(), "/", (*it)[3].str()));
  }
  return out;
}

TEST(HtmlReportTest, OneCellPerTechniqueAndTacticInKillChainOrder) {
  const std::string html = HtmlReport(SampleCoverage(), {});
  EXPECT_EQ(Count(html, "class=\"cell\""), 15);
  // Columns in the response's order; in a column, techniques by name, each
  // parent followed by its sub-techniques.
  EXPECT_THAT(
      Cells(html),
      ElementsAre(
          // initial-access
          "T1566/initial-access/uncovered", "T1195/initial-access/unreachable",
          "T1078/initial-access/rollup", "T1078.001/initial-access/covered",
          "T1078.002/initial-access/uncovered",
          // persistence
          "T1197/persistence/covered", "T1542/persistence/unreachable",
          "T1078/persistence/rollup", "T1078.001/persistence/covered",
          "T1078.002/persistence/uncovered",
          // defense-evasion
          "T1197/defense-evasion/covered", "T1542/defense-evasion/unreachable",
          "T1078/defense-evasion/rollup", "T1078.001/defense-evasion/covered",
          "T1078.002/defense-evasion/uncovered"));
  EXPECT_EQ(Count(html, "<section class=\"tactic\""), 3);
  // Sub-techniques collapsible, open because T1078.001 has a rule.
  EXPECT_EQ(Count(html,
                  "<details class=\"subs\" open><summary>2 "
                  "sub-techniques</summary>"),
            3);
}

TEST(HtmlReportTest, HeadersSummaryLegendAndDetailPanel) {
  HtmlOptions options;
  options.subtitle = "Profile: soc-windows";
  options.generated_at = "2025-11-26 10:00 UTC";
  const std::string html = HtmlReport(SampleCoverage(), options);
  EXPECT_THAT(html, HasSubstr("<title>ATT&amp;CK detection coverage</title>"));
  EXPECT_THAT(html, HasSubstr("<p class=\"sub\">Profile: soc-windows</p>"));
  EXPECT_THAT(html,
              HasSubstr("Release <b>enterprise-attack 18.1</b> &middot; "
                        "<b>3</b> of <b>5</b> techniques in reach covered "
                        "(<b>60.0%</b>) &middot; 7 techniques and "
                        "sub-techniques in the release &middot; generated "
                        "2025-11-26 10:00 UTC"));
  EXPECT_THAT(html,
              HasSubstr("<h2>Initial Access<small>TA0001</small></h2>\n"
                        "<div class=\"ratio\">2/4 (50%)</div>\n<div "
                        "class=\"bar\"><span style=\"width:50.0%\"></span>"));
  EXPECT_THAT(html, HasSubstr("<div class=\"ratio\">3/4 (75%)</div>"));
  for (const char* label :
       {"covered", "covered through sub-techniques", "in reach, no rule",
        "outside the profile&#39;s reach"}) {
    EXPECT_THAT(html, HasSubstr(absl::StrCat("</span>", label, "</li>")));
  }
  EXPECT_EQ(Count(html, "<aside id=\"detail\" hidden"), 1);
  EXPECT_EQ(Count(html, "id=\"detail\""), 1);
  EXPECT_THAT(html, HasSubstr("title=\"T1197 BITS Jobs: covered, 2 rules\""));
}

TEST(HtmlReportTest, EscapesTextAndEmbeddedData) {
  HtmlOptions options;
  options.title = "<script>alert('t')</script> & co";
  const std::string html = HtmlReport(SampleCoverage(), options);
  EXPECT_THAT(html, HasSubstr("<h1>&lt;script&gt;alert(&#39;t&#39;)&lt;/"
                              "script&gt; &amp; co</h1>"));
  // Only the page's own two scripts: the data blob and the code. The rule
  // title "BITS <script>..." must not open or close a script element.
  EXPECT_EQ(Count(html, "<script"), 2);
  EXPECT_EQ(Count(html, "</script"), 2);
  EXPECT_THAT(html, Not(HasSubstr("<!--")));
}

google::protobuf::Struct EmbeddedData(const std::string& html) {
  const std::string open = "<script type=\"application/json\" id=\"cov-data\">";
  const size_t begin = html.find(open);
  google::protobuf::Struct data;
  EXPECT_NE(begin, std::string::npos);
  if (begin == std::string::npos) return data;
  const size_t end = html.find("</script>", begin);
  EXPECT_TRUE(
      google::protobuf::util::JsonStringToMessage(
          html.substr(begin + open.size(), end - begin - open.size()), &data)
          .ok());
  return data;
}

// "phase potential/covered tactics..." per embedded phase.
std::vector<std::string> PhaseRows(const google::protobuf::Struct& data) {
  std::vector<std::string> rows;
  for (const auto& v : data.fields().at("phases").list_value().values()) {
    const auto& f = v.struct_value().fields();
    std::string row = absl::StrCat(f.at("phase").string_value(), " ",
                                   f.at("potential").number_value(), "/",
                                   f.at("covered").number_value());
    for (const auto& t : f.at("tactics").list_value().values()) {
      absl::StrAppend(&row, " ", t.string_value());
    }
    rows.push_back(row);
  }
  return rows;
}

TEST(HtmlReportTest, KillChainToggleAndPhaseFigures) {
  const std::string html = HtmlReport(SampleCoverage(), {});
  EXPECT_THAT(html, HasSubstr("data-view=\"tactics\" aria-pressed=\"true\""));
  EXPECT_THAT(html,
              HasSubstr("data-view=\"killchain\" aria-pressed=\"false\""));
  EXPECT_THAT(html, HasSubstr("<div class=\"matrix\" id=\"killchain\" "
                              "data-view=\"killchain\" hidden></div>"));
  // From the sample (sample_coverage.h): Delivery = initial-access: T1078
  // (rollup), T1078.001 (rule), T1078.002, T1566 in reach (T1195 is not).
  // Installation = persistence + defense-evasion: T1078, T1078.001, T1078.002
  // and T1197 (rules), each once although on both tactics; T1542 out of reach.
  EXPECT_THAT(
      PhaseRows(EmbeddedData(html)),
      ElementsAre("reconnaissance 0/0", "weaponization 0/0",
                  "delivery 4/2 initial-access", "exploitation 0/0",
                  "installation 4/3 persistence defense-evasion",
                  "command-and-control 0/0", "actions-on-objectives 0/0"));
}

TEST(HtmlReportTest, KillChainUsesTheResponsePhasesWhenGiven) {
  cov::v1::CoverageResponse c = SampleCoverage();
  cov::v1::PhaseCoverage* p = c.add_phases();
  p->set_phase("installation");
  p->set_name("Installation");
  p->set_order(5);
  p->add_tactics("persistence");
  p->set_potential(9);
  p->set_covered(1);
  EXPECT_THAT(PhaseRows(EmbeddedData(HtmlReport(c, {}))),
              ElementsAre("installation 9/1 persistence"));
}

TEST(HtmlReportTest, EmbeddedDataParsesAndHoldsRules) {
  const std::string html = HtmlReport(SampleCoverage(), {});
  const std::string open = "<script type=\"application/json\" id=\"cov-data\">";
  const size_t begin = html.find(open);
  ASSERT_NE(begin, std::string::npos);
  const size_t end = html.find("</script>", begin);
  const std::string blob =
      html.substr(begin + open.size(), end - begin - open.size());
  google::protobuf::Struct data;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(blob, &data).ok());
  const auto& techniques = data.fields().at("techniques").struct_value();
  EXPECT_EQ(techniques.fields_size(), 7);
  const auto& bits = techniques.fields().at("T1197").struct_value().fields();
  EXPECT_EQ(bits.at("state").string_value(), "covered");
  EXPECT_EQ(bits.at("ruleCount").number_value(), 2);
  const auto& rule = bits.at("rules").list_value().values(0).list_value();
  ASSERT_EQ(rule.values_size(), 4);
  EXPECT_EQ(rule.values(0).string_value(),
            "5b1f3e2a-0000-4000-8000-000000000002");
  EXPECT_EQ(rule.values(1).string_value(), "sigma-core");
  EXPECT_EQ(rule.values(2).string_value(),
            "BITS <script>alert(\"x\")</script>, job & \"transfer\"");
  EXPECT_EQ(bits.at("usedBy").list_value().values(1).string_value(),
            "G0065 Leviathan");
  EXPECT_EQ(data.fields()
                .at("tacticNames")
                .struct_value()
                .fields()
                .at("defense-evasion")
                .string_value(),
            "Defense Evasion");
}

TEST(HtmlReportTest, LoadsNothingFromTheNetwork) {
  const std::string html = HtmlReport(SyntheticCoverage(700), {});
  EXPECT_THAT(html, Not(HasSubstr("http://")));
  EXPECT_THAT(html, Not(HasSubstr("https://")));
  EXPECT_THAT(html, Not(HasSubstr("//fonts")));
  EXPECT_THAT(html, Not(HasSubstr("@import")));
  EXPECT_THAT(html, Not(HasSubstr("url(")));
  static const std::regex kResource(R"re(\b(src|href|srcset|action)\s*=)re",
                                    std::regex::icase);
  EXPECT_FALSE(std::regex_search(html, kResource));
  EXPECT_THAT(html, HasSubstr("content=\"default-src 'none';"));
}

TEST(HtmlReportTest, OrphanSubTechniqueAndUnknownTactic) {
  cov::v1::CoverageResponse c = SampleCoverage();
  // A sub-technique on a tactic its parent lacks stands alone there; a tactic
  // outside the response's columns gets no cell.
  c.mutable_techniques(2)->add_tactics("lateral-movement");
  cov::v1::TechniqueCoverage* t = c.add_techniques();
  t->set_technique_id("T1566.001");
  t->set_name("Spearphishing Attachment");
  t->set_parent("T1566");
  t->add_tactics("persistence");
  t->set_potential(true);
  const std::string html = HtmlReport(c, {});
  EXPECT_EQ(Count(html, "class=\"cell\""), 16);
  EXPECT_EQ(Cells(html)[7], "T1566.001/persistence/uncovered");
}

TEST(AppendHtmlEscapedTest, EscapesTheFiveSpecials) {
  std::string out;
  AppendHtmlEscaped("a&b<c>d\"e'f", &out);
  EXPECT_EQ(out, "a&amp;b&lt;c&gt;d&quot;e&#39;f");
}

}  // namespace
}  // namespace cov::server::exporter
