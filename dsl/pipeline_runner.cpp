#include "dsl/pipeline_runner.hpp"

#include <algorithm>
#include <list>
#include <unordered_map>

#include "dsl/aggregates.hpp"
#include "dsl/json_text.hpp"
#include "dsl/operators.hpp"
#include "dsl/pipeline_program.hpp"

namespace temblor::dsl {

namespace {

// Hops an event may take inside one pipeline before it is dropped; the
// graph has no cycles in valid programs, so this only stops runaway loops.
constexpr int max_hops = 64;

// The operators of a pipeline, nested ones included, that sinks' acks and
// fails reach; an operator's slot is its index here.
struct contraflow_slots {
  uint64_t stage_id = 0;
  std::vector<op_impl*> ops;
};

class runner final : public pipeline_runner {
public:
  runner(std::shared_ptr<const pipeline_program> prog, std::shared_ptr<contraflow_slots> slots)
    : prog_(std::move(prog)), slots_(std::move(slots)) {
    nodes_.resize(prog_->nodes.size());
    for (size_t i = 0; i < prog_->nodes.size(); ++i) {
      const node_spec& spec = prog_->nodes[i];
      node_state& n = nodes_[i];
      n.spec = &spec;
      n.state = spec.initial_state;
      if (spec.k == node_spec::kind::op) {
        std::string err;
        n.op = make_operator(spec.op_type, spec.op_config, err);
        if (n.op && n.op->reacts_to_contraflow()) {
          n.op->bind_contraflow(slots_->stage_id, slots_->ops.size());
          slots_->ops.push_back(n.op.get());
        }
      } else if (spec.k == node_spec::kind::pipeline && spec.sub) {
        n.sub = std::make_unique<runner>(spec.sub, slots_);
      }
    }
    windowed_.resize(prog_->selects.size());
  }

  void process(const std::string& port, event ev, pipeline_output& out) override {
    dispatch(-1, port, std::move(ev), out, 0);
  }

  void tick(uint64_t now, pipeline_output& out) override {
    tick_windows(now, out);
    for (size_t i = 0; i < nodes_.size(); ++i) {
      node_state& n = nodes_[i];
      int idx = static_cast<int>(i);
      if (n.op) {
        n.op->on_tick(now, [&](const std::string& p, event e) {
          dispatch(idx, p, std::move(e), out, 1);
        });
      } else if (n.sub) {
        pipeline_output sub;
        n.sub->tick(now, sub);
        forward_sub(idx, sub, out);
      }
    }
  }

  uint64_t tick_interval_ns() const override {
    uint64_t best = 0;
    for (const auto& w : prog_->windows)
      if (w.interval_ns && (!best || w.interval_ns < best))
        best = w.interval_ns;
    for (const auto& n : nodes_) {
      uint64_t t = n.op ? n.op->tick_ns() : (n.sub ? n.sub->tick_interval_ns() : 0);
      if (t && (!best || t < best))
        best = t;
    }
    return best;
  }

  void contraflow(bool acked, const event_id& id, uint64_t now) override {
    for (const auto& origin : id.origins())
      if (origin.source == slots_->stage_id && origin.stream < slots_->ops.size())
        slots_->ops[origin.stream]->on_contraflow(acked, acked ? origin.max_pull : origin.min_pull,
                                                  now);
  }

  bool pauses_upstream(uint64_t now) const override {
    return std::any_of(slots_->ops.begin(), slots_->ops.end(),
                       [now](const op_impl* op) { return op->pauses_upstream(now); });
  }

  void flush(pipeline_output& out) override {
    for (size_t i = 0; i < nodes_.size(); ++i) {
      node_state& n = nodes_[i];
      int idx = static_cast<int>(i);
      if (n.op) {
        n.op->on_flush([&](const std::string& p, event e) {
          dispatch(idx, p, std::move(e), out, 1);
        });
      } else if (n.sub) {
        pipeline_output sub;
        n.sub->flush(sub);
        forward_sub(idx, sub, out);
      }
    }
  }

private:
  // -- windows ------------------------------------------------------------------

