// Drops the text of long TOML strings a parser never reads before the TOML
// library sees the file. Elastic rules spend half their bytes on `note`
// (the investigation guide) and `setup`, multi-line strings toml++ decodes
// character by character; ElasticParser reads neither.
//
// The rewrite keeps every other byte, every line break and so every line and
// column of what follows, and is made only when it cannot change what toml++
// reports: the string must be a `key = """..."""` or `key = '''...'''` at the
// start of a top-level line, with content toml++ accepts (no control
// characters but tab and line breaks; after a backslash only one of
// b t n f r " and backslash, or blanks up to the line break; no lone CR),
// and nothing but spaces or tabs after the closing delimiter on its line,
// which must end with a line break.
// Anything else (an unterminated string or array, a stray bracket, an odd
// quote run) leaves the whole text alone, for toml++ to report.
//
//   std::optional<std::string> lean =
//       DropUnreadStrings(text, {"note", "setup"});
//   toml::parse(lean ? *lean : text);
//
// Thread-safe: a pure function.
#ifndef COV_INGEST_ELASTIC_UNREAD_STRINGS_H_
#define COV_INGEST_ELASTIC_UNREAD_STRINGS_H_

#include <initializer_list>
#include <optional>
#include <string>

#include "absl/strings/string_view.h"

namespace cov::ingest::elastic {

// `text` with the content of each multi-line string value of a bare key in
// `keys` replaced by its line breaks ("\n" each), as above; nullopt when no
// such string was found or the text is not plainly valid around them.
// `keys` are bare TOML keys (letters, digits, '_' and '-').
std::optional<std::string> DropUnreadStrings(
    absl::string_view text, std::initializer_list<absl::string_view> keys);

}  // namespace cov::ingest::elastic

#endif  // COV_INGEST_ELASTIC_UNREAD_STRINGS_H_
