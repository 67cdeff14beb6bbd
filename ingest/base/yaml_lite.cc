#include "ingest/base/yaml_lite.h"

#include <yaml.h>

#include <cstddef>
#include <memory>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"

namespace cov::ingest {

YamlKeep::YamlKeep(std::vector<std::string> paths) : paths_(std::move(paths)) {}

YamlKeep::Mode YamlKeep::Lookup(absl::string_view prefix,
                                absl::string_view key) const {
  Mode mode = Mode::kSkip;
  for (const std::string& p : paths_) {
    absl::string_view rest = p;
    if (!absl::ConsumePrefix(&rest, prefix) || !absl::ConsumePrefix(&rest, key))
      continue;
    if (rest.empty()) return Mode::kWhole;
    if (rest[0] == '.') mode = Mode::kPartial;
  }
  return mode;
}

const YamlLiteNode& YamlLiteNode::Child(absl::string_view key) const {
  static const YamlLiteNode* const kUndefined = new YamlLiteNode();
  if (kind == Kind::kMap) {
    for (const auto& [k, v] : map) {
      if (k.kind == Kind::kScalar && k.scalar == key) return v;
    }
  }
  return *kUndefined;
}

const char* YamlLiteNode::TypeName() const {
  switch (kind) {
    case Kind::kMap:
      return "map";
    case Kind::kSequence:
      return "list";
    case Kind::kScalar:
      return "string";
    case Kind::kNull:
      return "null";
    default:
      return "nothing";
  }
}

bool YamlLiteNode::IsAbsent() const {
  if (kind == Kind::kUndefined || kind == Kind::kNull) return true;
  if (kind == Kind::kScalar && !non_plain) {
    return scalar == "~" || scalar == "null" || scalar == "Null" ||
           scalar == "NULL";
  }
  return false;
}

namespace {

// yaml-cpp's IsNullString: a plain scalar spelled so is a null node.
bool IsNullString(absl::string_view s) {
  return s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL";
}

// Owns a libyaml parser; events are deleted by Event.
class Parser {
 public:
  explicit Parser(absl::string_view text) {
    yaml_parser_initialize(&parser_);
    yaml_parser_set_input_string(
        &parser_, reinterpret_cast<const unsigned char*>(text.data()),
        text.size());
    yaml_parser_set_encoding(&parser_, YAML_UTF8_ENCODING);
  }
  ~Parser() { yaml_parser_delete(&parser_); }
  Parser(const Parser&) = delete;
  Parser& operator=(const Parser&) = delete;

  yaml_parser_t* get() { return &parser_; }

 private:
  yaml_parser_t parser_;
};

class Event {
 public:
  Event() = default;
  ~Event() {
    if (filled_) yaml_event_delete(&event_);
  }
  Event(const Event&) = delete;
  Event& operator=(const Event&) = delete;

  // Reads the next event; false on a syntax error.
  bool Next(yaml_parser_t* parser) {
    if (filled_) yaml_event_delete(&event_);
    filled_ = yaml_parser_parse(parser, &event_) != 0;
    return filled_;
  }
  const yaml_event_t& operator*() const { return event_; }
  const yaml_event_t* operator->() const { return &event_; }

 private:
  yaml_event_t event_;
  bool filled_ = false;
};

// Maps libyaml's character columns to yaml-cpp's byte columns.
class Columns {
 public:
  explicit Columns(absl::string_view text) : text_(text) {}

  // Refuses what libyaml and yaml-cpp count differently; notes ASCII.
  absl::Status Check() {
    if (absl::StartsWith(text_, "\xEF\xBB\xBF")) {
      return absl::UnimplementedError("byte-order mark");
    }
    const auto* p = reinterpret_cast<const unsigned char*>(text_.data());
    const size_t n = text_.size();
    unsigned char high = 0;
    for (size_t i = 0; i < n; ++i) {
      const unsigned char c = p[i];
      high |= c;
      if (c == '\r' && (i + 1 == n || p[i + 1] != '\n')) {
        return absl::UnimplementedError("lone CR line break");
      }
      if (c == 0xC2 && i + 1 < n && p[i + 1] == 0x85) {
        return absl::UnimplementedError("NEL line break");
      }
      if (c == 0xE2 && i + 2 < n && p[i + 1] == 0x80 &&
          (p[i + 2] == 0xA8 || p[i + 2] == 0xA9)) {
        return absl::UnimplementedError("LS/PS line break");
      }
    }
    ascii_ = high < 0x80;
    return absl::OkStatus();
  }