  struct win_level {
    bool open = false;
    uint64_t count = 0;  ///< events (or lower windows) folded in
    uint64_t weight = 0; ///< what counts towards `size`: events, or script weights
    uint64_t start_ns = 0;
    std::vector<std::unique_ptr<aggregator>> aggrs;
    event_id ids;
    bool transactional = false;
    uint64_t ingest_ns = 0;
    value last_payload;
    value last_meta;
  };
  struct group_state {
    value group;
    std::vector<win_level> levels;
    std::list<std::string>::iterator order_pos; ///< its entry in select_state::order
  };
  struct select_state {
    std::list<std::string> order; ///< group keys in creation order
    std::unordered_map<std::string, group_state> groups;
  };

  std::vector<std::unique_ptr<aggregator>> fresh_aggrs(const select_spec& s) {
    std::vector<std::unique_ptr<aggregator>> v;
    for (const expr* call : s.aggrs) {
      std::string err;
      auto a = make_aggregator(call->aggr_name, call->items.size(), err);
      v.push_back(std::move(a));
    }
    return v;
  }

  void open_level(const select_spec& s, win_level& l, uint64_t t) {
    l.open = true;
    l.count = 0;
    l.weight = 0;
    l.start_ns = t;
    l.aggrs = fresh_aggrs(s);
    l.ids = event_id();
    l.transactional = false;
    l.ingest_ns = 0;
  }

  // Emits level `i` of group `g` and folds it into level i+1. `groups` is
  // how many groups the select holds (win::cardinality).
  void close_level(const select_spec& s, group_state& g, size_t i, uint64_t t,
                   size_t groups, pipeline_output& out, int hops) {
    win_level& l = g.levels[i];
    const window_spec& ws = prog_->windows[static_cast<size_t>(s.windows[i])];
    if (!l.open || (l.count == 0 && !ws.emit_empty))
      return;
    std::vector<value> results;
    for (const auto& a : l.aggrs)
      results.push_back(a ? a->result() : value());
    event ev;
    ev.payload = l.last_payload;
    ev.meta = l.last_meta;
    ev.id = l.ids;
    ev.ingest_ns = l.ingest_ns;
    ev.transactional = l.transactional;
    value window_name(ws.name);
    eval_ctx c;
    c.event = &ev.payload;
    c.meta = &ev.meta;
    c.args = &prog_->args;
    c.group = &g.group;
    c.window = &window_name;
    c.aggr_values = &results;
    c.window_cardinality = groups;
    finish_select(s, c, std::move(ev), out, hops);
    if (i + 1 < g.levels.size()) {
      win_level& up = g.levels[i + 1];
      const window_spec& uws = prog_->windows[static_cast<size_t>(s.windows[i + 1])];
      if (!up.open)
        open_level(s, up, t);
      for (size_t k = 0; k < up.aggrs.size() && k < l.aggrs.size(); ++k)
        if (up.aggrs[k] && l.aggrs[k])
          up.aggrs[k]->merge(*l.aggrs[k]);
      up.ids.track(l.ids);
      up.transactional = up.transactional || l.transactional;
      if (!up.ingest_ns)
        up.ingest_ns = l.ingest_ns;
      up.last_payload = std::move(l.last_payload);
      up.last_meta = std::move(l.last_meta);
      ++up.count;
      ++up.weight;
      if ((uws.size && up.weight >= uws.size) ||
          (uws.interval_ns && t >= up.start_ns + uws.interval_ns))
        close_level(s, g, i + 1, t, groups, out, hops);
    }
    l.open = false;
    l.count = 0;
    l.aggrs.clear();
    l.last_payload = value();
    l.last_meta = value();
    // With emit_empty_windows an interval window of a known group keeps
    // ticking even when no event arrives.
    if (ws.emit_empty && ws.interval_ns)
      open_level(s, l, t);
  }

