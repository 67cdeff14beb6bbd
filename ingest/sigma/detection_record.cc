#include "ingest/sigma/detection_record.h"

#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace cov::ingest::sigma {
namespace {

using internal::Node;
using internal::NodeType;

bool IsPlainNull(const Node* n) {
  if (n->type == NodeType::kNull) return true;
  if (n->type != NodeType::kScalar || n->quoted) return false;
  const std::string& v = n->value;
  return v.empty() || v == "~" || v == "null" || v == "Null" || v == "NULL";
}

// YAML 1.1/1.2 core-schema numbers as PyYAML reads them, enough for Sigma
// (decimal, signed, 0x hex, 0o octal, floats).
bool LooksNumeric(absl::string_view v) {
  if (v.empty()) return false;
  size_t i = (v[0] == '-' || v[0] == '+') ? 1 : 0;
  if (i >= v.size()) return false;
  if (v.size() > i + 2 && v[i] == '0' && (v[i + 1] == 'x' || v[i + 1] == 'o')) {
    for (size_t j = i + 2; j < v.size(); ++j) {
      if (!absl::ascii_isxdigit(static_cast<unsigned char>(v[j]))) return false;
    }
    return true;
  }
  bool digit = false, dot = false;
  for (size_t j = i; j < v.size(); ++j) {
    const char c = v[j];
    if (absl::ascii_isdigit(static_cast<unsigned char>(c))) {
      digit = true;
    } else if (c == '.' && !dot) {
      dot = true;
    } else {
      return false;
    }
  }
  return digit;
}

void ToValue(const Node* n, cov::v1::SigmaValue* out) {
  n = n->Resolve();
  if (IsPlainNull(n)) {
    out->set_kind(cov::v1::SigmaValue::KIND_NULL);
    return;
  }
  out->set_text(n->value);
  if (n->quoted) {
    out->set_kind(cov::v1::SigmaValue::KIND_STRING);
  } else if (n->value == "true" || n->value == "false" || n->value == "True" ||
             n->value == "False") {
    out->set_kind(cov::v1::SigmaValue::KIND_BOOL);
    out->set_text(absl::AsciiStrToLower(n->value));
  } else if (LooksNumeric(n->value)) {
    out->set_kind(cov::v1::SigmaValue::KIND_NUMBER);
  } else {
    out->set_kind(cov::v1::SigmaValue::KIND_STRING);
  }
}

class Recorder {
 public:
  absl::Status status() const { return status_; }

  void Fail(absl::string_view msg) {
    if (status_.ok()) status_ = absl::InvalidArgumentError(msg);
  }

  // One `key: value` entry of a search map.
  void Entry(absl::string_view search, const Node* key, const Node* value,
             cov::v1::SigmaMatchGroup* group) {
    const Node* k = key->Resolve();
    if (k->type != NodeType::kScalar) {
      Fail(absl::StrCat("search '", search, "': a field name is a ",
                        internal::TypeName(k), ", not a string"));
      return;
    }
    cov::v1::SigmaFieldMatch* m = group->add_matches();
    m->set_line(k->line + 1);
    std::vector<std::string> parts = absl::StrSplit(k->value, '|');
    m->set_field(parts[0]);
    for (size_t i = 1; i < parts.size(); ++i) {
      if (parts[i].empty()) {
        Fail(absl::StrCat("search '", search, "': key '", k->value,
                          "' has an empty modifier"));
        continue;
      }
      m->add_modifiers(absl::AsciiStrToLower(parts[i]));
    }
    const Node* v = value->Resolve();
    if (v->type == NodeType::kSequence) {
      for (const Node* item : v->items) {
        const Node* it = item->Resolve();
        if (it->type == NodeType::kMap || it->type == NodeType::kSequence) {
          Fail(absl::StrCat("search '", search, "': field '", k->value,
                            "' lists a ", internal::TypeName(it),
                            " where values must be scalars"));
          continue;
        }
        ToValue(it, m->add_values());
      }
    } else if (v->type == NodeType::kMap) {
      Fail(absl::StrCat("search '", search, "': field '", k->value,
                        "' has a mapping as value; expected a value or a "
                        "list of values"));
    } else {
      ToValue(v, m->add_values());
    }
  }