  // 0-based byte column of 0-based (line, character column).
  int ByteColumn(size_t line, size_t column) {
    if (ascii_) return static_cast<int>(column);
    if (line_starts_.empty()) {
      line_starts_.push_back(0);
      for (size_t i = 0; i < text_.size(); ++i) {
        if (text_[i] == '\n') line_starts_.push_back(i + 1);
      }
    }
    if (line >= line_starts_.size()) return static_cast<int>(column);
    size_t at = line_starts_[line];
    size_t chars = 0;
    while (chars < column && at < text_.size()) {
      ++at;
      while (at < text_.size() &&
             (static_cast<unsigned char>(text_[at]) & 0xC0) == 0x80) {
        ++at;
      }
      ++chars;
    }
    return static_cast<int>(at - line_starts_[line]);
  }

 private:
  absl::string_view text_;
  bool ascii_ = true;
  std::vector<size_t> line_starts_;
};

// One open collection being kept.
struct Frame {
  YamlLiteNode* node;
  YamlKeep::Mode mode;  // kWhole or kPartial (maps only)
  std::string prefix;   // for kPartial: "a.b." of this map's keys
  bool want_key = true;
  YamlLiteNode key;
  YamlKeep::Mode value_mode = YamlKeep::Mode::kSkip;
};

absl::Status Refuse(const yaml_event_t& e) {
  switch (e.type) {
    case YAML_ALIAS_EVENT:
      return absl::UnimplementedError("alias");
    case YAML_SCALAR_EVENT:
      if (e.data.scalar.anchor != nullptr) {
        return absl::UnimplementedError("anchor");
      }
      if (e.data.scalar.tag != nullptr) return absl::UnimplementedError("tag");
      break;
    case YAML_SEQUENCE_START_EVENT:
      if (e.data.sequence_start.anchor != nullptr) {
        return absl::UnimplementedError("anchor");
      }
      if (e.data.sequence_start.tag != nullptr) {
        return absl::UnimplementedError("tag");
      }
      break;
    case YAML_MAPPING_START_EVENT:
      if (e.data.mapping_start.anchor != nullptr) {
        return absl::UnimplementedError("anchor");
      }
      if (e.data.mapping_start.tag != nullptr) {
        return absl::UnimplementedError("tag");
      }
      break;
    case YAML_DOCUMENT_START_EVENT:
      if (e.data.document_start.version_directive != nullptr ||
          e.data.document_start.tag_directives.start !=
              e.data.document_start.tag_directives.end) {
        return absl::UnimplementedError("directive");
      }
      break;
    default:
      break;
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<YamlLiteNode> ParseYamlLite(absl::string_view text,
                                           const YamlKeep& keep) {
  Columns columns(text);
  if (absl::Status st = columns.Check(); !st.ok()) return st;
  Parser parser(text);
  Event event;
  YamlLiteNode root;
  std::vector<std::unique_ptr<Frame>> stack;
  int skip_depth = 0;  // open collections inside a skipped value
  int documents = 0;
  bool have_root = false;

  // A node for the scalar or collection start of `e`.
  auto make = [&](const yaml_event_t& e) {
    YamlLiteNode n;
    n.line = static_cast<int>(e.start_mark.line) + 1;
    n.column = columns.ByteColumn(e.start_mark.line, e.start_mark.column) + 1;
    if (e.type == YAML_SCALAR_EVENT) {
      n.scalar.assign(reinterpret_cast<const char*>(e.data.scalar.value),
                      e.data.scalar.length);
      if (e.data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
          IsNullString(n.scalar)) {
        n.kind = YamlLiteNode::Kind::kNull;
        n.mark_exact = !n.scalar.empty();
        n.scalar.clear();
      } else {
        n.kind = YamlLiteNode::Kind::kScalar;
        n.non_plain = e.data.scalar.style != YAML_PLAIN_SCALAR_STYLE;
      }
    } else if (e.type == YAML_MAPPING_START_EVENT) {
      n.kind = YamlLiteNode::Kind::kMap;
    } else {
      n.kind = YamlLiteNode::Kind::kSequence;
    }
    return n;
  };

  for (;;) {
    if (!event.Next(parser.get())) {
      const yaml_parser_t* p = parser.get();
      return absl::InvalidArgumentError(absl::StrCat(
          p->problem_mark.line + 1, ":", p->problem_mark.column + 1, ": ",
          p->problem != nullptr ? p->problem : "syntax error",
          p->context != nullptr ? absl::StrCat(" (", p->context, ")") : ""));
    }
    const yaml_event_t& e = *event;
    if (absl::Status st = Refuse(e); !st.ok()) return st;
    const bool opens = e.type == YAML_MAPPING_START_EVENT ||
                       e.type == YAML_SEQUENCE_START_EVENT;
    const bool closes =
        e.type == YAML_MAPPING_END_EVENT || e.type == YAML_SEQUENCE_END_EVENT;
    if (opens &&
        static_cast<int>(stack.size()) + skip_depth >= kMaxYamlLiteDepth) {
      return absl::ResourceExhaustedError(
          absl::StrCat("nesting deeper than ", kMaxYamlLiteDepth));
    }
    if (e.type == YAML_STREAM_END_EVENT) break;
    if (e.type == YAML_DOCUMENT_START_EVENT) {
      if (++documents > 1) {
        return absl::UnimplementedError("more than one document");
      }
      continue;
    }
    if (e.type == YAML_STREAM_START_EVENT ||
        e.type == YAML_DOCUMENT_END_EVENT) {
      continue;
    }
    if (skip_depth > 0) {
      if (opens) ++skip_depth;
      if (closes) --skip_depth;
      continue;
    }
    if (closes) {
      stack.pop_back();
      if (!stack.empty()) {
        Frame& top = *stack.back();
        if (top.node->IsMap()) top.want_key = true;
      }
      continue;
    }
    // A scalar or a collection start: where does it go?
    YamlLiteNode* dest = nullptr;
    YamlKeep::Mode mode = YamlKeep::Mode::kWhole;
    std::string prefix;
    if (stack.empty()) {
      if (have_root) return absl::InternalError("second root node");
      have_root = true;
      root = make(e);
      dest = &root;
      mode = root.IsMap() ? YamlKeep::Mode::kPartial : YamlKeep::Mode::kSkip;
    } else {
      Frame& top = *stack.back();
      if (top.node->IsSequence()) {
        top.node->sequence.push_back(make(e));
        dest = &top.node->sequence.back();
      } else if (top.want_key) {
        if (opens) return absl::UnimplementedError("complex map key");
        top.key = make(e);
        top.want_key = false;
        if (top.mode == YamlKeep::Mode::kWhole) {
          top.value_mode = YamlKeep::Mode::kWhole;
        } else if (top.key.IsScalar()) {
          top.value_mode = keep.Lookup(top.prefix, top.key.scalar);
        } else {
          top.value_mode = YamlKeep::Mode::kSkip;
        }
        continue;
      } else {
        top.want_key = true;
        mode = top.value_mode;
        if (mode == YamlKeep::Mode::kSkip) {
          if (opens) skip_depth = 1;
          continue;
        }
        top.node->map.emplace_back(std::move(top.key), make(e));
        dest = &top.node->map.back().second;
        if (mode == YamlKeep::Mode::kPartial) {
          prefix =
              absl::StrCat(top.prefix, top.node->map.back().first.scalar, ".");
        }
        top.key = YamlLiteNode();
      }
    }
    if (!opens) continue;
    // A kept collection: a partial list keeps no entries.
    if (mode == YamlKeep::Mode::kSkip ||
        (mode == YamlKeep::Mode::kPartial && dest->IsSequence())) {
      skip_depth = 1;
      continue;
    }
    auto frame = std::make_unique<Frame>();
    frame->node = dest;
    frame->mode = mode;
    frame->prefix = std::move(prefix);
    stack.push_back(std::move(frame));
  }
  if (documents == 0 || !have_root) {
    return absl::UnimplementedError("no document");
  }
  return root;
}

}  // namespace cov::ingest
