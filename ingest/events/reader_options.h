// Options, sink and counters shared by every event reader (json_events.h,
// evtx_events.h, zip_events.h, reader.h).
//
// Readers stream: an event is handed to EventSink::OnEvent and its storage
// reused for the next one, so memory stays bounded by one record (one JSON
// line, one evtx record, one archive read buffer) whatever the log size;
// the only exception is a JSON file whose top level is an array, read whole
// up to `max_json_array_bytes`.
//
// Problems never stop a read: a broken record or line is reported through
// EventSink::OnDiagnostic (file = the path given, or "<archive>!<member>";
// line = the JSON line, the position of an evtx_dump object, or the evtx
// record number) and skipped; every other event is still delivered.
#ifndef COV_INGEST_EVENTS_READER_OPTIONS_H_
#define COV_INGEST_EVENTS_READER_OPTIONS_H_

#include <cstddef>
#include <cstdint>

#include "cov/v1/rules.pb.h"
#include "ingest/events/event.h"

namespace cov::ingest::events {

struct ReaderOptions {
  // Longer JSON lines (or evtx_dump objects) are reported
  // (events-line-too-long) and skipped without being buffered whole.
  // Default: 16 MiB.
  size_t max_line_bytes = size_t{16} << 20;
  // A JSON file whose top level is an array is parsed whole; larger ones are
  // reported (events-file-too-large) and not read. Default: 256 MiB.
  size_t max_json_array_bytes = size_t{256} << 20;
  // Zip bomb bounds: uncompressed bytes of one member, of all members of one
  // archive, and uncompressed/compressed ratio of a member (checked once a
  // member has produced more than 1 MiB). Reading a member stops at the
  // first bound crossed (events-zip-bomb); the events read before it are
  // kept. The ratio is uncompressed bytes over compressed bytes consumed
  // plus 64 KiB (libarchive reads ahead by that much); real logs reach ~60
  // (Security-Datasets), a deflate bomb ~1000. Defaults: 1 GiB, 8 GiB, 200.
  uint64_t max_member_bytes = uint64_t{1} << 30;
  uint64_t max_archive_bytes = uint64_t{8} << 30;
  double max_compression_ratio = 200;
  // An .evtx archive member is copied to a temporary file for libevtx
  // (which reads only from paths); larger ones are reported and skipped.
  // Default: 1 GiB.
  uint64_t max_evtx_member_bytes = uint64_t{1} << 30;
  // Records of one .evtx file that libevtx cannot read or render; after this
  // many the rest of the file is abandoned (events-evtx-damaged). Debian's
  // libevtx 20181227 leaks up to ~1 KiB on some damaged records (the binary
  // XML of a record that ends inside an element), so this also bounds what a
  // hostile file can leak. Real damaged logs have a handful. Default: 1,000.
  int64_t max_damaged_evtx_records = 1000;
  // Diagnostics reported per file; further ones are counted and summed up
  // in one last diagnostic (events-more-problems). Default: 100.
  size_t max_diagnostics_per_file = 100;
};

// Receives what a reader finds. Called from the reading thread only.
class EventSink {
 public:
  virtual ~EventSink() = default;
  // One event. `event` is valid only during the call (copy what you keep).
  virtual void OnEvent(const Event& event) = 0;
  // One problem; printed with cov::ingest::FormatDiagnostic it reads
  // "file:line: error: message [code]".
  virtual void OnDiagnostic(const cov::v1::Diagnostic& diagnostic) = 0;
};

// What a read found. Counts are exact whatever the diagnostics cap.
struct ReadStats {
  int64_t files = 0;          // event-log files and archive members read
  int64_t skipped_files = 0;  // files or members that are not event logs
  int64_t events = 0;         // events delivered
  int64_t bad_records = 0;    // records or lines reported and skipped
  int64_t bytes = 0;          // bytes of event data read (uncompressed)
  int64_t diagnostics = 0;    // problems found (reported or not)
};

}  // namespace cov::ingest::events

#endif  // COV_INGEST_EVENTS_READER_OPTIONS_H_
