#include "server/replay/traces.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "ingest/events/event.h"
#include "server/engine/knowledge_base.h"

namespace cov::server::replay {
namespace {

using ingest::events::Event;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::SizeIs;

constexpr char kSysmon[] = "Microsoft-Windows-Sysmon/Operational";

Event Make(absl::string_view channel, int id, int64_t record,
           std::vector<std::pair<std::string, std::string>> fields,
           absl::string_view host = "WS1.corp", int64_t time_us = 0) {
  Event e;
  e.file = "log.json";
  e.record = record;
  e.host = std::string(host);
  e.time_us = time_us;
  if (!channel.empty()) e.fields.push_back({"Channel", std::string(channel)});
  e.fields.push_back({"EventID", std::to_string(id)});
  for (auto& [k, v] : fields) e.fields.push_back({k, v});
  return e;
}

std::vector<std::string> Names(const std::vector<ValueCount>& v) {
  std::vector<std::string> out;
  for (const auto& x : v) out.push_back(absl::StrCat(x.value, "=", x.count));
  return out;
}

const FieldSummary* FieldNamed(const CategoryTraces& c, absl::string_view f) {
  for (const auto& s : c.fields) {
    if (s.field == f) return &s;
  }
  return nullptr;
}

TEST(TracesTest, ProcessCreationSelectsSysmon1AndSecurity4688Only) {
  TraceSelection sel = SelectCategories({"process creation"});
  EXPECT_THAT(sel.components, ElementsAre("Process Creation"));
  ASSERT_FALSE(sel.categories.empty());
  EXPECT_EQ(sel.categories[0].category, "process_creation");
  EXPECT_THAT(sel.unmapped_components, IsEmpty());
  // The Security and Sysmon service rows are not needed: the category
  // already gives Process Creation.
  for (const TraceCategory& c : sel.categories) {
    EXPECT_NE(c.category, "service:security");
    EXPECT_NE(c.category, "service:sysmon");
  }
}

TEST(TracesTest, SummarisesImagesCommandLinesWithRenamesAndCounts) {
  std::vector<Event> events = {
      Make(kSysmon, 1, 1,
           {{"Image", "C:\\a.exe"},
            {"CommandLine", "a.exe /x"},
            {"ParentImage", "C:\\cmd.exe"}},
           "WS1.corp", 2000),
      Make(kSysmon, 1, 2,
           {{"Image", "C:\\a.exe"},
            {"CommandLine", "a.exe /y"},
            {"ParentImage", "C:\\cmd.exe"}},
           "ws1.CORP", 1000),
      Make(kSysmon, 1, 3, {{"Image", "C:\\b.exe"}}, "WS2", 3000),
      // Security 4688: NewProcessName is read as Image.
      Make("security", 4688, 4,
           {{"NewProcessName", "C:\\c.exe"},
            {"ProcessCommandLine", "c.exe -z"},
            {"ParentProcessName", "C:\\cmd.exe"}}),
      // Not selected: a network connection, an event without a channel.
      Make(kSysmon, 3, 5, {{"Image", "C:\\net.exe"}}),
      Make("", 1, 6, {{"Image", "C:\\nochannel.exe"}}),
  };
  Traces t = SummarizeTraces(events, {"Process Creation"});
  EXPECT_EQ(t.events_seen, 6);
  EXPECT_EQ(t.events_selected, 4);
  ASSERT_THAT(t.categories, SizeIs(1));
  const CategoryTraces& c = t.categories[0];
  EXPECT_EQ(c.category, "process_creation");
  EXPECT_THAT(c.components, ElementsAre("Process Creation"));
  EXPECT_EQ(c.events, 4);
  EXPECT_EQ(c.first_time_us, 1000);
  EXPECT_EQ(c.last_time_us, 3000);
  EXPECT_THAT(Names(c.hosts), ElementsAre("ws1.corp=3", "ws2=1"));
  EXPECT_THAT(c.examples,
              ElementsAre("log.json:1", "log.json:2", "log.json:3"));
  const FieldSummary* image = FieldNamed(c, "Image");
  ASSERT_NE(image, nullptr);
  EXPECT_EQ(image->events_with_field, 4);
  EXPECT_EQ(image->distinct_values, 3);
  EXPECT_THAT(Names(image->top),
              ElementsAre("C:\\a.exe=2", "C:\\b.exe=1", "C:\\c.exe=1"));
  const FieldSummary* cmd = FieldNamed(c, "CommandLine");
  ASSERT_NE(cmd, nullptr);
  EXPECT_THAT(Names(cmd->top),
              ElementsAre("a.exe /x=1", "a.exe /y=1", "c.exe -z=1"));
  const FieldSummary* parent = FieldNamed(c, "ParentImage");
  ASSERT_NE(parent, nullptr);
  EXPECT_THAT(Names(parent->top), ElementsAre("C:\\cmd.exe=3"));
  // Fields no event had are left out.
  EXPECT_EQ(FieldNamed(c, "TargetObject"), nullptr);
}

TEST(TracesTest, RegistryPipesDnsAndNetworkFields) {
  std::vector<Event> events = {
      Make(kSysmon, 13, 1,
           {{"TargetObject", "HKLM\\Software\\Run\\evil"},
            {"Image", "C:\\reg.exe"}}),
      Make(kSysmon, 13, 2, {{"TargetObject", "HKLM\\Software\\Run\\evil"}}),
      Make(kSysmon, 17, 3, {{"PipeName", "\\msagent_12"}}),
      Make(kSysmon, 22, 4, {{"QueryName", "evil.example"}}),
      Make(kSysmon, 3, 5,
           {{"DestinationIp", "10.0.0.5"}, {"DestinationPort", "445"}}),
  };
  Traces t = SummarizeTraces(events, {"Windows Registry Key Modification",
                                      "Network Connection "
                                      "Creation",
                                      "DC0085" /* Network Traffic Content */});
  std::vector<std::string> cats;
  for (const auto& c : t.categories) cats.push_back(c.category);
  // Categories in logsource-table order, only those with events.
  ASSERT_THAT(cats,
              ElementsAre("network_connection", "registry_set", "dns_query"));
  const FieldSummary* target = FieldNamed(t.categories[1], "TargetObject");
  ASSERT_NE(target, nullptr);
  EXPECT_THAT(Names(target->top), ElementsAre("HKLM\\Software\\Run\\evil=2"));
  const FieldSummary* ip = FieldNamed(t.categories[0], "DestinationIp");
  const FieldSummary* port = FieldNamed(t.categories[0], "DestinationPort");
  ASSERT_TRUE(ip != nullptr && port != nullptr);
  EXPECT_THAT(Names(ip->top), ElementsAre("10.0.0.5=1"));
  EXPECT_THAT(Names(port->top), ElementsAre("445=1"));
  const FieldSummary* q = FieldNamed(t.categories[2], "QueryName");
  ASSERT_NE(q, nullptr);
  EXPECT_THAT(Names(q->top), ElementsAre("evil.example=1"));
  // The pipe event belongs to no selected category.
  EXPECT_EQ(t.events_selected, 4);
}

TEST(TracesTest, ScriptBlockTruncatedAndDistinctValuesBounded) {
  std::string script(500, 'x');
  script += "\xC3\xA9";  // a 2-byte character at the cut must not be split
  std::vector<Event> events;
  for (int i = 0; i < 4; ++i) {
    events.push_back(Make("Microsoft-Windows-PowerShell/Operational", 4104, i,
                          {{"ScriptBlockText", script + std::to_string(i)}}));
  }
  TraceOptions options;
  options.script_chars = 501;  // cuts inside the 2-byte character
  options.max_distinct_values = 2;
  TraceSelection sel = SelectCategories({"Script Execution"});
  ASSERT_FALSE(sel.categories.empty());
  TraceBuilder b(sel, options);
  for (const Event& e : events) b.Add(e);
  Traces t = b.Finish();
  ASSERT_THAT(t.categories, SizeIs(1));
  EXPECT_EQ(t.categories[0].category, "ps_script");
  const FieldSummary* s = FieldNamed(t.categories[0], "ScriptBlockText");
  ASSERT_NE(s, nullptr);
  // All four truncate to the same 500 x's + "…": one distinct value.
  EXPECT_EQ(s->distinct_values, 1);
  ASSERT_THAT(s->top, SizeIs(1));
  EXPECT_EQ(s->top[0].value, std::string(500, 'x') + "\xE2\x80\xA6");
  EXPECT_EQ(s->top[0].count, 4);

  // Distinct values over the cap are counted as untracked.
  TraceOptions small;
  small.max_distinct_values = 2;
  std::vector<Event> images;
  for (const char* img : {"a", "b", "c", "a", "d"}) {
    images.push_back(Make(kSysmon, 1, 0, {{"Image", img}}));
  }
  Traces u = SummarizeTraces(images, {"Process Creation"}, small);
  const FieldSummary* image = FieldNamed(u.categories[0], "Image");
  ASSERT_NE(image, nullptr);
  EXPECT_EQ(image->distinct_values, 2);
  EXPECT_EQ(image->untracked, 2);  // c and d
  EXPECT_THAT(Names(image->top), ElementsAre("a=2", "b=1"));
}

TEST(TracesTest, UnmappedComponentsAndNoEvents) {
  TraceSelection sel =
      SelectCategories({"Instance Creation", "no such component"});
  EXPECT_THAT(sel.categories, IsEmpty());
  EXPECT_THAT(sel.unmapped_components,
              ElementsAre("no such component", "Instance Creation"));
  Traces t = SummarizeTraces({}, {"Process Creation"});
  EXPECT_EQ(t.events_seen, 0);
  EXPECT_THAT(t.categories, IsEmpty());
}

TEST(TracesTest, TechniqueComponentsFromTheKnowledgeBase) {
  cov::v1::Technique tech;
  tech.set_id("T1547.001");
  tech.add_data_components("Windows Registry Key Modification");
  tech.add_data_components("Process Creation");
  engine::KnowledgeBase kb("enterprise-attack@18.1", cov::v1::Release(), {},
                           {tech}, {}, {}, {});
  auto dcs = TechniqueComponents(kb, "t1547.001");
  ASSERT_TRUE(dcs.ok()) << dcs.status();
  EXPECT_THAT(*dcs, ElementsAre("Windows Registry Key Modification",
                                "Process Creation"));
  EXPECT_EQ(TechniqueComponents(kb, "T9999").status().code(),
            absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace cov::server::replay