  void Map(absl::string_view search, const Node* map,
           cov::v1::SigmaMatchGroup* group) {
    for (size_t i = 0; i < map->MapSize(); ++i) {
      Entry(search, map->Key(i), map->Value(i), group);
    }
  }

  void Search(absl::string_view name, const Node* key, const Node* value,
              cov::v1::SigmaSearch* out) {
    out->set_name(std::string(name));
    out->set_line(key->Resolve()->line + 1);
    const Node* v = value->Resolve();
    if (v->type == NodeType::kMap) {
      Map(name, v, out->add_groups());
      return;
    }
    cov::v1::SigmaFieldMatch* keywords = nullptr;
    auto add_keyword = [&](const Node* n) {
      if (keywords == nullptr) {
        keywords = out->add_groups()->add_matches();
        keywords->set_line(n->Resolve()->line + 1);
      }
      ToValue(n, keywords->add_values());
    };
    if (v->type == NodeType::kSequence) {
      for (const Node* item : v->items) {
        const Node* it = item->Resolve();
        if (it->type == NodeType::kMap) {
          Map(name, it, out->add_groups());
        } else if (it->type == NodeType::kSequence) {
          Fail(absl::StrCat("search '", name,
                            "': a list inside a list is not a Sigma search"));
        } else {
          add_keyword(it);
        }
      }
      return;
    }
    if (v->type == NodeType::kScalar) {
      add_keyword(v);  // the parser reports the form; record it anyway
    }
  }

  void Detection(const Node* det, cov::v1::SigmaDetection* out) {
    for (size_t i = 0; i < det->MapSize(); ++i) {
      const Node* key = det->Key(i)->Resolve();
      const Node* value = det->Value(i);
      if (key->type != NodeType::kScalar) continue;  // reported by parser
      const std::string& name = key->value;
      if (name == "condition") {
        if (value->type == NodeType::kScalar) {
          out->add_conditions(value->value);
        } else if (value->type == NodeType::kSequence) {
          for (const Node* c : value->items) {
            if (c->IsScalar()) out->add_conditions(c->Resolve()->value);
          }
        }
        continue;
      }
      if (name == "timeframe") {
        if (value->type == NodeType::kScalar) out->set_timeframe(value->value);
        continue;
      }
      Search(name, key, value, out->add_searches());
    }
  }

  void StringList(absl::string_view what, const Node* n,
                  google::protobuf::RepeatedPtrField<std::string>* out) {
    if (n == nullptr || IsPlainNull(n)) return;
    if (n->type == NodeType::kScalar) {
      out->Add(std::string(n->value));
      return;
    }
    if (n->type != NodeType::kSequence) {
      Fail(absl::StrCat("correlation '", what,
                        "' must be a string or a list of strings"));
      return;
    }
    for (const Node* item : n->items) {
      if (item->IsScalar()) {
        out->Add(std::string(item->Resolve()->value));
      } else {
        Fail(absl::StrCat("correlation '", what, "' lists a ",
                          internal::TypeName(item->Resolve()),
                          " where a string is expected"));
      }
    }
  }