  void tick_windows(uint64_t now, pipeline_output& out) {
    for (size_t si = 0; si < prog_->selects.size(); ++si) {
      const select_spec& s = prog_->selects[si];
      if (s.windows.empty())
        continue;
      select_state& st = windowed_[si];
      for (auto key = st.order.begin(); key != st.order.end();) {
        auto it = st.groups.find(*key);
        ++key; // before the group (and its order entry) may go
        group_state& g = it->second;
        bool closed = false;
        for (size_t i = 0; i < g.levels.size(); ++i) {
          const window_spec& ws = prog_->windows[static_cast<size_t>(s.windows[i])];
          win_level& l = g.levels[i];
          if (ws.interval_ns && l.open && now >= l.start_ns + ws.interval_ns) {
            close_level(s, g, i, now, st.groups.size(), out, 0);
            closed = true;
          }
        }
        if (closed)
          forget_if_idle(st, it);
      }
    }
  }

  // Like Tremor, a group lives only while one of its windows holds data:
  // once every level has emitted, the group is dropped, so it no longer
  // counts towards max_groups or win::cardinality. Returns whether it was.
  static bool forget_if_idle(select_state& st, std::unordered_map<std::string, group_state>::iterator it) {
    const auto& levels = it->second.levels;
    if (std::any_of(levels.begin(), levels.end(), [](const win_level& l) { return l.open; }))
      return false;
    st.order.erase(it->second.order_pos);
    st.groups.erase(it);
    return true;
  }

  // Runs a window's `script` on the event in `c`: its value must be a
  // non-negative integer, the event's weight (size windows) or time
  // (interval windows), put into `result`.
  bool run_window_script(const window_spec& ws, eval_ctx& c, uint64_t& result,
                         pipeline_output& out) {
    value v;
    status st = eval_block(*ws.script, c, v);
    if (st != status::ok) {
      if (st != status::error)
        c.err.message = "A window script can only compute a value";
      error(out, c);
      return false;
    }
    if (!v.get_u64(result)) {
      c.err.span = ws.script->empty() ? source_span{} : ws.script->back()->span;
      c.err.message = std::string("A window script must return a non-negative integer (the ") +
                      (ws.size ? "event's weight" : "event's time in nanoseconds") +
                      "), found " + type_name(v);
      error(out, c);
      return false;
    }
    return true;
  }

  void run_windowed(const select_spec& s, eval_ctx& c, const std::vector<array>& groups,
                    event ev, pipeline_output& out, int hops) {
    c.event = &ev.payload;
    c.meta = &ev.meta;
    select_state& st = windowed_[static_cast<size_t>(&s - prog_->selects.data())];
    const window_spec& first = prog_->windows[static_cast<size_t>(s.windows[0])];
    uint64_t t = ev.ingest_ns ? ev.ingest_ns : now_ns();
    uint64_t weight = 1;
    if (first.script && !run_window_script(first, c, first.size ? weight : t, out))
      return;
    for (size_t gi = 0; gi < groups.size(); ++gi) {
      std::string key = to_json(value(groups[gi]), true);
      auto it = st.groups.find(key);
      if (it == st.groups.end()) {
        if (first.max_groups && st.groups.size() >= first.max_groups) {
          out.errors.push_back("Maxmimum amount of groups reached (" +
                               std::to_string(first.max_groups) + "). Ignoring group [" +
                               std::to_string(first.max_groups + 1) + "]\n");
          continue;
        }
        group_state g;
        array gv = groups[gi];
        gv.push_back(value(key));
        g.group = value(std::move(gv));
        g.levels.resize(s.windows.size());
        it = st.groups.emplace(key, std::move(g)).first;
        it->second.order_pos = st.order.insert(st.order.end(), key);
      }
      group_state& g = it->second;
      win_level& l = g.levels[0];
      if (first.interval_ns && l.open && t >= l.start_ns + first.interval_ns)
        close_level(s, g, 0, t, st.groups.size(), out, hops);
      if (!l.open)
        open_level(s, l, t);
      c.group = &g.group;
      bool failed = false;
      for (size_t k = 0; k < s.aggrs.size() && !failed; ++k) {
        std::vector<value> args;
        for (const auto& a : s.aggrs[k]->items) {
          value v;
          if (eval(*a, c, v) != status::ok) {
            error(out, c);
            failed = true;
            break;
          }
          args.push_back(std::move(v));
        }
        std::string err;
        if (!failed && l.aggrs[k] && !l.aggrs[k]->update(args, err)) {
          c.err.span = s.aggrs[k]->span;
          c.err.message = err;
          error(out, c);
          failed = true;
        }
      }
      if (failed)
        continue;
      l.ids.track(ev.id);
      l.transactional = l.transactional || ev.transactional;
      if (!l.ingest_ns)
        l.ingest_ns = ev.ingest_ns;
      l.last_payload = ev.payload;
      l.last_meta = ev.meta;
      ++l.count;
      l.weight += weight;
      if (first.size && l.weight >= first.size) {
        close_level(s, g, 0, t, st.groups.size(), out, hops);
        forget_if_idle(st, it);
      }
    }
  }

