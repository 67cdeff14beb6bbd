#include "ingest/events/json_events.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "ingest/events/internal/test_sink.h"

namespace cov::ingest::events {
namespace {

using internal::CollectingSink;
using ::testing::ElementsAre;

// Feeds `text` in chunks of `chunk` bytes.
ReadStats Read(const std::string& text, CollectingSink& sink, size_t chunk = 7,
               ReaderOptions options = {}) {
  ReadStats stats;
  JsonEventReader reader("f.json", options, sink, stats);
  for (size_t i = 0; i < text.size(); i += chunk) {
    reader.Feed(absl::string_view(text).substr(i, chunk));
  }
  reader.Finish();
  return stats;
}

constexpr char kNxlog[] =
    R"({"@timestamp":"2020-10-22T18:32:43.779Z","EventTime":"2020-10-22 14:32:41",)"
    R"("RecordNumber":924068,"SourceName":"Microsoft-Windows-Sysmon",)"
    R"("Channel":"Microsoft-Windows-Sysmon/Operational","EventID":1,)"
    R"("Keywords":-9223372036854775808,"host":"wec.internal.cloudapp.net",)"
    R"("Hostname":"MORDORDC.theshire.local","Image":"C:\\Windows\\cmd.exe",)"
    R"("tags":["mordorDataset"],"Ratio":0.5,"Flag":true,"Empty":null})";

TEST(JsonEventsTest, FlatNxlogShapeIsNormalised) {
  CollectingSink sink;
  ReadStats stats = Read(absl::StrCat(kNxlog, "\n"), sink);
  ASSERT_EQ(sink.events.size(), 1u);
  EXPECT_TRUE(sink.diagnostics.empty());
  EXPECT_EQ(stats.events, 1);
  const Event& e = sink.events[0];
  EXPECT_EQ(e.file, "f.json");
  EXPECT_EQ(e.record, 1);
  EXPECT_EQ(e.host, "MORDORDC.theshire.local");
  // 2020-10-22T18:32:43.779Z: 18628 days * 86400 + 18:32:43.
  EXPECT_EQ(
      e.time_us,
      (int64_t{18557} * 86400 + 18 * 3600 + 32 * 60 + 43) * 1000000 + 779000);
  EXPECT_EQ(sink.Value(0, "Provider_Name"), "Microsoft-Windows-Sysmon");
  EXPECT_EQ(sink.Value(0, "Computer"), "MORDORDC.theshire.local");
  EXPECT_EQ(sink.Value(0, "EventRecordID"), "924068");
  EXPECT_EQ(sink.Value(0, "eventid"), "1");
  EXPECT_EQ(sink.Value(0, "Keywords"), "-9223372036854775808");
  EXPECT_EQ(sink.Value(0, "image"), "C:\\Windows\\cmd.exe");
  EXPECT_EQ(sink.Value(0, "tags"), R"(["mordorDataset"])");
  EXPECT_EQ(sink.Value(0, "Ratio"), "0.5");
  EXPECT_EQ(sink.Value(0, "Flag"), "true");
  EXPECT_EQ(sink.Value(0, "Empty"), "<null>");
  EXPECT_EQ(sink.Value(0, "Missing"), "<absent>");
}

TEST(JsonEventsTest, WinlogbeatNestedFieldsGetLeafAndWindowsNames) {
  CollectingSink sink;
  Read(R"({"@timestamp":"2024-01-02T03:04:05Z","host":{"name":"ws1"},)"
       R"("winlog":{"channel":"Security","event_id":4688,)"
       R"("provider_name":"Microsoft-Windows-Security-Auditing",)"
       R"("computer_name":"WS1.corp","record_id":77,)"
       R"("event_data":{"NewProcessName":"C:\\x.exe"}}})",
       sink);
  ASSERT_EQ(sink.events.size(), 1u);
  EXPECT_EQ(sink.Value(0, "winlog.event_data.NewProcessName"), "C:\\x.exe");
  EXPECT_EQ(sink.Value(0, "NewProcessName"), "C:\\x.exe");
  EXPECT_EQ(sink.Value(0, "EventID"), "4688");
  EXPECT_EQ(sink.Value(0, "Channel"), "Security");
  EXPECT_EQ(sink.Value(0, "Provider_Name"),
            "Microsoft-Windows-Security-Auditing");
  EXPECT_EQ(sink.Value(0, "Computer"), "WS1.corp");
  EXPECT_EQ(sink.Value(0, "EventRecordID"), "77");
  EXPECT_EQ(sink.events[0].host, "WS1.corp");
  EXPECT_EQ(sink.events[0].time_us, int64_t{1704164645} * 1000000);
}

constexpr char kDump[] = R"({
  "Event": {
    "#attributes": {"xmlns": "http://schemas.microsoft.com/win/2004/08/events/event"},
    "System": {
      "Provider": {"#attributes": {"Name": "Service Control Manager", "Guid": "555908d1"}},
      "EventID": {"#attributes": {"Qualifiers": 16384}, "#text": 7045},
      "Level": 4,
      "TimeCreated": {"#attributes": {"SystemTime": "2025-11-27T07:40:10.1653241Z"}},
      "EventRecordID": 571146,
      "Correlation": null,
      "Channel": "System",
      "Computer": "host-a"
    },
    "EventData": {
      "ServiceName": "evil {svc}",
      "ImagePath": "C:\\e \"q\".exe",
      "Data": {"#text": ["a", "b"]},
      "Start": 3
    }
  }
}
)";