  void Correlation(const Node* c, cov::v1::SigmaCorrelation* out) {
    if (const Node* t = c->Get("type"); t != nullptr && t->IsScalar()) {
      out->set_type(t->value);
    }
    StringList("rules", c->Get("rules"), out->mutable_rules());
    StringList("group-by", c->Get("group-by"), out->mutable_group_by());
    if (const Node* ts = c->Get("timespan"); ts != nullptr && ts->IsScalar()) {
      out->set_timespan(ts->value);
      absl::StatusOr<int64_t> secs = ParseTimespan(ts->value);
      if (secs.ok()) {
        out->set_timespan_seconds(*secs);
      } else {
        Fail(absl::StrCat("correlation timespan: ", secs.status().message()));
      }
    }
    if (const Node* g = c->Get("generate"); g != nullptr && g->IsScalar()) {
      out->set_generate(absl::AsciiStrToLower(g->value) == "true");
    }
    if (const Node* cond = c->Get("condition"); cond != nullptr) {
      if (cond->type != NodeType::kMap) {
        Fail("correlation 'condition' must be a mapping such as {gte: 10}");
      } else {
        for (size_t i = 0; i < cond->MapSize(); ++i) {
          const Node* k = cond->Key(i)->Resolve();
          const Node* v = cond->Value(i);
          if (k->type != NodeType::kScalar || v->type != NodeType::kScalar) {
            Fail("correlation 'condition' entries must be scalars");
            continue;
          }
          if (k->value == "field") {
            out->set_field(v->value);
            continue;
          }
          static constexpr absl::string_view kOps[] = {"gt",  "gte", "lt",
                                                       "lte", "eq",  "neq"};
          bool known = false;
          for (absl::string_view op : kOps) known = known || k->value == op;
          int64_t n = 0;
          if (!known) {
            Fail(absl::StrCat("correlation condition operator '", k->value,
                              "' is not one of gt, gte, lt, lte, eq, neq"));
          } else if (!absl::SimpleAtoi(v->value, &n)) {
            Fail(absl::StrCat("correlation condition ", k->value, ": '",
                              v->value, "' is not an integer"));
          } else {
            cov::v1::SigmaCorrelationBound* b = out->add_bounds();
            b->set_op(k->value);
            b->set_value(n);
          }
        }
      }
    }
    if (const Node* al = c->Get("aliases"); al != nullptr && al->IsMap()) {
      for (size_t i = 0; i < al->MapSize(); ++i) {
        const Node* k = al->Key(i)->Resolve();
        const Node* v = al->Value(i);
        if (k->type != NodeType::kScalar || v->type != NodeType::kMap) {
          Fail("correlation 'aliases' must map alias names to {rule: field}");
          continue;
        }
        cov::v1::SigmaCorrelationAlias* a = out->add_aliases();
        a->set_alias(k->value);
        for (size_t j = 0; j < v->MapSize(); ++j) {
          const Node* rk = v->Key(j)->Resolve();
          const Node* rv = v->Value(j);
          if (rk->type == NodeType::kScalar && rv->type == NodeType::kScalar) {
            (*a->mutable_field_by_rule())[rk->value] = rv->value;
          } else {
            Fail(absl::StrCat("correlation alias '", k->value,
                              "' must map rule names to field names"));
          }
        }
      }
    }
  }

 private:
  absl::Status status_;
};

}  // namespace

absl::StatusOr<int64_t> ParseTimespan(absl::string_view text) {
  text = absl::StripAsciiWhitespace(text);
  if (text.size() < 2) {
    return absl::InvalidArgumentError(
        absl::StrCat("'", text, "' is not <number><s|m|h|d|w>"));
  }
  int64_t unit = 0;
  switch (text.back()) {
    case 's':
      unit = 1;
      break;
    case 'm':
      unit = 60;
      break;
    case 'h':
      unit = 3600;
      break;
    case 'd':
      unit = 86400;
      break;
    case 'w':
      unit = 7 * 86400;
      break;
    default:
      break;
  }
  int64_t n = 0;
  if (unit == 0 || !absl::SimpleAtoi(text.substr(0, text.size() - 1), &n) ||
      n <= 0 || n > (int64_t{1} << 40)) {
    return absl::InvalidArgumentError(
        absl::StrCat("'", text, "' is not <number><s|m|h|d|w>"));
  }
  return n * unit;
}

absl::Status FillSigmaRecord(const Node* rule_map, cov::v1::Rule* rule) {
  const Node* m = rule_map->Resolve();
  if (m->type != NodeType::kMap) {
    return absl::InvalidArgumentError("rule is not a mapping");
  }
  Recorder rec;
  if (const Node* n = m->Get("name");
      n != nullptr && n->IsScalar() && !IsPlainNull(n)) {
    rule->set_sigma_name(n->value);
  }
  if (rule->is_correlation()) {
    if (const Node* c = m->Get("correlation"); c != nullptr && c->IsMap()) {
      rec.Correlation(c, rule->mutable_sigma_correlation());
    }
  } else if (const Node* d = m->Get("detection"); d != nullptr && d->IsMap()) {
    rec.Detection(d, rule->mutable_sigma_detection());
  }
  return rec.status();
}

}  // namespace cov::ingest::sigma