  struct node_state {
    const node_spec* spec = nullptr;
    value state;
    std::unique_ptr<op_impl> op;
    std::unique_ptr<pipeline_runner> sub;
  };

  void forward_sub(int idx, pipeline_output& sub, pipeline_output& out) {
    for (auto& e : sub.errors)
      out.errors.push_back(std::move(e));
    for (auto& e : sub.events)
      dispatch(idx, e.port, std::move(e.ev), out, 1);
  }

  // Sends `ev`, produced by `node` (-1 = pipeline input) on `port`, to every
  // select reading from there.
  void dispatch(int node, const std::string& port, event ev, pipeline_output& out, int hops) {
    if (hops > max_hops) {
      out.errors.push_back("Error: event dropped after " + std::to_string(max_hops) +
                           " hops inside pipeline `" + prog_->name + "`\n");
      return;
    }
    // Each select that takes the event needs its own copy, except the last:
    // `where` is checked first, so an event only the last select takes (the
    // usual `where` fan-out) is never copied.
    const select_spec* last = nullptr;
    for (const auto& s : prog_->selects) {
      if (s.from_node != node || s.from_port != port || !takes(s, ev, out))
        continue;
      if (last)
        run_select(*last, ev, out, hops);
      last = &s;
    }
    if (last) {
      run_select(*last, std::move(ev), out, hops);
    } else if (node >= 0 && port == "err") {
      // A node's error output nobody selects from surfaces on the
      // pipeline's `err` port instead of vanishing.
      out.events.push_back(emitted_event{"err", std::move(ev)});
    }
  }

  void deliver(const select_spec& s, event ev, pipeline_output& out, int hops) {
    if (s.into_node < 0) {
      out.events.push_back(emitted_event{s.into_port, std::move(ev)});
      return;
    }
    run_node(s.into_node, s.into_port, std::move(ev), out, hops + 1);
  }

  static bool is_bare_event(const expr& e) {
    return e.kind == expr_kind::path && e.root == path_root::event && e.segments.empty();
  }

  void error(pipeline_output& out, const eval_ctx& c) {
    out.errors.push_back(render_runtime_error(c.err));
  }

  bool check_bool(eval_ctx& c, const expr& e, const value& v, pipeline_output& out) {
    if (v.is_bool())
      return true;
    c.err.span = e.span;
    c.err.message = "Expected a boolean, found " + type_name(v);
    error(out, c);
    return false;
  }

