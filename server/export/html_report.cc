#include "server/export/html_report.h"

#include <algorithm>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "server/engine/killchain.h"
#include "server/export/json_writer.h"

namespace cov::server::exporter {
namespace {

// No network: every fetch, font, image (except data:), frame and form target
// is refused by the browser, whatever ends up in the page.
constexpr absl::string_view kCsp =
    "default-src 'none'; style-src 'unsafe-inline'; "
    "script-src 'unsafe-inline'; img-src data:; base-uri 'none'; "
    "form-action 'none'";

constexpr absl::string_view kCss = R"css(
:root{--covered:#4e9a51;--rollup:#b7dba0;--uncovered:#f3a6a6;--unreachable:#e4e4e4}
*{box-sizing:border-box}
body{margin:0;font:13px/1.35 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;color:#222;background:#f7f7f7}
header{padding:12px 16px;background:#fff;border-bottom:1px solid #ddd}
h1{font-size:20px;margin:0 0 2px}
.sub{margin:0;color:#555}
.summary{margin:6px 0}
.legend{list-style:none;margin:6px 0 0;padding:0;display:flex;flex-wrap:wrap;gap:16px}
.legend li{display:flex;align-items:center;gap:6px}
.sw{display:inline-block;width:14px;height:14px;border:1px solid #999;border-radius:2px}
.sw[data-state=covered]{background:var(--covered)}
.sw[data-state=rollup]{background:var(--rollup)}
.sw[data-state=uncovered]{background:var(--uncovered)}
.sw[data-state=unreachable]{background:var(--unreachable)}
main{display:flex;align-items:flex-start}
.matrix{flex:1;display:flex;gap:6px;padding:10px;overflow-x:auto}
.tactic{flex:0 0 168px;min-width:168px}
.tactic h2{font-size:13px;margin:0;padding:6px;background:#37474f;color:#fff;border-radius:3px 3px 0 0}
.tactic h2 small{display:block;font-weight:normal;opacity:.75}
.ratio{font-size:12px;padding:3px 6px;background:#e3e7ea}
.bar{height:5px;background:#c9d2d8;margin-bottom:5px}
.bar span{display:block;height:100%;background:var(--covered)}
.tech{margin-bottom:3px}
.cell{position:relative;padding:3px 24px 4px 6px;border:1px solid #c4c4c4;border-radius:2px;cursor:pointer;word-break:break-word;background:var(--uncovered)}
.cell[data-state=covered]{background:var(--covered);color:#fff}
.cell[data-state=rollup]{background:var(--rollup)}
.cell[data-state=unreachable]{background:var(--unreachable);color:#777}
.cell[aria-current=true]{outline:2px solid #1565c0;outline-offset:-2px}
.cell:focus-visible{outline:2px solid #1565c0}
.cell .id{display:block;font-size:11px;opacity:.8}
.cell .n{position:absolute;right:4px;top:3px;font-size:11px;font-weight:bold}
.subs{margin:2px 0 0 10px}
.subs summary{font-size:11px;color:#555;cursor:pointer}
.subs .cell{font-size:12px;margin-top:2px}
#detail{position:sticky;top:0;flex:0 0 380px;max-height:100vh;overflow:auto;background:#fff;border-left:1px solid #ddd;padding:12px 14px}
#detail[hidden]{display:none}
#detail h2{font-size:16px;margin:0 24px 4px 0}
#detail h3{font-size:13px;margin:12px 0 4px}
#detail .close{position:absolute;right:8px;top:6px;border:0;background:none;font-size:20px;cursor:pointer}
#detail dl{display:grid;grid-template-columns:auto 1fr;gap:2px 8px;margin:6px 0}
#detail dt{color:#666}
#detail dd{margin:0}
#detail table{border-collapse:collapse;width:100%;font-size:12px}
#detail th,#detail td{border-bottom:1px solid #eee;padding:3px 4px;text-align:left;vertical-align:top;overflow-wrap:break-word}
#detail th{white-space:nowrap}
#detail td.uid{word-break:break-all;font:11px/1.3 ui-monospace,"DejaVu Sans Mono",monospace}
#detail ul{margin:0;padding-left:18px}
.views{margin:8px 0 0;display:flex;gap:4px}
.views button{font:inherit;padding:3px 10px;border:1px solid #90a4ae;background:#fff;border-radius:3px;cursor:pointer}
.views button[aria-pressed=true]{background:#37474f;color:#fff;border-color:#37474f}
.matrix[hidden]{display:none}
.phase{flex:0 0 190px;min-width:190px}
.phase h2{font-size:13px;margin:0;padding:6px;background:#1a237e;color:#fff;border-radius:3px 3px 0 0}
.phase h2 small{display:block;font-weight:normal;opacity:.8}
.phase .cell.sub{margin-left:10px;font-size:12px}
)css";

constexpr absl::string_view kJs = R"js(
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('cov-data').textContent);
  var panel = document.getElementById('detail');
  var STATES = {covered: 'covered', rollup: 'covered through sub-techniques',
                uncovered: 'in reach, no rule',
                unreachable: "outside the profile's reach"};
  var current = null;
  function add(parent, tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined && text !== null) e.textContent = text;
    if (cls) e.className = cls;
    parent.appendChild(e);
    return e;
  }
  function list(title, items, total) {
    if (!items.length) return;
    add(panel, 'h3', title + ' (' + Math.max(total, items.length) + ')');
    var ul = add(panel, 'ul');
    items.forEach(function (s) { add(ul, 'li', s); });
  }
  function hide() {
    panel.hidden = true;
    if (current) current.removeAttribute('aria-current');
    current = null;
  }
  function show(cell) {
    var id = cell.getAttribute('data-technique');
    if (!Object.prototype.hasOwnProperty.call(data.techniques, id)) return;
    var t = data.techniques[id];
    if (current) current.removeAttribute('aria-current');
    current = cell;
    cell.setAttribute('aria-current', 'true');
    panel.textContent = '';
    var close = add(panel, 'button', '\u00d7', 'close');
    close.type = 'button';
    close.title = 'Close';
    close.addEventListener('click', hide);
    var h = add(panel, 'h2');
    add(h, 'span', id, 'id');
    h.appendChild(document.createTextNode(' ' + t.name));
    var state = STATES[t.state] + ' \u00b7 ' + t.ruleCount +
        (t.ruleCount === 1 ? ' rule' : ' rules');
    if (t.evidence) state += ' \u00b7 evidence: ' + t.evidence;
    add(panel, 'p', state, 'state');
    var dl = add(panel, 'dl');
    function row(k, v) { if (v) { add(dl, 'dt', k); add(dl, 'dd', v); } }
    row('Tactics', t.tactics.map(function (s) {
      return data.tacticNames[s] || s;
    }).join(', '));
    var parent = Object.prototype.hasOwnProperty.call(data.techniques, t.parent) &&
        data.techniques[t.parent];
    row('Sub-technique of', t.parent ? t.parent + (parent ? ' ' + parent.name : '') : '');
    row('Platforms', t.platforms.join(', '));
    add(panel, 'h3', 'Rules (' + t.rules.length + ')');
    if (t.rules.length) {
      var table = add(panel, 'table', null, 'rules');
      var hr = add(add(table, 'thead'), 'tr');
      ['UID', 'Source', 'Title', 'Status'].forEach(function (s) { add(hr, 'th', s); });
      var body = add(table, 'tbody');
      t.rules.forEach(function (r) {
        var tr = add(body, 'tr');
        r.forEach(function (s, i) { add(tr, 'td', s, i === 0 ? 'uid' : ''); });
      });
    } else {
      add(panel, 'p', 'No rule.', 'none');
    }
    list('Data components', t.dataComponents, 0);
    list('Used by', t.usedBy, t.userCount);
    panel.hidden = false;
  }
  // The Cyber Kill Chain view, drawn from the embedded data on first use.
  var killchain = document.getElementById('killchain');
  function cellFor(sec, id, phase, sub) {
    var t = data.techniques[id];
    var cell = add(sec, 'div', null, sub ? 'cell sub' : 'cell');
    cell.setAttribute('data-technique', id);
    cell.setAttribute('data-phase', phase);
    cell.setAttribute('data-state', t.state);
    cell.tabIndex = 0;
    cell.setAttribute('role', 'button');
    cell.title = id + ' ' + t.name + ': ' + STATES[t.state];
    add(cell, 'span', id, 'id');
    cell.appendChild(document.createTextNode(t.name));
    if (t.ruleCount > 0) add(cell, 'span', String(t.ruleCount), 'n');
  }
  function drawKillChain() {
    if (killchain.childNodes.length) return;
    var ids = Object.keys(data.techniques).sort(function (a, b) {
      var na = data.techniques[a].name, nb = data.techniques[b].name;
      return na < nb ? -1 : na > nb ? 1 : (a < b ? -1 : a > b ? 1 : 0);
    });
    data.phases.forEach(function (p) {
      var sec = add(killchain, 'section', null, 'phase');
      sec.setAttribute('data-phase', p.phase);
      var h = add(sec, 'h2', p.name);
      add(h, 'small', 'Phase ' + p.order + (p.tactics.length ?
          ': ' + p.tactics.map(function (s) { return data.tacticNames[s] || s; }).join(', ') : ''));
      var pct = p.potential ? p.covered / p.potential : 0;
      add(sec, 'div', p.covered + '/' + p.potential + ' (' + Math.round(pct * 100) + '%)',
          'phase-ratio');
      add(add(sec, 'div', null, 'bar'), 'span').style.width = (pct * 100).toFixed(1) + '%';
      function inPhase(id) {
        return data.techniques[id].tactics.some(function (s) {
          return p.tactics.indexOf(s) >= 0;
        });
      }
      ids.forEach(function (id) {
        var t = data.techniques[id];
        var parentHere = t.parent && Object.prototype.hasOwnProperty.call(
            data.techniques, t.parent) && inPhase(t.parent);
        if (!inPhase(id) || parentHere) return;
        cellFor(sec, id, p.phase, false);
        ids.forEach(function (sid) {
          if (data.techniques[sid].parent === id && inPhase(sid)) {
            cellFor(sec, sid, p.phase, true);
          }
        });
      });
    });
  }
  document.querySelectorAll('.views button').forEach(function (b) {
    b.addEventListener('click', function () {
      var view = b.getAttribute('data-view');
      if (view === 'killchain') drawKillChain();
      document.querySelectorAll('.views button').forEach(function (o) {
        o.setAttribute('aria-pressed', String(o === b));
      });
      document.querySelectorAll('.matrix').forEach(function (m) {
        m.hidden = m.getAttribute('data-view') !== view;
      });
      hide();
    });
  });
  var matrix = document.querySelector('main');
  matrix.addEventListener('click', function (ev) {
    var cell = ev.target.closest('.cell');
    if (cell) show(cell);
  });
  matrix.addEventListener('keydown', function (ev) {
    if (ev.key !== 'Enter' && ev.key !== ' ') return;
    var cell = ev.target.closest('.cell');
    if (cell) { ev.preventDefault(); show(cell); }
  });
  document.addEventListener('keydown', function (ev) {
    if (ev.key === 'Escape') hide();
  });
})();
)js";

absl::string_view State(const cov::v1::TechniqueCoverage& t) {
  if (!t.potential()) return "unreachable";
  if (t.rule_count() > 0) return "covered";
  if (t.covered_by_rollup()) return "rollup";
  return "uncovered";
}

absl::string_view StateLabel(absl::string_view state) {
  if (state == "covered") return "covered";
  if (state == "rollup") return "covered through sub-techniques";
  if (state == "uncovered") return "in reach, no rule";
  return "outside the profile's reach";
}

// `ratio` in [0, 1] as a percentage with `format` ("%.0f%%").
std::string PercentOf(double ratio, const char* format) {
  return absl::StrFormat(format, std::clamp(ratio, 0.0, 1.0) * 100);
}

class Renderer {
 public:
  Renderer(const cov::v1::CoverageResponse& c, std::string* out)
      : c_(c), out_(*out) {}

  void Escaped(absl::string_view s) { AppendHtmlEscaped(s, &out_); }
  template <typename... Args>
  void Raw(const Args&... args) {
    absl::StrAppend(&out_, args...);
  }

  void Cell(int t_index, const std::string& tactic) {
    const cov::v1::TechniqueCoverage& t = c_.techniques(t_index);
    const absl::string_view state = State(t);
    Raw("<div class=\"cell\" data-technique=\"");
    Escaped(t.technique_id());
    Raw("\" data-tactic=\"");
    Escaped(tactic);
    Raw("\" data-state=\"", state,
        "\" tabindex=\"0\" role=\"button\" title=\"");
    Escaped(t.technique_id());
    Raw(" ");
    Escaped(t.name());
    Raw(": ");
    Escaped(StateLabel(state));
    if (t.rule_count() > 0) {
      Raw(", ", t.rule_count(), t.rule_count() == 1 ? " rule" : " rules");
    }
    Raw("\"><span class=\"id\">");
    Escaped(t.technique_id());
    Raw("</span>");
    Escaped(t.name());
    if (t.rule_count() > 0)
      Raw("<span class=\"n\">", t.rule_count(), "</span>");
    Raw("</div>\n");
  }

 private:
  const cov::v1::CoverageResponse& c_;
  std::string& out_;
};

// Per Cyber Kill Chain phase: the response's phases when it has them
// (by=killchain), else counted here from the techniques (potential; covered =
// a rule or rollup), each technique once per phase.
std::vector<cov::v1::PhaseCoverage> Phases(const cov::v1::CoverageResponse& c) {
  if (!c.phases().empty()) return {c.phases().begin(), c.phases().end()};
  const auto phases = engine::KillChainPhases();
  std::vector<cov::v1::PhaseCoverage> out(phases.size());
  absl::flat_hash_map<absl::string_view, int> phase_of;
  for (size_t p = 0; p < phases.size(); ++p) {
    out[p].set_phase(std::string(phases[p].key));
    out[p].set_name(std::string(phases[p].name));
    out[p].set_order(static_cast<int>(p) + 1);
  }
  for (const cov::v1::TacticCoverage& tc : c.tactics()) {
    const int p = engine::KillChainPhaseOf(tc.tactic());
    phase_of.emplace(tc.tactic(), p);
    out[p].add_tactics(tc.tactic());
  }
  for (const cov::v1::TechniqueCoverage& t : c.techniques()) {
    if (!t.potential()) continue;
    std::vector<bool> in(phases.size(), false);
    for (const std::string& tactic : t.tactics()) {
      const auto it = phase_of.find(tactic);
      if (it != phase_of.end()) in[it->second] = true;
    }
    const bool covered = t.rule_count() > 0 || t.covered_by_rollup();
    for (size_t p = 0; p < phases.size(); ++p) {
      if (!in[p]) continue;
      out[p].set_potential(out[p].potential() + 1);
      out[p].set_covered(out[p].covered() + covered);
    }
  }
  return out;
}

void WriteData(const cov::v1::CoverageResponse& c, std::string* out) {
  JsonWriter w(out);
  w.BeginObject();
  w.Key("tacticNames");
  w.BeginObject();
  for (const cov::v1::TacticCoverage& tc : c.tactics()) {
    w.KeyString(tc.tactic(), tc.name());
  }
  w.EndObject();
  w.Key("techniques");
  w.BeginObject();
  const auto strings = [&w](absl::string_view key, const auto& items) {
    w.Key(key);
    w.BeginArray();
    for (const std::string& s : items) w.String(s);
    w.EndArray();
  };
  for (const cov::v1::TechniqueCoverage& t : c.techniques()) {
    w.Key(t.technique_id());
    w.BeginObject();
    w.KeyString("name", t.name());
    w.KeyString("state", State(t));
    w.KeyInt("ruleCount", t.rule_count());
    w.KeyString("evidence", t.evidence());
    w.KeyString("parent", t.parent());
    strings("tactics", t.tactics());
    strings("platforms", t.platforms());
    w.Key("rules");
    w.BeginArray();
    for (const cov::v1::RuleRef& r : t.rules()) {
      w.BeginArray();
      w.String(r.uid());
      w.String(r.source());
      w.String(r.title());
      w.String(r.status());
      w.EndArray();
    }
    w.EndArray();
    strings("dataComponents", t.data_components());
    strings("usedBy", t.used_by());
    w.KeyInt("userCount", t.user_count());
    w.EndObject();
  }
  w.EndObject();
  w.Key("phases");
  w.BeginArray();
  for (const cov::v1::PhaseCoverage& p : Phases(c)) {
    w.BeginObject();
    w.KeyString("phase", p.phase());
    w.KeyString("name", p.name());
    w.KeyInt("order", p.order());
    strings("tactics", p.tactics());
    w.KeyInt("potential", p.potential());
    w.KeyInt("covered", p.covered());
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
}

}  // namespace

void AppendHtmlEscaped(absl::string_view text, std::string* out) {
  size_t run = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    const char* entity;
    switch (text[i]) {
      case '&':
        entity = "&amp;";
        break;
      case '<':
        entity = "&lt;";
        break;
      case '>':
        entity = "&gt;";
        break;
      case '"':
        entity = "&quot;";
        break;
      case '\'':
        entity = "&#39;";
        break;
      default:
        continue;
    }
    out->append(text.data() + run, i - run);
    out->append(entity);
    run = i + 1;
  }
  out->append(text.data() + run, text.size() - run);
}

std::string HtmlReport(const cov::v1::CoverageResponse& c,
                       const HtmlOptions& options) {
  // Column of each tactic shortname, and per technique its parent's index.
  absl::flat_hash_map<absl::string_view, int> column_of;
  for (int i = 0; i < c.tactics_size(); ++i) {
    column_of.emplace(c.tactics(i).tactic(), i);
  }
  absl::flat_hash_map<absl::string_view, int> index_of;
  index_of.reserve(c.techniques_size());
  for (int i = 0; i < c.techniques_size(); ++i) {
    index_of.emplace(c.techniques(i).technique_id(), i);
  }
  const auto has_tactic = [&c](int t, absl::string_view tactic) {
    const auto& tactics = c.techniques(t).tactics();
    return std::find(tactics.begin(), tactics.end(), tactic) != tactics.end();
  };
  // A sub-technique goes under its parent in a column when the parent (a
  // top-level technique) is there too; otherwise it stands alone.
  std::vector<int> parent_of(c.techniques_size(), -1);
  std::vector<std::vector<int>> children(c.techniques_size());
  for (int i = 0; i < c.techniques_size(); ++i) {
    const cov::v1::TechniqueCoverage& t = c.techniques(i);
    if (t.parent().empty()) continue;
    const auto it = index_of.find(t.parent());
    if (it == index_of.end() || it->second == i ||
        !c.techniques(it->second).parent().empty()) {
      continue;
    }
    parent_of[i] = it->second;
    children[it->second].push_back(i);
  }
  std::vector<std::vector<int>> top(c.tactics_size());
  int total_cells = 0;
  for (int i = 0; i < c.techniques_size(); ++i) {
    for (const std::string& tactic : c.techniques(i).tactics()) {
      const auto col = column_of.find(tactic);
      if (col == column_of.end()) continue;
      ++total_cells;
      if (parent_of[i] >= 0 && has_tactic(parent_of[i], tactic)) continue;
      top[col->second].push_back(i);
    }
  }
  for (std::vector<int>& column : top) {
    std::sort(column.begin(), column.end(), [&c](int a, int b) {
      const auto& ta = c.techniques(a);
      const auto& tb = c.techniques(b);
      if (ta.name() != tb.name()) return ta.name() < tb.name();
      return ta.technique_id() < tb.technique_id();
    });
  }

  std::string out;
  out.reserve(16384 + total_cells * 330 + c.techniques_size() * 450);
  Renderer r(c, &out);
  r.Raw(
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n",
      "<meta http-equiv=\"Content-Security-Policy\" content=\"", kCsp,
      "\">\n<meta name=\"viewport\" content=\"width=device-width, "
      "initial-scale=1\">\n<meta name=\"generator\" content=\"cov\">\n"
      "<title>");
  r.Escaped(options.title);
  r.Raw("</title>\n<style>", kCss, "</style>\n</head>\n<body>\n<header>\n<h1>");
  r.Escaped(options.title);
  r.Raw("</h1>\n");
  if (!options.subtitle.empty()) {
    r.Raw("<p class=\"sub\">");
    r.Escaped(options.subtitle);
    r.Raw("</p>\n");
  }
  r.Raw("<p class=\"summary\">Release <b>");
  r.Escaped(c.release().domain());
  if (!c.release().version().empty()) {
    r.Raw(" ");
    r.Escaped(c.release().version());
  }
  r.Raw("</b> &middot; <b>", c.covered(), "</b> of <b>", c.potential(),
        "</b> techniques in reach covered (<b>", PercentOf(c.ratio(), "%.1f%%"),
        "</b>) &middot; ", c.techniques_size(),
        " techniques and sub-techniques in the release");
  if (!options.generated_at.empty()) {
    r.Raw(" &middot; generated ");
    r.Escaped(options.generated_at);
  }
  r.Raw("</p>\n<ul class=\"legend\">");
  for (absl::string_view state :
       {"covered", "rollup", "uncovered", "unreachable"}) {
    r.Raw("<li><span class=\"sw\" data-state=\"", state, "\"></span>");
    r.Escaped(StateLabel(state));
    r.Raw("</li>");
  }
  r.Raw(
      "</ul>\n<div class=\"views\" role=\"group\" aria-label=\"View\">"
      "<button type=\"button\" data-view=\"tactics\" aria-pressed=\"true\">"
      "ATT&amp;CK tactics</button><button type=\"button\" "
      "data-view=\"killchain\" aria-pressed=\"false\">Cyber Kill "
      "Chain</button></div>\n</header>\n<main>\n<div class=\"matrix\" "
      "data-view=\"tactics\">\n");

  for (int col = 0; col < c.tactics_size(); ++col) {
    const cov::v1::TacticCoverage& tc = c.tactics(col);
    r.Raw("<section class=\"tactic\" data-tactic=\"");
    r.Escaped(tc.tactic());
    r.Raw("\">\n<h2>");
    r.Escaped(tc.name().empty() ? tc.tactic() : tc.name());
    r.Raw("<small>");
    r.Escaped(tc.tactic_id());
    r.Raw("</small></h2>\n<div class=\"ratio\">", tc.covered(), "/",
          tc.potential(), " (", PercentOf(tc.ratio(), "%.0f%%"),
          ")</div>\n<div class=\"bar\"><span style=\"width:",
          PercentOf(tc.ratio(), "%.1f%%"), "\"></span></div>\n");
    for (int t : top[col]) {
      r.Raw("<div class=\"tech\">\n");
      r.Cell(t, tc.tactic());
      int subs = 0;
      bool open = false;
      for (int s : children[t]) {
        if (!has_tactic(s, tc.tactic())) continue;
        ++subs;
        open = open || c.techniques(s).rule_count() > 0;
      }
      if (subs > 0) {
        r.Raw("<details class=\"subs\"", open ? " open" : "", "><summary>",
              subs, subs == 1 ? " sub-technique" : " sub-techniques",
              "</summary>\n");
        for (int s : children[t]) {
          if (has_tactic(s, tc.tactic())) r.Cell(s, tc.tactic());
        }
        r.Raw("</details>\n");
      }
      r.Raw("</div>\n");
    }
    r.Raw("</section>\n");
  }
  r.Raw(
      "</div>\n<div class=\"matrix\" id=\"killchain\" "
      "data-view=\"killchain\" hidden></div>\n"
      "<aside id=\"detail\" hidden aria-live=\"polite\"></aside>\n"
      "</main>\n<script type=\"application/json\" id=\"cov-data\">");
  WriteData(c, &out);
  r.Raw("</script>\n<script>", kJs, "</script>\n</body>\n</html>\n");
  return out;
}

}  // namespace cov::server::exporter
