// Reader of Windows XML Event Log files (.evtx) through Debian's libevtx
// (20181227): every record libevtx reads from the file's chunks is rendered
// to its event XML and turned into an Event. Records recovered from slack
// space are not read.
//
// Field names (the same the evtx_dump JSON shape gets, json_events.h):
// - System: each child by element name with its text (EventID, Version,
//   Level, Task, Opcode, Keywords, EventRecordID, Channel, Computer); each
//   attribute as "<element>_<attribute>" (Provider_Name, Provider_Guid,
//   Execution_ProcessID, Execution_ThreadID, Security_UserID,
//   EventID_Qualifiers, TimeCreated_SystemTime, Correlation_ActivityID);
//   TimeCreated = SystemTime as "YYYY-MM-DDTHH:MM:SS.ffffffZ"; an element
//   without text or attributes (<Correlation/>) is null.
// - EventData: <Data Name="N">v</Data> as N; unnamed Data values joined
//   with one space as "Data"; other children (Binary) by element name.
// - UserData: every leaf element by its name (attributes dropped).
// - Values as evtx_dump renders them (SigmaHQ's regression tooling reads
//   that): surrounding white space trimmed, hex numbers without libevtx's
//   zero padding (LogonId 0x3b5cb2, not 0x00000000003b5cb2), TimeCreated
//   and TimeCreated_SystemTime with six fraction digits. Empty values are
//   null. Event.record = System/EventRecordID (else
//   the record header's identifier); time_us from TimeCreated; host = Computer.
//
// Problems (diagnostics; `line` = the record identifier, or its 1-based
// index when the record cannot be read at all):
//   events-evtx-open (E)       libevtx cannot open the file (its reason)
//   events-evtx-truncated (E)  the file is shorter than the chunks its
//                              header announces: the records of the missing
//                              part are lost, the others are read
//   events-evtx-corrupted (W)  libevtx found damaged chunks (bad checksums)
//   events-evtx-record (E)     a record libevtx cannot read or render
//   events-evtx-xml (E)        a record whose XML is not well formed
//   events-evtx-invalid-utf16 (W) libevtx replaced invalid UTF-16 by U+FFFD
//                              in the named fields; the event is kept
//
// Memory: libevtx keeps one chunk (64 KiB) and one record's XML at a time.
// Not thread-safe per call; independent calls may run in parallel.
#ifndef COV_INGEST_EVENTS_EVTX_EVENTS_H_
#define COV_INGEST_EVENTS_EVTX_EVENTS_H_

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "ingest/events/reader_options.h"

namespace cov::ingest::events {

// Reads the .evtx file at `path`; events and diagnostics name it `file`
// (e.g. "<archive>!<member>" for an extracted member). Every problem,
// including a file libevtx cannot open, is reported as a diagnostic.
void ReadEvtxFile(const std::string& path, absl::string_view file,
                  const ReaderOptions& options, EventSink& sink,
                  ReadStats& stats);

}  // namespace cov::ingest::events

#endif  // COV_INGEST_EVENTS_EVTX_EVENTS_H_
