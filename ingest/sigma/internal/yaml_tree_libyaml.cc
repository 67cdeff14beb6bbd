// ParseYamlFast: the Sigma YAML tree from libyaml's event parser. yaml-cpp
// (ParseYaml) spends most of a Sigma ingest matching regular expressions
// character by character; libyaml reads the same rules several times faster.
// Everything this reader is not sure to read exactly as yaml-cpp does is
// refused, and the caller parses the chunk with yaml-cpp.
#include <yaml.h>

#include <algorithm>
#include <cstddef>
#include <optional>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"
#include "ingest/sigma/internal/yaml_tree.h"

namespace cov::ingest::sigma::internal {
namespace {

// yaml-cpp's IsNullString (an empty plain scalar is refused before this).
bool IsNullString(absl::string_view s) {
  return s == "~" || s == "null" || s == "Null" || s == "NULL";
}

// Owns a libyaml parser over caller memory.
class LibyamlParser {
 public:
  explicit LibyamlParser(absl::string_view text) {
    yaml_parser_initialize(&parser_);
    yaml_parser_set_input_string(
        &parser_, reinterpret_cast<const unsigned char*>(text.data()),
        text.size());
    yaml_parser_set_encoding(&parser_, YAML_UTF8_ENCODING);
  }
  ~LibyamlParser() {
    if (filled_) yaml_event_delete(&event_);
    yaml_parser_delete(&parser_);
  }
  LibyamlParser(const LibyamlParser&) = delete;
  LibyamlParser& operator=(const LibyamlParser&) = delete;

  // The next event, or nullptr on a syntax error.
  const yaml_event_t* Next() {
    if (filled_) yaml_event_delete(&event_);
    filled_ = yaml_parser_parse(&parser_, &event_) != 0;
    return filled_ ? &event_ : nullptr;
  }

 private:
  yaml_parser_t parser_;
  yaml_event_t event_;
  bool filled_ = false;
};

// libyaml counts columns and offsets in characters; yaml-cpp (and Node) in
// bytes.
class Positions {
 public:
  explicit Positions(absl::string_view text) : text_(text) {}

  // False for what libyaml and yaml-cpp count or read differently: a
  // byte-order mark (anywhere), lone CR, NEL, LS and PS line breaks.
  bool Check() {
    const auto* p = reinterpret_cast<const unsigned char*>(text_.data());
    const size_t n = text_.size();
    unsigned char high = 0;
    for (size_t i = 0; i < n; ++i) {
      const unsigned char c = p[i];
      high |= c;
      if (c == '\r' && (i + 1 == n || p[i + 1] != '\n')) return false;
      if (c == 0xC2 && i + 1 < n && p[i + 1] == 0x85) return false;
      // libyaml skips a byte-order mark at any line start; yaml-cpp only
      // at the start of the stream, and rejects one elsewhere.
      if (c == 0xEF && i + 2 < n && p[i + 1] == 0xBB && p[i + 2] == 0xBF) {
        return false;
      }
      if (c == 0xE2 && i + 2 < n && p[i + 1] == 0x80 &&
          (p[i + 2] == 0xA8 || p[i + 2] == 0xA9)) {
        return false;
      }
    }
    ascii_ = high < 0x80;
    return true;
  }

  // 0-based byte column and byte offset of libyaml's `mark`.
  void Bytes(const yaml_mark_t& mark, int* column, size_t* offset) {
    if (ascii_) {
      *column = static_cast<int>(mark.column);
      *offset = mark.index;
      return;
    }
    if (line_starts_.empty()) {
      line_starts_.push_back(0);
      for (size_t i = 0; i < text_.size(); ++i) {
        if (text_[i] == '\n') line_starts_.push_back(i + 1);
      }
    }
    const size_t line = std::min(mark.line, line_starts_.size() - 1);
    size_t at = line_starts_[line];
    for (size_t chars = 0; chars < mark.column && at < text_.size(); ++chars) {
      ++at;
      while (at < text_.size() &&
             (static_cast<unsigned char>(text_[at]) & 0xC0) == 0x80) {
        ++at;
      }
    }
    *column = static_cast<int>(at - line_starts_[line]);
    *offset = at;
  }

  absl::string_view text() const { return text_; }

