// Hostile and odd inputs through ReadEvents: truncated and damaged .evtx,
// invalid UTF-16, zip bombs, huge lines, files that are not event logs,
// folders mixing all of them. Each gives its exact diagnostic and loses
// nothing else. Real .evtx records come from ../shared/corpus; archives are
// written here with libarchive.
#include <archive.h>
#include <archive_entry.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "ingest/events/internal/test_sink.h"
#include "ingest/events/reader.h"
#include "tests/corpus.h"
#include "tests/temp_dir.h"

namespace cov::ingest::events {
namespace {

namespace fs = std::filesystem;
using internal::CollectingSink;
using ::testing::ElementsAre;
using ::testing::MatchesRegex;

constexpr char kBits[] =
    "sigma/sigmahq-r2026-04-01-regression/regression_data/rules/windows/"
    "process_creation/proc_creation_win_bitsadmin_download/"
    "d059842b-6b9d-4ed1-b5c3-5b89143c6ede.evtx";
constexpr char kWhoami[] =
    "sigma/sigmahq-r2026-04-01-regression/regression_data/rules/windows/"
    "image_load/";

std::string ReadCorpus(const std::string& rel) {
  absl::StatusOr<std::string> p = cov::testing::CorpusPath(rel);
  EXPECT_TRUE(p.ok()) << p.status();
  if (!p.ok()) return "";
  absl::StatusOr<std::string> data = cov::testing::ReadFileToString(*p);
  EXPECT_TRUE(data.ok()) << data.status();
  return data.ok() ? *data : "";
}

// The first .evtx below corpus folder `rel` other than `not_this`.
std::string AnotherEvtx(const std::string& rel) {
  absl::StatusOr<std::string> p = cov::testing::CorpusPath(rel);
  if (!p.ok()) return "";
  std::vector<std::string> all;
  for (const auto& e : fs::recursive_directory_iterator(*p)) {
    if (e.path().extension() == ".evtx") all.push_back(e.path().string());
  }
  std::sort(all.begin(), all.end());
  if (all.empty()) return "";
  absl::StatusOr<std::string> data = cov::testing::ReadFileToString(all[0]);
  return data.ok() ? *data : "";
}

// A fresh, empty scratch folder (tests/temp_dir.h) named after the test.
std::string FreshTestDir() {
  const ::testing::TestInfo* t =
      ::testing::UnitTest::GetInstance()->current_test_info();
  return cov::testing::FreshTempDir(
      absl::StrCat("events_hostile_", t->test_suite_name(), "_", t->name()));
}

// Writes `data` to `dir`/`rel`, creating folders; returns the file's path.
std::string WriteUnder(const std::string& dir, const std::string& rel,
                       const std::string& data) {
  const fs::path p = fs::path(dir) / rel;
  fs::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << data;
  return p.string();
}

uint32_t Crc32(const std::string& data, size_t begin, size_t end) {
  uint32_t crc = 0xFFFFFFFFu;
  for (size_t i = begin; i < end; ++i) {
    crc ^= static_cast<unsigned char>(data[i]);
    for (int k = 0; k < 8; ++k) crc = (crc >> 1) ^ (0xEDB88320u & -(crc & 1));
  }
  return ~crc;
}

void Put32(std::string& d, size_t at, uint32_t v) {
  for (int i = 0; i < 4; ++i) d[at + i] = static_cast<char>(v >> (8 * i));
}

uint32_t Get32(const std::string& d, size_t at) {
  uint32_t v = 0;
  for (int i = 3; i >= 0; --i) {
    v = (v << 8) | static_cast<unsigned char>(d[at + i]);
  }
  return v;
}

// Recomputes the checksums of the file header and of chunk `c` the way
// the evtx format defines them (libevtx checks them).
void FixChecksums(std::string& d, int chunks) {
  Put32(d, 124, Crc32(d, 0, 120));
  for (int c = 0; c < chunks; ++c) {
    const size_t at = 4096 + static_cast<size_t>(c) * 65536;
    const uint32_t free_offset = Get32(d, at + 48);
    Put32(d, at + 52, Crc32(d, at + 512, at + free_offset));
    std::string header = d.substr(at, 120) + d.substr(at + 128, 384);
    Put32(d, at + 124, Crc32(header, 0, header.size()));
  }
}

TEST(EvtxHostileTest, TruncatedSingleChunkFile) {
  const std::string evtx = ReadCorpus(kBits);
  ASSERT_EQ(evtx.size(), 69632u);
  const std::string dir = FreshTestDir();
  const std::string path = WriteUnder(dir, "cut.evtx", evtx.substr(0, 5096));
  CollectingSink sink;
  ASSERT_TRUE(ReadEvents(path, ReaderOptions(), sink).ok());
  EXPECT_TRUE(sink.events.empty());
  EXPECT_THAT(sink.diagnostics,
              ElementsAre(absl::StrCat(
                  path,
                  ": error: file is truncated: 5096 bytes, its header "
                  "announces 1 chunks (69632 bytes); records of the missing "
                  "part are lost [events-evtx-truncated]")));
}

TEST(EvtxHostileTest, TruncatedSecondChunkKeepsTheFirst) {
  // Two real chunks behind one header announcing both.
  const std::string a = ReadCorpus(kBits);
  const std::string b = AnotherEvtx(kWhoami);
  ASSERT_EQ(a.size(), 69632u);
  ASSERT_EQ(b.size(), 69632u);
  std::string two = a + b.substr(4096);
  two[16] = 1;  // last chunk number
  two[42] = 2;  // number of chunks
  FixChecksums(two, 2);
  const std::string dir = FreshTestDir();
  const std::string whole = WriteUnder(dir, "two.evtx", two);
  CollectingSink all;
  ASSERT_TRUE(ReadEvents(whole, ReaderOptions(), all).ok());
  EXPECT_THAT(all.diagnostics, ::testing::IsEmpty());
  ASSERT_EQ(all.events.size(), 2u);
  EXPECT_EQ(all.Value(0, "Image"), "C:\\Windows\\System32\\bitsadmin.exe");

  const std::string cut = WriteUnder(dir, "cut.evtx", two.substr(0, 100000));
  CollectingSink sink;
  ASSERT_TRUE(ReadEvents(cut, ReaderOptions(), sink).ok());
  ASSERT_EQ(sink.events.size(), 1u);
  EXPECT_EQ(sink.events[0].record, 18463);
  EXPECT_EQ(sink.Value(0, "Image"), "C:\\Windows\\System32\\bitsadmin.exe");
  EXPECT_THAT(sink.diagnostics,
              ElementsAre(absl::StrCat(
                  cut,
                  ": error: file is truncated: 100000 bytes, its header "
                  "announces 2 chunks (135168 bytes); records of the "
                  "missing part are lost [events-evtx-truncated]")));
}

TEST(EvtxHostileTest, InvalidUtf16IsReportedAndTheEventKept) {
  std::string evtx = ReadCorpus(kBits);
  const std::u16string needle = u"System32\\bitsadmin.exe";
  const std::string utf16(reinterpret_cast<const char*>(needle.data()),
                          needle.size() * 2);
  const size_t at = evtx.find(utf16);
  ASSERT_NE(at, std::string::npos);
  evtx[at + 18] = '\x00';  // 'b' of bitsadmin -> lone high surrogate D800
  evtx[at + 19] = '\xD8';
  FixChecksums(evtx, 1);
  const std::string dir = FreshTestDir();
  const std::string path = WriteUnder(dir, "bad16.evtx", evtx);
  CollectingSink sink;
  ASSERT_TRUE(ReadEvents(path, ReaderOptions(), sink).ok());
  ASSERT_EQ(sink.events.size(), 1u);
  // libevtx takes the next unit ('i') as the (invalid) low surrogate: one
  // U+FFFD for both.
  EXPECT_EQ(sink.Value(0, "Image"),
            "C:\\Windows\\System32\\\xEF\xBF\xBDtsadmin.exe");
  EXPECT_EQ(sink.Value(0, "EventID"), "1");
  EXPECT_THAT(sink.diagnostics,
              ElementsAre(absl::StrCat(
                  path,
                  ":18463: warning: record 18463: invalid UTF-16 replaced "
                  "by U+FFFD in Image; event kept "
                  "[events-evtx-invalid-utf16]")));
}

TEST(EvtxHostileTest, NotAnEvtxBehindTheMagic) {
  const std::string dir = FreshTestDir();
  const std::string path = WriteUnder(
      dir, "fake.evtx", std::string("ElfFile\0", 8) + std::string(100, 'x'));
  CollectingSink sink;
  ASSERT_TRUE(ReadEvents(path, ReaderOptions(), sink).ok());
  EXPECT_TRUE(sink.events.empty());
  ASSERT_EQ(sink.diagnostics.size(), 1u);
  EXPECT_THAT(sink.diagnostics[0],
              MatchesRegex(".*fake\\.evtx: error: libevtx cannot open the "
                           "file: .* \\[events-evtx-open\\]"));
}

constexpr char kRedSun[] =
    "sigma/sigmahq-r2026-04-01-regression/regression_data/"
    "rules-emerging-threats/2026/Exploits/RedSun/"
    "win_defender_exploit_redsun_tiering_engine_detected_as_eicar/"
    "a7c3e5f2-8b1d-4e9a-b6c2-3d7f5e8a9b4c.evtx";

// The RedSun record with its binary XML cut inside an element: the
// close-start-element token (0x02) at 0x13E6 and the byte before it swap,
// so an end-of-stream token (0x00) follows. Found by the events fuzzer:
// libevtx 20181227 fails on it and leaks the element it was building
// (tests/fuzz/lsan.supp).
std::string DamagedRedSun() {
  std::string evtx = ReadCorpus(kRedSun);
  EXPECT_EQ(evtx.size(), 69632u);
  if (evtx.size() != 69632u) return evtx;
  EXPECT_EQ(evtx.substr(0x13E5, 3), std::string("\x00\x02\x0e", 3));
  evtx[0x13E5] = '\x02';
  evtx[0x13E6] = '\x00';
  FixChecksums(evtx, 1);
  return evtx;
}

TEST(EvtxHostileTest, DamagedRecordIsReportedAndTheFileGoesOn) {
  const std::string dir = FreshTestDir();
  const std::string path = WriteUnder(dir, "damaged.evtx", DamagedRedSun());
  CollectingSink sink;
  ReadStats stats;
  ASSERT_TRUE(ReadEvents(path, ReaderOptions(), sink, &stats).ok());
  EXPECT_TRUE(sink.events.empty());
  EXPECT_EQ(stats.files, 1);
  EXPECT_EQ(stats.bad_records, 1);
  ASSERT_EQ(sink.diagnostics.size(), 1u);
  EXPECT_THAT(sink.diagnostics[0],
              MatchesRegex(".*damaged\\.evtx:1: error: record 1 cannot be "
                           "read: .+ \\[events-evtx-record\\]"));
}

TEST(EvtxHostileTest, DamagedRecordsAreBoundedPerFile) {
  // Two damaged chunks behind one header: with a bound of 1 the second
  // record is not read.
  const std::string one = DamagedRedSun();
  ASSERT_EQ(one.size(), 69632u);
  std::string two = one + one.substr(4096);
  two[16] = 1;  // last chunk number
  two[42] = 2;  // number of chunks
  FixChecksums(two, 2);
  const std::string dir = FreshTestDir();
  const std::string path = WriteUnder(dir, "two.evtx", two);
  CollectingSink all;
  ReadStats all_stats;
  ASSERT_TRUE(ReadEvents(path, ReaderOptions(), all, &all_stats).ok());
  EXPECT_EQ(all_stats.bad_records, 2);
  ReaderOptions options;
  options.max_damaged_evtx_records = 1;
  CollectingSink sink;
  ReadStats stats;
  ASSERT_TRUE(ReadEvents(path, options, sink, &stats).ok());
  EXPECT_TRUE(sink.events.empty());
  EXPECT_EQ(stats.bad_records, 2);  // the damaged one, and the abandoned rest
  ASSERT_EQ(sink.diagnostics.size(), 2u);
  EXPECT_EQ(sink.diagnostics[1],
            absl::StrCat(path,
                         ":2: error: 1 damaged records; the remaining 1 "
                         "records of the file are not read "
                         "[events-evtx-damaged]"));
}

struct Member {
  std::string name;
  std::string data;
  bool declare_size = true;
};

std::string WriteZip(const std::string& dir, const std::string& rel,
                     const std::vector<Member>& members) {
  const std::string path = (fs::path(dir) / rel).string();
  fs::create_directories(fs::path(path).parent_path());
  archive* a = archive_write_new();
  archive_write_set_format_zip(a);
  archive_write_open_filename(a, path.c_str());
  for (const Member& m : members) {
    archive_entry* e = archive_entry_new();
    archive_entry_set_pathname(e, m.name.c_str());
    archive_entry_set_filetype(e, AE_IFREG);
    archive_entry_set_perm(e, 0644);
    if (m.declare_size) archive_entry_set_size(e, m.data.size());
    archive_write_header(a, e);
    archive_write_data(a, m.data.data(), m.data.size());
    archive_entry_free(e);
  }
  archive_write_close(a);
  archive_write_free(a);
  return path;
}

std::string Lines(int n) {
  std::string s;
  for (int i = 0; i < n; ++i) s += "{\"EventID\":4688}\n";
  return s;
}

TEST(ZipHostileTest, MemberDeclaredTooLargeIsSkipped) {
  const std::string dir = FreshTestDir();
  const std::string zip = WriteZip(dir, "big.zip",
                                   {{"big.json", Lines(1 << 20)},  // 17 MiB
                                    {"after.json", Lines(3)}});
  ReaderOptions options;
  options.max_member_bytes = 8 << 20;
  CollectingSink sink;
  ReadStats stats;
  ASSERT_TRUE(ReadEvents(zip, options, sink, &stats).ok());
  EXPECT_EQ(stats.events, 3);
  EXPECT_THAT(sink.diagnostics,
              ElementsAre(absl::StrCat(
                  zip,
                  "!big.json: error: member declares 17825792 bytes "
                  "uncompressed, more than the bound of 8388608; skipped "
                  "[events-zip-bomb]")));
}

TEST(ZipHostileTest, BombStopsAtTheRatioAndTheNextMemberIsRead) {
  const std::string dir = FreshTestDir();
  // 64 MiB of one repeated line: deflate squeezes it about 1000 times. Its
  // sizes are in the header, so libarchive skips its rest without inflating.
  const std::string zip =
      WriteZip(dir, "bomb.zip",
               {{"bomb.json", Lines(4 << 20)}, {"after.json", Lines(2)}});
  ASSERT_LT(fs::file_size(zip), 1u << 20);
  CollectingSink sink;
  ReadStats stats;
  ASSERT_TRUE(ReadEvents(zip, ReaderOptions(), sink, &stats).ok());
  ASSERT_EQ(sink.diagnostics.size(), 1u);
  EXPECT_THAT(sink.diagnostics[0],
              MatchesRegex(".*bomb\\.zip!bomb\\.json: error: member expands "
                           "more than 200 times \\([0-9]+ bytes from about "
                           "[0-9]+ compressed\\); rest not read "
                           "\\[events-zip-bomb\\]"));
  // The lines before the bound were delivered, far fewer than 4 Mi, and
  // both lines of the next member.
  EXPECT_GT(stats.events, 2);
  EXPECT_LT(stats.events, 4 << 20);
  EXPECT_EQ(sink.events.back().file, zip + "!after.json");
  EXPECT_EQ(sink.events.back().record, 2);
}

TEST(ZipHostileTest, StreamedBombStopsTheArchive) {
  // The same bomb written as a stream (sizes only in the trailing data
  // descriptor): skipping its rest would mean inflating all 64 MiB, so the
  // archive stops there and says so.
  const std::string dir = FreshTestDir();
  const std::string zip = WriteZip(
      dir, "bomb.zip",
      {{"bomb.json", Lines(4 << 20), false}, {"after.json", Lines(2)}});
  CollectingSink sink;
  ReadStats stats;
  ASSERT_TRUE(ReadEvents(zip, ReaderOptions(), sink, &stats).ok());
  ASSERT_EQ(sink.diagnostics.size(), 1u);
  EXPECT_THAT(sink.diagnostics[0],
              MatchesRegex(".*bomb\\.zip!bomb\\.json: error: member expands "
                           "more than 200 times \\([0-9]+ bytes from about "
                           "[0-9]+ compressed\\); rest not read; the "
                           "archive's later members are not read either \\(a "
                           "streamed member can be skipped only by inflating "
                           "it\\) \\[events-zip-bomb\\]"));
  EXPECT_GT(stats.events, 2);
  EXPECT_LT(stats.events, 4 << 20);
  EXPECT_NE(sink.events.back().file, zip + "!after.json");
}

TEST(ZipHostileTest, StreamedMemberThatIsNotALogIsDrainedUnderTheBounds) {
  // 64 MiB of NUL bytes, streamed: not a log, and a bomb. Before, libarchive
  // inflated all of it to skip it; now the drain stops at the ratio bound.
  const std::string dir = FreshTestDir();
  const std::string zip =
      WriteZip(dir, "zeros.zip",
               {{"zeros.bin", std::string(64 << 20, '\0'), false},
                {"after.json", Lines(2)}});
  CollectingSink sink;
  ReadStats stats;
  ASSERT_TRUE(ReadEvents(zip, ReaderOptions(), sink, &stats).ok());
  ASSERT_EQ(sink.diagnostics.size(), 2u);
  EXPECT_EQ(sink.diagnostics[0],
            absl::StrCat(zip,
                         "!zeros.bin: warning: not an event log (.evtx, JSON "
                         "or .zip) but binary data; skipped "
                         "[events-not-a-log]"));
  EXPECT_THAT(sink.diagnostics[1],
              MatchesRegex(".*zeros\\.zip!zeros\\.bin: error: member expands "
                           "more than 200 times .*\\[events-zip-bomb\\]"));
  EXPECT_EQ(stats.events, 0);
}

TEST(ZipHostileTest, StreamedMemberThatIsNotALogIsSkippedAndTheNextRead) {
  // An ordinary streamed non-log member (random bytes barely compress) is
  // drained and the next member is read, as macOS Archive Utility's
  // AppleDouble members in Security-Datasets' zips are.
  const std::string dir = FreshTestDir();
  std::string noise(1 << 20, '\0');
  uint32_t x = 2463534242u;
  for (char& c : noise) {
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    c = static_cast<char>(x);
  }
  const std::string zip =
      WriteZip(dir, "noise.zip",
               {{"noise.bin", noise, false}, {"after.json", Lines(2)}});
  CollectingSink sink;
  ReadStats stats;
  ASSERT_TRUE(ReadEvents(zip, ReaderOptions(), sink, &stats).ok());
  EXPECT_THAT(sink.diagnostics,
              ElementsAre(absl::StrCat(zip,
                                       "!noise.bin: warning: not an event log "
                                       "(.evtx, JSON or .zip) but binary "
                                       "data; skipped [events-not-a-log]")));
  EXPECT_EQ(stats.events, 2);
  EXPECT_EQ(sink.events.back().file, zip + "!after.json");
}

TEST(ZipHostileTest, ArchiveTotalBound) {
  const std::string dir = FreshTestDir();
  const std::string zip = WriteZip(
      dir, "total.zip",
      {{"a.json", Lines(40000)}, {"b.json", Lines(40000)}});  // 680 KB each
  ReaderOptions options;
  options.max_archive_bytes = 1 << 20;
  CollectingSink sink;
  ReadStats stats;
  ASSERT_TRUE(ReadEvents(zip, options, sink, &stats).ok());
  ASSERT_EQ(sink.diagnostics.size(), 1u);
  EXPECT_EQ(sink.diagnostics[0],
            absl::StrCat(zip,
                         "!b.json: error: archive exceeds 1048576 bytes "
                         "uncompressed; rest not read [events-zip-bomb]"));
  EXPECT_GE(stats.events, 40000);
  EXPECT_LT(stats.events, 80000);
}

TEST(ZipHostileTest, EmptyArchiveIsReported) {
  // The fuzzer's 4 bytes (an end-of-central-directory signature alone) and a
  // well-formed archive without members.
  const std::string dir = FreshTestDir();
  const std::string sig =
      WriteUnder(dir, "sig.zip", std::string("PK\x05\x06", 4));
  const std::string empty = WriteZip(dir, "empty.zip", {});
  for (const std::string& zip : {sig, empty}) {
    CollectingSink sink;
    ReadStats stats;
    ASSERT_TRUE(ReadEvents(zip, ReaderOptions(), sink, &stats).ok());
    EXPECT_EQ(stats.skipped_files, 1) << zip;
    EXPECT_EQ(stats.files, 0) << zip;
    EXPECT_THAT(sink.diagnostics,
                ElementsAre(absl::StrCat(zip,
                                         ": warning: the archive holds no "
                                         "files; skipped [events-zip-empty]")));
  }
}

TEST(ReaderHostileTest, FolderOfEverything) {
  const std::string dir = FreshTestDir();
  const std::string evtx = ReadCorpus(kBits);
  WriteUnder(dir, "a.json", "{\"EventID\":1}\n{\"EventID\":2}\n");
  WriteZip(dir, "sub/b.zip",
           {{"x/y.json", "{\"EventID\":3}\n"},
            {"trace.pcap", std::string("\xD4\xC3\xB2\xA1\x02\x00\x04\x00", 8)},
            {"log.evtx", evtx}});
  WriteUnder(dir, "c.pcap", std::string("\xD4\xC3\xB2\xA1\x02\x00\x04\x00", 8));
  WriteUnder(dir, "d.txt", "hello, not a log\n");
  WriteUnder(dir, "e.bin", std::string("\x01\x02\x03\x00\xFF", 5));
  WriteUnder(dir, "f.jsonl", "{\"EventID\":6}\nnot json\n{\"EventID\":7}\n");
  WriteUnder(dir, ".hidden/g.json", "{\"EventID\":99}\n");
  CollectingSink sink;
  ReadStats stats;
  ASSERT_TRUE(ReadEvents(dir, ReaderOptions(), sink, &stats).ok());
  std::vector<std::string> got;
  for (const Event& e : sink.events) {
    got.push_back(absl::StrCat(e.file.substr(dir.size() + 1), ":", e.record,
                               " ", e.Find("EventID")->value));
  }
  EXPECT_THAT(
      got, ElementsAre("a.json:1 1", "a.json:2 2", "f.jsonl:1 6", "f.jsonl:3 7",
                       "sub/b.zip!x/y.json:1 3", "sub/b.zip!log.evtx:18463 1"));
  const std::string p = dir + "/";
  EXPECT_THAT(
      sink.diagnostics,
      ElementsAre(
          p + "c.pcap: warning: not an event log (.evtx, JSON or .zip) but a "
              "packet capture (pcap); skipped [events-not-a-log]",
          p + "d.txt: warning: not an event log (.evtx, JSON or .zip) but "
              "text that is not JSON; skipped [events-not-a-log]",
          p + "e.bin: warning: not an event log (.evtx, JSON or .zip) but "
              "binary data; skipped [events-not-a-log]",
          p + "f.jsonl:2: error: invalid JSON: Problem while parsing an atom "
              "starting with the letter 'n' [events-invalid-json]",
          p + "sub/b.zip!trace.pcap: warning: not an event log (.evtx, JSON "
              "or .zip) but a packet capture (pcap); skipped "
              "[events-not-a-log]"));
  EXPECT_EQ(stats.events, 6);
  EXPECT_EQ(stats.files, 4);  // a.json, f.jsonl, y.json, log.evtx
  EXPECT_EQ(stats.skipped_files, 4);
  EXPECT_EQ(stats.bad_records, 1);
}

TEST(ReaderHostileTest, HugeLineInAFile) {
  const std::string dir = FreshTestDir();
  std::string data = "{\"EventID\":1}\n{\"x\":\"";
  data.append(size_t{64} << 20, 'a');
  data += "\"}\n{\"EventID\":3}\n";
  const std::string path = WriteUnder(dir, "huge.json", data);
  data.clear();
  ReaderOptions options;
  options.max_line_bytes = 1 << 20;
  CollectingSink sink;
  ASSERT_TRUE(ReadEvents(path, options, sink).ok());
  ASSERT_EQ(sink.events.size(), 2u);
  EXPECT_EQ(sink.events[1].record, 3);
  EXPECT_THAT(sink.diagnostics,
              ElementsAre(path + ":2: error: line longer than 1048576 bytes; "
                                 "skipped [events-line-too-long]"));
}

TEST(ReaderHostileTest, MissingPath) {
  CollectingSink sink;
  absl::Status s = ReadEvents("/nonexistent/logs", ReaderOptions(), sink);
  EXPECT_EQ(s.code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(s.message(), "no such file or folder: /nonexistent/logs");
}

}  // namespace
}  // namespace cov::ingest::events
