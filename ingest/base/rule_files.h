// Which files a rule format's parser reads when it walks a folder, from the
// one rule-format table both clients share (proto/rule_formats.txt, column
// "reads"). Every RuleParser::Accepts() answers through it.
//
//   if (ingest::FormatReads(cov::v1::RULE_FORMAT_YARA, "sets/apt.yar")) ...
#ifndef COV_INGEST_BASE_RULE_FILES_H_
#define COV_INGEST_BASE_RULE_FILES_H_

#include "absl/strings/string_view.h"
#include "cov/v1/rules.pb.h"

namespace cov::ingest {

// True when the extension of `path`'s file name (what follows its last dot,
// compared case-insensitively; a name starting with its only dot has none)
// is in `format`'s "reads" list. False for formats not in the table.
bool FormatReads(cov::v1::RuleFormat format, absl::string_view path);

}  // namespace cov::ingest

#endif  // COV_INGEST_BASE_RULE_FILES_H_