 private:
  absl::string_view text_;
  bool ascii_ = true;
  std::vector<size_t> line_starts_;
};

}  // namespace

std::optional<ParsedChunk> ParseYamlFast(absl::string_view text, int first_line,
                                         size_t first_offset, Arena* arena) {
  Positions positions(text);
  if (!positions.Check()) return std::nullopt;
  LibyamlParser parser(text);
  ParsedChunk out;
  std::vector<Node*> stack;
  std::vector<DuplicateKey> duplicates;
  Node* root = nullptr;
  int documents = 0;

  auto make = [&](NodeType type, const yaml_mark_t& mark) {
    Node* n = arena->New();
    n->type = type;
    n->line = first_line + static_cast<int>(mark.line);
    size_t offset = 0;
    positions.Bytes(mark, &n->column, &offset);
    n->pos = first_offset + offset;
    return n;
  };
  auto add = [&](Node* n) {
    if (stack.empty()) {
      root = n;
    } else {
      stack.back()->items.push_back(n);
    }
  };
  // A collection where a map key is due: yaml-cpp's complex keys.
  auto at_key = [&]() {
    return !stack.empty() && stack.back()->type == NodeType::kMap &&
           stack.back()->items.size() % 2 == 0;
  };

  for (;;) {
    const yaml_event_t* e = parser.Next();
    if (e == nullptr) return std::nullopt;
    switch (e->type) {
      case YAML_STREAM_START_EVENT:
        break;
      case YAML_STREAM_END_EVENT:
        if (documents != 1) return std::nullopt;
        return out;
      case YAML_DOCUMENT_START_EVENT:
        if (++documents > 1) return std::nullopt;
        if (e->data.document_start.version_directive != nullptr ||
            e->data.document_start.tag_directives.start !=
                e->data.document_start.tag_directives.end) {
          return std::nullopt;
        }
        root = nullptr;
        break;
      case YAML_DOCUMENT_END_EVENT:
        out.roots.push_back(root);
        out.duplicates.push_back(std::move(duplicates));
        duplicates.clear();
        break;
      case YAML_ALIAS_EVENT:
        return std::nullopt;
      case YAML_SCALAR_EVENT: {
        const auto& s = e->data.scalar;
        if (s.anchor != nullptr || s.tag != nullptr) return std::nullopt;
        const absl::string_view value(reinterpret_cast<const char*>(s.value),
                                      s.length);
        const bool plain = s.style == YAML_PLAIN_SCALAR_STYLE;
        if (plain && value.empty()) return std::nullopt;
        if (s.style == YAML_DOUBLE_QUOTED_SCALAR_STYLE) {
          int column = 0;
          size_t begin = 0, end = 0;
          positions.Bytes(e->start_mark, &column, &begin);
          positions.Bytes(e->end_mark, &column, &end);
          const absl::string_view raw =
              text.substr(begin, end > begin ? end - begin : 0);
          if (raw.find('\\') != absl::string_view::npos) return std::nullopt;
        }
        Node* n;
        if (plain && IsNullString(value)) {
          n = make(NodeType::kNull, e->start_mark);
        } else {
          n = make(NodeType::kScalar, e->start_mark);
          n->value.assign(value.data(), value.size());
          n->quoted = !plain;
        }
        add(n);
        break;
      }
      case YAML_SEQUENCE_START_EVENT:
      case YAML_MAPPING_START_EVENT: {
        const bool is_map = e->type == YAML_MAPPING_START_EVENT;
        const yaml_char_t* anchor = is_map ? e->data.mapping_start.anchor
                                           : e->data.sequence_start.anchor;
        const yaml_char_t* tag =
            is_map ? e->data.mapping_start.tag : e->data.sequence_start.tag;
        if (anchor != nullptr || tag != nullptr || at_key()) {
          return std::nullopt;
        }
        Node* n =
            make(is_map ? NodeType::kMap : NodeType::kSequence, e->start_mark);
        add(n);
        stack.push_back(n);
        break;
      }
      case YAML_SEQUENCE_END_EVENT:
      case YAML_MAPPING_END_EVENT:
        if (stack.empty()) return std::nullopt;
        if (e->type == YAML_MAPPING_END_EVENT) {
          FindDuplicateKeys(stack.back(), &duplicates);
        }
        stack.pop_back();
        break;
      default:
        return std::nullopt;
    }
  }
}

}  // namespace cov::ingest::sigma::internal
