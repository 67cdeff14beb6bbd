// The interface every rule-format parser implements.
//
// Parsers are pure: bytes in, records out. They never touch the store, the
// network or the disk (the caller reads files). One parser per format lives
// in ingest/<format>/; the ingest driver walks a folder and calls Parse on
// each file, in parallel, so implementations must be thread-safe (const).
#ifndef COV_INGEST_BASE_RULE_PARSER_H_
#define COV_INGEST_BASE_RULE_PARSER_H_

#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "cov/v1/rules.pb.h"

namespace cov::ingest {

// One input file.
struct SourceFile {
  // Path relative to the source root, used in Rule.file and diagnostics.
  std::string path;
  // The file's bytes (not necessarily UTF-8).
  absl::string_view content;
  // Name of the rule source (Rule.source; part of Suricata/YARA uids).
  std::string source;
  // Fnv1a64Hex(content) when the caller has computed it already (the ingest
  // driver hashes every file it reads); empty: a parser that needs it
  // computes it. Default: empty.
  std::string content_hash;
};

// What a parser made of one file. Partial success is normal: rules that
// parsed are returned beside diagnostics for the parts that did not.
struct ParsedFile {
  std::vector<cov::v1::Rule> rules;
  std::vector<cov::v1::Diagnostic> diagnostics;
};

class RuleParser {
 public:
  virtual ~RuleParser() = default;

  // Parses one file. Never fails as a whole: problems become diagnostics.
  // ATT&CK references are extracted (raw, id, kind, line, origin) but left
  // REF_STATUS_UNSPECIFIED; resolution against a release happens later.
  // Thread-safe.
  virtual ParsedFile Parse(const SourceFile& file) const = 0;

  // The format this parser reads.
  virtual cov::v1::RuleFormat format() const = 0;

  // True when the parser wants to read this file (by name), e.g. Sigma
  // wants *.yml / *.yaml. Files it declines are skipped silently.
  virtual bool Accepts(absl::string_view path) const = 0;
};

}  // namespace cov::ingest

#endif  // COV_INGEST_BASE_RULE_PARSER_H_