TEST(JsonEventsTest, EvtxDumpStreamOfPrettyObjects) {
  CollectingSink sink;
  ReadStats stats = Read(absl::StrCat(kDump, kDump), sink, 5);
  EXPECT_TRUE(sink.diagnostics.empty()) << sink.diagnostics[0];
  ASSERT_EQ(sink.events.size(), 2u);
  EXPECT_EQ(stats.events, 2);
  EXPECT_EQ(sink.events[1].record, 2);
  EXPECT_EQ(sink.Value(0, "Provider_Name"), "Service Control Manager");
  EXPECT_EQ(sink.Value(0, "Provider_Guid"), "555908d1");
  EXPECT_EQ(sink.Value(0, "EventID"), "7045");
  EXPECT_EQ(sink.Value(0, "EventID_Qualifiers"), "16384");
  EXPECT_EQ(sink.Value(0, "TimeCreated"), "2025-11-27T07:40:10.165324Z");
  EXPECT_EQ(sink.Value(0, "TimeCreated_SystemTime"),
            "2025-11-27T07:40:10.165324Z");
  EXPECT_EQ(sink.Value(0, "Correlation"), "<null>");
  EXPECT_EQ(sink.Value(0, "ServiceName"), "evil {svc}");
  EXPECT_EQ(sink.Value(0, "ImagePath"), "C:\\e \"q\".exe");
  EXPECT_EQ(sink.Value(0, "Data"), "a b");
  EXPECT_EQ(sink.Value(0, "Start"), "3");
  EXPECT_EQ(sink.Value(0, "xmlns"), "<absent>");
  EXPECT_EQ(sink.events[0].host, "host-a");
}

TEST(JsonEventsTest, ArrayFile) {
  CollectingSink sink;
  Read(R"([{"EventID": 1}, 7, {"EventID": 3}])", sink);
  ASSERT_EQ(sink.events.size(), 2u);
  EXPECT_EQ(sink.events[1].record, 3);
  EXPECT_EQ(sink.Value(1, "EventID"), "3");
  EXPECT_THAT(sink.diagnostics,
              ElementsAre("f.json:2: error: array item 2 is not a JSON "
                          "object; skipped [events-not-an-object]"));
}

TEST(JsonEventsTest, ArrayFileOverTheBoundIsNotRead) {
  CollectingSink sink;
  ReaderOptions options;
  options.max_json_array_bytes = 20;
  Read(R"([{"EventID": 1}, {"EventID": 3}])", sink, 4, options);
  EXPECT_TRUE(sink.events.empty());
  EXPECT_THAT(sink.diagnostics,
              ElementsAre("f.json: error: JSON array file larger than 20 "
                          "bytes; not read [events-file-too-large]"));
}

