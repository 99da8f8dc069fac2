#include "dsl/operators.hpp"

#include <vector>

#include "dsl/bucket_operator.hpp"
#include "dsl/qos_operators.hpp"

namespace temblor::dsl {

namespace {

bool get_u64_field(const value& cfg, const char* key, uint64_t& out) {
  const value* v = cfg.get(key);
  return v && v->get_u64(out);
}

// -- generic::batch -------------------------------------------------------------

// Collects `count` events into one whose payload is the array of their
// payloads; ids are merged so contraflow reaches every source pull. A
// `timeout` (ns) flushes a partial batch.
class batch_op : public op_impl {
public:
  batch_op(uint64_t count, uint64_t timeout) : count_(count), timeout_(timeout) {}

  void on_event(const std::string&, event ev, const op_emit& emit) override {
    if (items_.empty()) {
      first_ns_ = now_ns();
      batch_ = event{};
      batch_.meta = ev.meta;
      batch_.ingest_ns = ev.ingest_ns;
      batch_.id = ev.id;
      batch_.transactional = ev.transactional;
    } else {
      batch_.id.track(ev.id);
      batch_.transactional = batch_.transactional || ev.transactional;
    }
    items_.push_back(std::move(ev.payload));
    if (items_.size() >= count_)
      emit_batch(emit);
  }

  void on_tick(uint64_t now, const op_emit& emit) override {
    if (timeout_ > 0 && !items_.empty() && now >= first_ns_ + timeout_)
      emit_batch(emit);
  }

  void on_flush(const op_emit& emit) override {
    if (!items_.empty())
      emit_batch(emit);
  }

  uint64_t tick_ns() const override { return timeout_; }

private:
  void emit_batch(const op_emit& emit) {
    batch_.payload = value(std::move(items_));
    batch_.is_batch = true;
    items_ = array{};
    emit("out", std::move(batch_));
    batch_ = event{};
  }

  uint64_t count_;
  uint64_t timeout_;
  uint64_t first_ns_ = 0;
  array items_;
  event batch_;
};

// -- generic::counter -------------------------------------------------------------

class counter_op : public op_impl {
public:
  void on_event(const std::string&, event ev, const op_emit& emit) override {
    ++count_;
    record r;
    r.set("count", value(static_cast<unsigned long long>(count_)));
    r.set("event", std::move(ev.payload));
    ev.payload = value(std::move(r));
    emit("out", std::move(ev));
  }

private:
  uint64_t count_ = 0;
};

// -- qos::roundrobin ------------------------------------------------------------------

class roundrobin_op : public op_impl {
public:
  explicit roundrobin_op(std::vector<std::string> outputs) : outputs_(std::move(outputs)) {}

  void on_event(const std::string&, event ev, const op_emit& emit) override {
    const std::string& port = outputs_[next_ % outputs_.size()];
    ++next_;
    emit(port, std::move(ev));
  }

private:
  std::vector<std::string> outputs_;
  size_t next_ = 0;
};

// -- debug::history ----------------------------------------------------------------------

// Tremor's event id text, `source:stream:event:pull`; Temblor numbers
// events by their pull, so the last two agree. An event that no source
// numbered reads 0:0:0:0.
std::string id_text(const event_id& id) {
  if (id.empty())
    return "0:0:0:0";
  const event_origin& o = id.origins().front();
  return std::to_string(o.source) + ":" + std::to_string(o.stream) + ":" +
         std::to_string(o.min_pull) + ":" + std::to_string(o.max_pull);
}

// Appends "evt: <op>(<event id>)" to the array at `$<name>`, so a chain of
// history operators leaves the path an event took.
class history_op : public op_impl {
public:
  history_op(std::string op, std::string name) : op_(std::move(op)), name_(std::move(name)) {}

  void on_event(const std::string&, event ev, const op_emit& emit) override {
    if (!ev.meta.is_record())
      ev.meta = value(record{});
    value* h = ev.meta.as_record().find(name_);
    if (!h || !h->is_array())
      h = &ev.meta.as_record().set(name_, value(array{}));
    h->as_array().push_back(value("evt: " + op_ + "(" + id_text(ev.id) + ")"));
    emit("out", std::move(ev));
  }

private:
  std::string op_;
  std::string name_;
};

} // namespace

std::unique_ptr<op_impl> make_operator(const std::string& type, const value& config,
                                       std::string& err) {
  if (type == "generic::batch") {
    uint64_t count = 0, timeout = 0;
    if (!get_u64_field(config, "count", count) || count == 0) {
      err = "generic::batch needs a positive integer `count`";
      return nullptr;
    }
    if (config.get("timeout") && !get_u64_field(config, "timeout", timeout)) {
      err = "generic::batch `timeout` must be a non-negative integer (ns)";
      return nullptr;
    }
    return std::make_unique<batch_op>(count, timeout);
  }
  if (type == "generic::counter")
    return std::make_unique<counter_op>();
  if (type == "generic::backpressure" || type == "qos::backpressure")
    return make_backpressure_operator(config, err);
  if (type == "qos::percentile")
    return make_percentile_operator(config, err);
  if (type == "qos::roundrobin") {
    std::vector<std::string> outputs;
    if (const value* o = config.get("outputs"); o && o->is_array())
      for (const auto& x : o->as_array())
        if (x.is_string())
          outputs.push_back(x.as_string());
    if (outputs.empty())
      outputs.push_back("out");
    return std::make_unique<roundrobin_op>(std::move(outputs));
  }
  if (type == "grouper::bucket")
    return make_bucket_operator();
  if (type == "debug::history") {
    std::string op = "history", name = "history";
    if (const value* o = config.get("op"); o && o->is_string())
      op = o->as_string();
    if (const value* n = config.get("name"); n && n->is_string())
      name = n->as_string();
    return std::make_unique<history_op>(op, name);
  }
  err = "Unknown operator: " + type;
  return nullptr;
}

} // namespace temblor::dsl
