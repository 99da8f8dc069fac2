#include "connectors/exit/exit.hpp"


namespace temblor::connectors {

namespace {

class exit_connector final : public connector {
public:
  exit_connector(uint64_t delay_ns, bool graceful, std::shared_ptr<connector_context> ctx)
    : delay_ns_(delay_ns), graceful_(graceful), ctx_(std::move(ctx)) {}

  connector_ports ports() const override { return sink_ports(); }
  void connect() override { ctx_->connected(); }

  sink_outcome write(std::string_view, const event& ev, serializer&) override {
    if (triggered_)
      return sink_outcome::done;
    triggered_ = true;
    // Fields of the event override the config; a `delay` of 0 included.
    uint64_t delay = delay_ns_;
    bool graceful = graceful_;
    if (const value* d = ev.payload.get("delay"))
      d->get_u64(delay);
    if (const value* g = ev.payload.get("graceful"); g && g->is_bool())
      graceful = g->as_bool();
    ctx_->log(log_level::info, "exiting" + std::string(graceful ? " gracefully" : "") +
                                 (delay ? " in " + std::to_string(delay) + " ns" : ""));
    ctx_->request_shutdown(delay, graceful);
    return sink_outcome::done;
  }

private:
  uint64_t delay_ns_;
  bool graceful_;
  std::shared_ptr<connector_context> ctx_;
  bool triggered_ = false;
};

std::unique_ptr<connector> make_exit(const connector_args& args, std::string&) {
  uint64_t delay = 0;
  if (const value* d = args.config.get("delay"))
    d->get_u64(delay);
  bool graceful = args.config.get("graceful")->as_bool();
  return std::make_unique<exit_connector>(delay, graceful, args.context);
}

} // namespace

const connector_descriptor& exit_descriptor() {
  static const connector_descriptor d = [] {
    connector_descriptor d;
    d.name = "exit";
    d.summary = "stops the process on its first event (its `delay` and `graceful` fields override the config)";
    d.codec = codec_requirement::structured;
    d.config = {
      optional_key("delay", value_types::unsigned_int, {}, "Nanoseconds to wait before stopping; none by default."),
      optional_key("graceful", value_types::boolean, true, "Drain every flow before stopping; false stops at once."),
    };
    d.make = &make_exit;
    d.debug_only = true;
    return d;
  }();
  return d;
}

} // namespace temblor::connectors
