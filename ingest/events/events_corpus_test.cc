// The event readers over the real recorded telemetry in ../shared/corpus:
// OTRF Security-Datasets (zipped JSON lines) and the SigmaHQ r2026-04-01
// regression tests (.evtx beside its evtx_dump .json).
#include <archive.h>
#include <archive_entry.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "ingest/base/diagnostics.h"
#include "ingest/events/reader.h"
#include "tests/corpus.h"

namespace cov::ingest::events {
namespace {

namespace fs = std::filesystem;

std::string Corpus(const std::string& rel) {
  absl::StatusOr<std::string> p = cov::testing::CorpusPath(rel);
  EXPECT_TRUE(p.ok()) << p.status();
  return p.ok() ? *p : std::string("/nonexistent");
}

std::vector<std::string> FilesEndingWith(const std::string& root,
                                         absl::string_view suffix) {
  std::vector<std::string> out;
  for (const auto& e : fs::recursive_directory_iterator(root)) {
    if (e.is_regular_file() && absl::EndsWith(e.path().string(), suffix)) {
      out.push_back(e.path().string());
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

// Counts per Channel value and keeps the diagnostics.
class ChannelSink : public EventSink {
 public:
  void OnEvent(const Event& e) override {
    const EventField* c = e.Find("Channel");
    ++channels[c == nullptr ? "<none>" : c->value];
    if (e.host.empty()) ++without_host;
    if (e.time_us == 0) ++without_time;
    if (e.Find("Provider_Name") == nullptr) ++without_provider;
  }
  void OnDiagnostic(const cov::v1::Diagnostic& d) override {
    diagnostics.push_back(FormatDiagnostic(d));
  }
  std::map<std::string, int64_t> channels;
  int64_t without_host = 0, without_time = 0, without_provider = 0;
  std::vector<std::string> diagnostics;
};

// Independent count: non-blank lines of the archive members whose first
// byte is '{' (libarchive only, no JSON parsing, none of the reader's code).
int64_t PlainJsonLineCount(const std::string& zip) {
  archive* a = archive_read_new();
  archive_read_support_format_zip(a);
  int64_t lines = 0;
  if (archive_read_open_filename(a, zip.c_str(), 1 << 16) == ARCHIVE_OK) {
    archive_entry* entry = nullptr;
    while (archive_read_next_header(a, &entry) == ARCHIVE_OK) {
      std::string data;
      char buf[1 << 16];
      la_ssize_t n;
      while ((n = archive_read_data(a, buf, sizeof(buf))) > 0) {
        data.append(buf, static_cast<size_t>(n));
      }
      if (data.empty() || data[0] != '{') continue;
      size_t start = 0;
      while (start < data.size()) {
        size_t end = data.find('\n', start);
        if (end == std::string::npos) end = data.size();
        if (data.find_first_not_of(" \t\r", start) < end) ++lines;
        start = end + 1;
      }
    }
  }
  archive_read_free(a);
  return lines;
}

TEST(SecurityDatasetsTest, AllZipsGiveEveryEventOnce) {
  const std::vector<std::string> zips =
      FilesEndingWith(Corpus("logs/security-datasets"), ".zip");
  ASSERT_EQ(zips.size(), 58u);  // 49 datasets; some have several zips
  ChannelSink sink;
  ReadStats stats;
  int64_t plain = 0;
  for (const std::string& z : zips) {
    ASSERT_TRUE(ReadEvents(z, ReaderOptions(), sink, &stats).ok());
    plain += PlainJsonLineCount(z);
  }
  // The README's 289,620 counts lines as Python's splitlines() does: one
  // blank line (schtask_create, line 547) and the 9 AppleDouble members
  // (one "line" each) are not events.
  EXPECT_EQ(plain, 289610);
  EXPECT_EQ(stats.events, plain);
  EXPECT_EQ(stats.bad_records, 0);
  EXPECT_EQ(stats.files, 57);
  EXPECT_EQ(stats.skipped_files, 10);
  // Per channel, as the corpus README counts them.
  EXPECT_EQ(sink.channels["Microsoft-Windows-Sysmon/Operational"], 217368);
  EXPECT_EQ(sink.channels["Security"], 27969);
  EXPECT_EQ(sink.channels["security"], 5981);
  EXPECT_EQ(sink.channels["Windows PowerShell"], 19770);
  EXPECT_EQ(sink.channels["Microsoft-Windows-PowerShell/Operational"], 17541);
  // Every event has a host (Hostname) and a provider (SourceName); 0 events
  // lack a time (@timestamp, else TimeCreated).
  EXPECT_EQ(sink.without_host, 0);
  EXPECT_EQ(sink.without_provider, 0);
  EXPECT_EQ(sink.without_time, 0);
  ASSERT_EQ(sink.diagnostics.size(), 10u);
  int apple = 0, pcap = 0;
  for (const std::string& d : sink.diagnostics) {
    if (absl::StrContains(d, ".zip!__MACOSX/._") &&
        absl::EndsWith(d,
                       ".json: warning: not an event log (.evtx, JSON or "
                       ".zip) but macOS AppleDouble metadata; skipped "
                       "[events-not-a-log]")) {
      ++apple;
    }
    if (absl::EndsWith(
            d,
            "discovery/network/empire_shell_samr_EnumDomainUsers.zip!"
            "empire_shell_samr_EnumDomainUsers_2020-09-21193527.cap: "
            "warning: not an event log (.evtx, JSON or .zip) but a packet "
            "capture (pcap); skipped [events-not-a-log]")) {
      ++pcap;
    }
  }
  EXPECT_EQ(apple, 9);
  EXPECT_EQ(pcap, 1);
}

struct Pinned {
  const char* zip;
  int64_t events;
};

TEST(SecurityDatasetsTest, PerDatasetCounts) {
  // Counted with python3 zipfile + json (non-blank lines of JSON members).
  const Pinned kPinned[] = {
      {"credential_access/host/cmd_sam_copy_esentutl.zip", 915},
      {"lateral_movement/host/schtask_create.zip", 1041},
      {"execution/host/psh_python_webserver.zip", 2395},
      {"defense_evasion/host/cmd_bitsadmin_download_psh_script.zip", 424},
  };
  for (const Pinned& p : kPinned) {
    const std::string zip = Corpus(
        absl::StrCat("logs/security-datasets/datasets/atomic/windows/", p.zip));
    ChannelSink sink;
    ReadStats stats;
    ASSERT_TRUE(ReadEvents(zip, ReaderOptions(), sink, &stats).ok());
    EXPECT_EQ(stats.events, p.events) << p.zip;
    EXPECT_EQ(PlainJsonLineCount(zip), p.events) << p.zip;
  }
}

// Keeps copies of the events.
class KeepSink : public EventSink {
 public:
  void OnEvent(const Event& e) override { events.push_back(e); }
  void OnDiagnostic(const cov::v1::Diagnostic& d) override {
    diagnostics.push_back(FormatDiagnostic(d));
  }
  std::vector<Event> events;
  std::vector<std::string> diagnostics;
};

std::map<std::string, std::string> FieldMap(const Event& e) {
  std::map<std::string, std::string> m;
  for (const EventField& f : e.fields) {
    m[f.name] = f.is_null ? "<null>" : f.value;
  }
  return m;
}

// "name: evtx value | json value" for every field that differs.
std::vector<std::string> Differences(const Event& x, const Event& y) {
  std::map<std::string, std::string> a = FieldMap(x), b = FieldMap(y);
  std::vector<std::string> out;
  for (const auto& [name, value] : a) {
    auto it = b.find(name);
    const std::string other = it == b.end() ? "<absent>" : it->second;
    if (other != value) out.push_back(name + ": " + value + " | " + other);
  }
  for (const auto& [name, value] : b) {
    if (a.count(name) == 0) out.push_back(name + ": <absent> | " + value);
  }
  return out;
}

TEST(RegressionDataTest, EvtxAndItsEvtxDumpJsonGiveTheSameEvents) {
  const std::vector<std::string> evtx =
      FilesEndingWith(Corpus("sigma/sigmahq-r2026-04-01-regression"), ".evtx");
  ASSERT_EQ(evtx.size(), 169u);
  int64_t events = 0, compared_fields = 0, known_differences = 0;
  for (const std::string& path : evtx) {
    const std::string json = path.substr(0, path.size() - 5) + ".json";
    KeepSink a, b;
    ASSERT_TRUE(ReadEvents(path, ReaderOptions(), a).ok());
    ASSERT_TRUE(ReadEvents(json, ReaderOptions(), b).ok());
    EXPECT_THAT(a.diagnostics, ::testing::IsEmpty()) << path;
    EXPECT_THAT(b.diagnostics, ::testing::IsEmpty()) << json;
    ASSERT_EQ(a.events.size(), b.events.size()) << path;
    for (size_t i = 0; i < a.events.size(); ++i) {
      const Event& x = a.events[i];
      const Event& y = b.events[i];
      std::vector<std::string> diff = Differences(x, y);
      // The one place where the corpus' .json is not its .evtx: the .evtx
      // holds "Explorer.EXE" (strings -el shows it), the .json "Explorer.exe".
      if (absl::StrContains(path, "proc_creation_win_susp_right_to_left_")) {
        EXPECT_THAT(diff, ::testing::ElementsAre(
                              "ParentCommandLine: C:\\Windows\\Explorer.EXE | "
                              "C:\\Windows\\Explorer.exe"));
        ++known_differences;
        continue;
      }
      EXPECT_THAT(diff, ::testing::IsEmpty()) << path << " event " << i;
      EXPECT_EQ(x.time_us, y.time_us) << path;
      EXPECT_EQ(x.host, y.host) << path;
      EXPECT_NE(x.time_us, 0) << path;
      compared_fields += static_cast<int64_t>(x.fields.size());
    }
    events += static_cast<int64_t>(a.events.size());
  }
  EXPECT_EQ(events, 205);  // counted with python3 json over the .json files
  EXPECT_EQ(known_differences, 1);
  EXPECT_GT(compared_fields, 205 * 20);
}

TEST(RegressionDataTest, BitsadminDownloadRecord) {
  const std::string dir = Corpus(
      "sigma/sigmahq-r2026-04-01-regression/regression_data/rules/windows/"
      "process_creation/proc_creation_win_bitsadmin_download/");
  for (const char* ext : {".evtx", ".json"}) {
    KeepSink sink;
    ASSERT_TRUE(ReadEvents(dir + "d059842b-6b9d-4ed1-b5c3-5b89143c6ede" + ext,
                           ReaderOptions(), sink)
                    .ok());
    ASSERT_EQ(sink.events.size(), 1u) << ext;
    const Event& e = sink.events[0];
    EXPECT_EQ(e.Find("EventRecordID")->value, "18463");
    EXPECT_EQ(e.Find("EventID")->value, "1");
    EXPECT_EQ(e.Find("Channel")->value, "Microsoft-Windows-Sysmon/Operational");
    EXPECT_EQ(e.Find("Provider_Name")->value, "Microsoft-Windows-Sysmon");
    EXPECT_EQ(e.Find("Image")->value, "C:\\Windows\\System32\\bitsadmin.exe");
    EXPECT_EQ(e.Find("CommandLine")->value,
              "bitsadmin  /transfer n "
              "https://www.atomicredteam.io/atomic-red-team/atomics/"
              "T1218.011 hello.html");
    EXPECT_EQ(e.Find("TimeCreated")->value, "2025-12-10T04:33:20.562782Z");
    EXPECT_EQ(e.host, "swachchhanda");
    EXPECT_EQ(e.record, ext == std::string(".evtx") ? 18463 : 1);
    // 2025-12-10T04:33:20.562782Z
    EXPECT_EQ(e.time_us, int64_t{1765341200} * 1000000 + 562782);
  }
}

}  // namespace
}  // namespace cov::ingest::events
