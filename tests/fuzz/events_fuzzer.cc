// libFuzzer target for the event-log readers (ingest/events/reader.h).
//
// The input is one file of any kind the reader accepts: flat JSON lines,
// evtx_dump JSON, a JSON array, a .zip of them, or an .evtx file. It is read
// through ReadEventFile (format told by content, as for a real file, via a
// memfd so libevtx and libarchive see a file) and, when it is JSON, also fed
// to a JsonEventReader in chunks of a size taken from the input. Besides
// crashes and sanitizer reports it checks what the headers promise: every
// diagnostic is well formed and survives a proto round trip (valid UTF-8),
// JSON diagnostic lines are within the input, counts add up, and chunking never
// changes the events or diagnostics of a JSON input.
#include <sys/mman.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "ingest/events/json_events.h"
#include "ingest/events/log_format.h"
#include "ingest/events/reader.h"
#include "tests/fuzz/fuzz_checks.h"

namespace fz = ::cov::tests::fuzz;
namespace ev = ::cov::ingest::events;

namespace {

class Collect : public ev::EventSink {
 public:
  void OnEvent(const ev::Event& e) override {
    std::string flat =
        absl::StrCat(e.file, "#", e.record, "@", e.time_us, "|", e.host);
    for (const ev::EventField& f : e.fields) {
      absl::StrAppend(&flat, "|", f.name, "=", f.is_null ? "<null>" : f.value);
    }
    events.push_back(std::move(flat));
  }
  void OnDiagnostic(const cov::v1::Diagnostic& d) override {
    fz::RequireDiagnostic(d, max_line);
    diagnostics.push_back(d.SerializeAsString());
  }
  int max_line = 0;
  std::vector<std::string> events;
  std::vector<std::string> diagnostics;
};

void RequireStats(const ev::ReadStats& s, const Collect& c) {
  COV_FUZZ_REQUIRE(s.events == static_cast<int64_t>(c.events.size()),
                   absl::StrCat("events counted ", s.events, " == delivered ",
                                c.events.size()));
  COV_FUZZ_REQUIRE(s.diagnostics >= static_cast<int64_t>(c.diagnostics.size()),
                   "diagnostics counted >= reported");
  COV_FUZZ_REQUIRE(s.bad_records <= s.diagnostics,
                   "bad records are diagnostics");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::string_view text(reinterpret_cast<const char*>(data), size);
  ev::ReaderOptions options;
  options.max_line_bytes = 4096;
  options.max_json_array_bytes = 1 << 16;

  // As a file, format told by content.
  const int fd = memfd_create("events", 0);
  COV_FUZZ_REQUIRE(fd >= 0, "memfd_create");
  size_t off = 0;
  while (off < size) {
    const ssize_t n = write(fd, data + off, size - off);
    COV_FUZZ_REQUIRE(n > 0, "write memfd");
    off += static_cast<size_t>(n);
  }
  const std::string path = absl::StrCat("/proc/self/fd/", fd);
  Collect file;
  file.max_line = 1 << 30;  // evtx records and zip members: not text lines
  ev::ReadStats file_stats;
  ev::ReadEventFile(path, "input", options, file, file_stats);
  close(fd);
  RequireStats(file_stats, file);
  COV_FUZZ_REQUIRE(file_stats.files + file_stats.skipped_files >= 1 ||
                       file_stats.bad_records >= 1,
                   "the file is read, skipped or reported");

  if (ev::DetectLogFormat(text.substr(0, 4096)) != ev::LogFormat::kJson) {
    return 0;
  }
  // JSON whole and in chunks: same events, same diagnostics.
  Collect whole;
  whole.max_line = fz::MaxLine(text);
  ev::ReadStats whole_stats;
  {
    ev::JsonEventReader r("input", options, whole, whole_stats);
    r.Feed(text);
    r.Finish();
  }
  RequireStats(whole_stats, whole);
  Collect chunked;
  chunked.max_line = whole.max_line;
  ev::ReadStats chunked_stats;
  const size_t chunk = size == 0 ? 1 : 1 + data[size - 1] % 61;
  {
    ev::JsonEventReader r("input", options, chunked, chunked_stats);
    for (size_t pos = 0; pos < size; pos += chunk) {
      r.Feed(text.substr(pos, chunk));
    }
    r.Finish();
  }
  COV_FUZZ_REQUIRE(chunked.events == whole.events,
                   absl::StrCat("chunks of ", chunk, " change the events"));
  COV_FUZZ_REQUIRE(
      chunked.diagnostics == whole.diagnostics,
      absl::StrCat("chunks of ", chunk, " change the diagnostics"));
  return 0;
}
