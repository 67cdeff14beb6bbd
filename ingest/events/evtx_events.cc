#include "ingest/events/evtx_events.h"

#include <cstdint>
#include <fstream>
#include <string>
#include <system_error>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "ingest/events/internal/event_builder.h"
#include "ingest/events/internal/evtx_xml.h"
#include "ingest/events/internal/report.h"

// Debian's libevtx.h includes <libbfio.h> (not shipped in -dev) when
// LIBEVTX_HAVE_BFIO is set; we open files by path and need none of it.
#include <libevtx/features.h>
#undef LIBEVTX_HAVE_BFIO
#include <libevtx.h>

namespace cov::ingest::events {
namespace {

constexpr uint64_t kHeaderBytes = 4096;
constexpr uint64_t kChunkBytes = 65536;

// The innermost (most specific) line of a libevtx error, freed.
std::string TakeError(libevtx_error_t** error) {
  if (error == nullptr || *error == nullptr) return "unknown libevtx error";
  char buf[2048];
  buf[0] = '\0';
  libevtx_error_backtrace_sprint(*error, buf, sizeof(buf));
  libevtx_error_free(error);
  std::string last;
  for (absl::string_view line : absl::StrSplit(buf, '\n')) {
    if (!line.empty()) last = std::string(line);
  }
  while (!last.empty() && (last.back() == '.' || last.back() == ' ')) {
    last.pop_back();
  }
  return last.empty() ? "unknown libevtx error" : last;
}

class EvtxFile {
 public:
  EvtxFile() { libevtx_file_initialize(&file_, nullptr); }
  ~EvtxFile() {
    if (open_) libevtx_file_close(file_, nullptr);
    libevtx_file_free(&file_, nullptr);
  }
  EvtxFile(const EvtxFile&) = delete;
  EvtxFile& operator=(const EvtxFile&) = delete;

  bool Open(const std::string& path, std::string* error) {
    libevtx_error_t* err = nullptr;
    if (file_ == nullptr) {
      *error = "libevtx cannot allocate a file handle";
      return false;
    }
    if (libevtx_file_open(file_, path.c_str(), LIBEVTX_OPEN_READ, &err) != 1) {
      *error = TakeError(&err);
      return false;
    }
    open_ = true;
    return true;
  }
  libevtx_file_t* get() { return file_; }

 private:
  libevtx_file_t* file_ = nullptr;
  bool open_ = false;
};

class Record {
 public:
  ~Record() {
    if (r_ != nullptr) libevtx_record_free(&r_, nullptr);
  }
  libevtx_record_t** out() { return &r_; }
  libevtx_record_t* get() { return r_; }