  // Expands a group-by definition into the list of group dimension tuples.
  bool groups_of(const select_stmt::group_def& g, eval_ctx& c,
                 std::vector<array>& result, pipeline_output& out) {
    using gk = select_stmt::group_def::kind;
    if (g.k == gk::expr) {
      value v;
      if (eval(*g.e, c, v) != status::ok) {
        error(out, c);
        return false;
      }
      result = {array{std::move(v)}};
      return true;
    }
    if (g.k == gk::each) {
      value v;
      if (eval(*g.e, c, v) != status::ok) {
        error(out, c);
        return false;
      }
      result.clear();
      if (v.is_array()) {
        for (auto& x : v.as_array())
          result.push_back(array{x});
      } else if (v.is_record()) {
        for (auto& [k, x] : v.as_record())
          result.push_back(array{value(array{value(k), x})});
      } else {
        c.err.span = g.e->span;
        c.err.message = "`each` needs an array or a record, found " + type_name(v);
        error(out, c);
        return false;
      }
      return true;
    }
    // set(a, b, …): the cartesian product of the parts.
    result = {array{}};
    for (const auto& part : g.items) {
      std::vector<array> sub;
      if (!groups_of(part, c, sub, out))
        return false;
      std::vector<array> next;
      for (const auto& prefix : result) {
        for (const auto& s : sub) {
          array combined = prefix;
          combined.insert(combined.end(), s.begin(), s.end());
          next.push_back(std::move(combined));
        }
      }
      result = std::move(next);
    }
    return true;
  }

  // Returns whether `s` takes `ev`: it has no `where`, or the `where` holds
  // (an error in it is reported and drops the event for this select).
  bool takes(const select_spec& s, event& ev, pipeline_output& out) {
    const expr* where = s.stmt->where.get();
    if (!where)
      return true;
    eval_ctx c = select_ctx(ev);
    value w;
    if (eval(*where, c, w) != status::ok) {
      error(out, c);
      return false;
    }
    return check_bool(c, *where, w, out) && w.as_bool();
  }

  // What a select's expressions see of `ev`, before any grouping.
  eval_ctx select_ctx(event& ev) const {
    static const value default_group{array{value(), value("[null]")}};
    eval_ctx c;
    c.event = &ev.payload;
    c.meta = &ev.meta;
    c.args = &prog_->args;
    c.ingest_ns = ev.ingest_ns;
    c.group = &default_group;
    return c;
  }

  // Runs a select that takes `ev` (see takes()).
  void run_select(const select_spec& s, event ev, pipeline_output& out, int hops) {
    const select_stmt& st = *s.stmt;
    eval_ctx c = select_ctx(ev);
    if (!s.windows.empty()) {
      std::vector<array> groups;
      if (!st.has_group)
        groups.push_back(array{value()});
      else if (!groups_of(st.group, c, groups, out))
        return;
      run_windowed(s, c, groups, std::move(ev), out, hops);
      return;
    }
    if (!st.has_group) {
      finish_select(s, c, std::move(ev), out, hops);
      return;
    }
    std::vector<array> groups;
    if (!groups_of(st.group, c, groups, out))
      return;
    for (size_t i = 0; i < groups.size(); ++i) {
      std::string key = to_json(value(groups[i]), true);
      array g = std::move(groups[i]);
      g.push_back(value(std::move(key)));
      value gv(std::move(g));
      if (i + 1 == groups.size()) {
        c.group = &gv;
        finish_select(s, c, std::move(ev), out, hops);
      } else {
        event copy = ev;
        eval_ctx cc;
        cc.event = &copy.payload;
        cc.meta = &copy.meta;
        cc.args = &prog_->args;
        cc.group = &gv;
        finish_select(s, cc, std::move(copy), out, hops);
      }
    }
  }

