#include "ingest/events/log_format.h"

#include <string>

#include "absl/strings/match.h"

namespace cov::ingest::events {

LogFormat DetectLogFormat(absl::string_view head) {
  if (absl::StartsWith(head, absl::string_view("ElfFile\0", 8))) {
    return LogFormat::kEvtx;
  }
  if (absl::StartsWith(head, "PK\x03\x04") ||
      absl::StartsWith(head, "PK\x05\x06")) {
    return LogFormat::kZip;
  }
  if (absl::StartsWith(head, "\xEF\xBB\xBF")) head.remove_prefix(3);
  for (char c : head) {
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') continue;
    return c == '{' || c == '[' ? LogFormat::kJson : LogFormat::kUnknown;
  }
  return LogFormat::kJson;
}

std::string DescribeContent(absl::string_view head) {
  if (absl::StartsWith(head, "\xD4\xC3\xB2\xA1") ||
      absl::StartsWith(head, "\xA1\xB2\xC3\xD4") ||
      absl::StartsWith(head, "\x4D\x3C\xB2\xA1") ||
      absl::StartsWith(head, "\xA1\xB2\x3C\x4D")) {
    return "a packet capture (pcap)";
  }
  if (absl::StartsWith(head, "\x0A\x0D\x0D\x0A")) {
    return "a packet capture (pcapng)";
  }
  if (absl::StartsWith(head, "\x1F\x8B")) return "gzip data";
  if (absl::StartsWith(head, "MZ")) return "a Windows executable";
  if (absl::StartsWith(head,
                       "\x7F"
                       "ELF"))
    return "an ELF executable";
  if (absl::StartsWith(head, absl::string_view("\x00\x05\x16\x07", 4))) {
    return "macOS AppleDouble metadata";
  }
  size_t control = 0;
  for (unsigned char c : head) {
    if (c < 0x20 && c != '\t' && c != '\r' && c != '\n') ++control;
  }
  return control > 0 ? "binary data" : "text that is not JSON";
}

}  // namespace cov::ingest::events