TEST(JsonEventsTest, BrokenLinesAreReportedAndTheRestRead) {
  CollectingSink sink;
  ReadStats stats =
      Read("\xEF\xBB\xBF{\"a\":1}\r\n\n{\"a\":\n[1]\n{\"a\":4}", sink);
  ASSERT_EQ(sink.events.size(), 2u);
  EXPECT_EQ(sink.events[0].record, 1);
  EXPECT_EQ(sink.events[1].record, 5);
  EXPECT_EQ(sink.Value(1, "a"), "4");
  EXPECT_EQ(stats.bad_records, 2);
  EXPECT_THAT(
      sink.diagnostics,
      ElementsAre(
          "f.json:3: error: invalid JSON: The JSON document has an improper "
          "structure: missing or superfluous commas, braces, missing keys, "
          "etc. [events-invalid-json]",
          "f.json:4: error: JSON value is not an object; skipped "
          "[events-not-an-object]"));
}

TEST(JsonEventsTest, HugeLineIsSkippedWithoutBufferingIt) {
  CollectingSink sink;
  ReaderOptions options;
  options.max_line_bytes = 1000;
  ReadStats stats;
  JsonEventReader reader("big.json", options, sink, stats);
  reader.Feed("{\"EventID\":1}\n{\"x\":\"");
  const std::string block(1 << 16, 'a');
  for (int i = 0; i < 16384; ++i) reader.Feed(block);  // 1 GiB
  reader.Feed("\"}\n{\"EventID\":2}\n");
  reader.Finish();
  ASSERT_EQ(sink.events.size(), 2u);
  EXPECT_EQ(sink.events[1].record, 3);
  EXPECT_THAT(sink.diagnostics,
              ElementsAre("big.json:2: error: line longer than 1000 bytes; "
                          "skipped [events-line-too-long]"));
}

TEST(JsonEventsTest, TruncatedObjectStream) {
  CollectingSink sink;
  Read("{\n \"a\": 1\n}\n{\n \"b\": \"}\"\n", sink);
  ASSERT_EQ(sink.events.size(), 1u);
  EXPECT_THAT(sink.diagnostics,
              ElementsAre("f.json:4: error: JSON object starting here is not "
                          "closed at end of file [events-truncated]"));
}

// Found by //tests/fuzz:events_fuzzer: a non-ASCII byte between objects
// was quoted raw, making the diagnostic invalid UTF-8 (protobuf refuses to
// parse it, so a gRPC client saw a broken reply).
TEST(JsonEventsTest, JunkByteBetweenObjectsIsNamedInHex) {
  CollectingSink sink;
  ReadStats stats =
      Read("{\n \"a\": 1\n}\n\xa0\xa0\n{\n \"b\": 2\n}\n", sink, 3);
  EXPECT_EQ(stats.events, 2);
  EXPECT_THAT(sink.diagnostics,
              ElementsAre("f.json:4: error: unexpected byte 0xa0 between JSON "
                          "objects; skipped [events-invalid-json]"));
  CollectingSink printable;
  Read("{\n \"a\": 1\n}\n}\n{\n \"b\": 2\n}\n", printable, 4);
  EXPECT_THAT(printable.diagnostics,
              ElementsAre("f.json:4: error: unexpected '}' between JSON "
                          "objects; skipped [events-invalid-json]"));
}

TEST(JsonEventsTest, DiagnosticsAreCappedPerFile) {
  CollectingSink sink;
  ReaderOptions options;
  options.max_diagnostics_per_file = 2;
  ReadStats stats = Read("x\ny\nz\nw\n{\"a\":1}\n", sink, 3, options);
  EXPECT_EQ(sink.events.size(), 1u);
  EXPECT_EQ(stats.bad_records, 4);
  ASSERT_EQ(sink.diagnostics.size(), 3u);
  EXPECT_EQ(sink.diagnostics[2],
            "f.json: warning: 2 more problems in this file not shown "
            "[events-more-problems]");
}

TEST(JsonEventsTest, ParseJsonEvent) {
  absl::StatusOr<Event> e = ParseJsonEvent(R"({"EventID": 4104})", "x", 9);
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e->record, 9);
  EXPECT_EQ(e->Find("eventid")->value, "4104");
  EXPECT_EQ(ParseJsonEvent("[1]").status().message(),
            "JSON value is not an object");
}

}  // namespace
}  // namespace cov::ingest::events