  void finish_select(const select_spec& s, eval_ctx& c, event ev, pipeline_output& out,
                     int hops) {
    const select_stmt& st = *s.stmt;
    c.event = &ev.payload;
    c.meta = &ev.meta;
    if (!is_bare_event(*st.target)) {
      value result;
      if (eval(*st.target, c, result) != status::ok) {
        error(out, c);
        return;
      }
      ev.payload = std::move(result);
    }
    if (st.having) {
      value h;
      if (eval(*st.having, c, h) != status::ok) {
        error(out, c);
        return;
      }
      if (!check_bool(c, *st.having, h, out) || !h.as_bool())
        return;
    }
    deliver(s, std::move(ev), out, hops);
  }

  void run_node(int idx, const std::string& port, event ev, pipeline_output& out, int hops) {
    node_state& n = nodes_[static_cast<size_t>(idx)];
    switch (n.spec->k) {
      case node_spec::kind::stream: dispatch(idx, "out", std::move(ev), out, hops); return;
      case node_spec::kind::script: run_script(idx, n, port, std::move(ev), out, hops); return;
      case node_spec::kind::op:
        if (n.op)
          n.op->on_event(port, std::move(ev), [&](const std::string& p, event e) {
            dispatch(idx, p, std::move(e), out, hops);
          });
        return;
      case node_spec::kind::pipeline: {
        if (!n.sub)
          return;
        pipeline_output sub;
        n.sub->process(port, std::move(ev), sub);
        for (auto& e : sub.errors)
          out.errors.push_back(std::move(e));
        for (auto& e : sub.events)
          dispatch(idx, e.port, std::move(e.ev), out, hops);
        return;
      }
    }
  }

  void run_script(int idx, node_state& n, const std::string& port, event ev,
                  pipeline_output& out, int hops) {
    const script_def& sd = *n.spec->script;
    const std::vector<expr_ptr>* body = nullptr;
    for (const auto& [p, b] : sd.bodies)
      if (p == port)
        body = &b;
    if (!body) {
      out.errors.push_back("Error: script `" + n.spec->name + "` has no body for port `" +
                           port + "`\n");
      return;
    }
    eval_ctx c;
    c.event = &ev.payload;
    c.meta = &ev.meta;
    c.state = &n.state;
    c.args = &n.spec->script_args;
    c.ingest_ns = ev.ingest_ns;
    value result;
    status st = status::ok;
    size_t count = body->size();
    if (count > 0 && is_bare_event(*body->back()))
      --count; // the result is the event itself: skip copying it
    for (size_t i = 0; i < count && st == status::ok; ++i)
      st = eval(*(*body)[i], c, result);
    switch (st) {
      case status::ok:
        // A trailing `let` or a bare `event` leaves the (modified) event as
        // the result without copying it.
        if (count == body->size() && body->back()->kind != expr_kind::let)
          ev.payload = std::move(result);
        dispatch(idx, "out", std::move(ev), out, hops);
        return;
      case status::emit: {
        ev.payload = std::move(c.emitted);
        std::string p = c.emit_port.empty() ? "out" : c.emit_port;
        dispatch(idx, p, std::move(ev), out, hops);
        return;
      }
      case status::drop: return;
      case status::recur:
        c.err.message = "`recur` can only be used inside a function";
        [[fallthrough]];
      case status::error: {
        // Like Tremor, the error carries the event as the script left it.
        record r;
        r.set("error", value(render_runtime_error(c.err)));
        r.set("event", std::move(ev.payload));
        ev.payload = value(std::move(r));
        dispatch(idx, "err", std::move(ev), out, hops);
        return;
      }
    }
  }

  std::shared_ptr<const pipeline_program> prog_;
  std::shared_ptr<contraflow_slots> slots_; ///< shared with nested pipelines' runners
  std::vector<node_state> nodes_;
  std::vector<select_state> windowed_; ///< parallel to prog_->selects
};

} // namespace

std::unique_ptr<pipeline_runner> make_pipeline_runner(const pipeline_program& program,
                                                      uint64_t stage_id) {
  auto slots = std::make_shared<contraflow_slots>();
  slots->stage_id = stage_id;
  return std::make_unique<runner>(program.shared_from_this(), std::move(slots));
}

} // namespace temblor::dsl