 private:
  libevtx_record_t* r_ = nullptr;
};

// Chunks the header announces and the file's size, to tell truncation.
bool CheckTruncated(const std::string& path, internal::FileReport& report) {
  std::ifstream in(path, std::ios::binary);
  unsigned char header[48] = {};
  if (!in.read(reinterpret_cast<char*>(header), sizeof(header))) return false;
  in.seekg(0, std::ios::end);
  const uint64_t size = static_cast<uint64_t>(in.tellg());
  const uint64_t chunks = header[42] | (uint64_t{header[43]} << 8);
  const uint64_t want = kHeaderBytes + chunks * kChunkBytes;
  if (size < want) {
    report.Report(
        cov::v1::SEVERITY_ERROR, 0, "events-evtx-truncated",
        absl::StrCat("file is truncated: ", size,
                     " bytes, its header announces ", chunks, " chunks (", want,
                     " bytes); records of the missing part are "
                     "lost"));
    return true;
  }
  return false;
}

}  // namespace

void ReadEvtxFile(const std::string& path, absl::string_view file,
                  const ReaderOptions& options, EventSink& sink,
                  ReadStats& stats) {
  internal::FileReport report(file, options, sink, stats);
  ++stats.files;
  {
    std::ifstream in(path, std::ios::binary | std::ios::ate);
    if (in) stats.bytes += static_cast<int64_t>(in.tellg());
  }
  EvtxFile evtx;
  std::string error;
  if (!evtx.Open(path, &error)) {
    report.BadRecord(0, "events-evtx-open",
                     absl::StrCat("libevtx cannot open the file: ", error));
    return;
  }
  const bool truncated = CheckTruncated(path, report);
  libevtx_error_t* err = nullptr;
  if (!truncated && libevtx_file_is_corrupted(evtx.get(), &err) == 1) {
    report.Report(cov::v1::SEVERITY_WARNING, 0, "events-evtx-corrupted",
                  "libevtx found damaged chunks (bad checksums); records it "
                  "could not read are lost");
  }
  if (err != nullptr) libevtx_error_free(&err);
  int count = 0;
  if (libevtx_file_get_number_of_records(evtx.get(), &count, &err) != 1) {
    report.BadRecord(0, "events-evtx-record",
                     absl::StrCat("cannot count records: ", TakeError(&err)));
    return;
  }
  internal::EventBuilder builder;
  std::string xml;
  std::vector<std::string> replaced;
  int64_t damaged = 0;
  for (int i = 0; i < count; ++i) {
    if (damaged >= options.max_damaged_evtx_records) {
      report.BadRecord(
          i + 1, "events-evtx-damaged",
          absl::StrCat(damaged, " damaged records; the remaining ", count - i,
                       " records of the file are not read"));
      return;
    }
    Record record;
    if (libevtx_file_get_record_by_index(evtx.get(), i, record.out(), &err) !=
        1) {
      ++damaged;
      report.BadRecord(
          i + 1, "events-evtx-record",
          absl::StrCat("record ", i + 1, " cannot be read: ", TakeError(&err)));
      continue;
    }
    uint64_t id = 0;
    int64_t number = i + 1;
    if (libevtx_record_get_identifier(record.get(), &id, &err) == 1) {
      number = static_cast<int64_t>(id);
    } else if (err != nullptr) {
      libevtx_error_free(&err);
    }
    size_t size = 0;
    if (libevtx_record_get_utf8_xml_string_size(record.get(), &size, &err) !=
            1 ||
        size == 0) {
      ++damaged;
      report.BadRecord(number, "events-evtx-record",
                       absl::StrCat("record ", number,
                                    " cannot be rendered: ", TakeError(&err)));
      continue;
    }
    xml.resize(size);
    if (libevtx_record_get_utf8_xml_string(
            record.get(), reinterpret_cast<uint8_t*>(xml.data()), size, &err) !=
        1) {
      ++damaged;
      report.BadRecord(number, "events-evtx-record",
                       absl::StrCat("record ", number,
                                    " cannot be rendered: ", TakeError(&err)));
      continue;
    }
    xml.resize(size - 1);  // the terminating NUL
    builder.Reset(file, number);
    replaced.clear();
    if (absl::Status s = internal::EvtxXmlToEvent(xml, builder, &replaced);
        !s.ok()) {
      report.BadRecord(
          number, "events-evtx-xml",
          absl::StrCat("record ", number, ": ", s.message(), "; skipped"));
      continue;
    }
    // The record header's identifier can differ from System/EventRecordID
    // (re-exported logs number records from 1); event.h names the latter.
    if (const EventField* f = builder.Find("EventRecordID"); f != nullptr) {
      int64_t v = 0;
      if (absl::SimpleAtoi(f->value, &v)) builder.event().record = number = v;
    }
    if (!replaced.empty()) {
      report.Report(
          cov::v1::SEVERITY_WARNING, number, "events-evtx-invalid-utf16",
          absl::StrCat("record ", number,
                       ": invalid UTF-16 replaced by U+FFFD in ",
                       absl::StrJoin(replaced, ", "), "; event kept"));
    }
    report.Event(builder.event());
  }
}

}  // namespace cov::ingest::events
