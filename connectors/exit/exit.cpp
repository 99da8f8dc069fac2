#include "connectors/exit/exit.hpp"

#include "connectors/common/config_reader.hpp"

namespace temblor::connectors {

namespace {

class exit_connector final : public connector {
public:
  exit_connector(uint64_t delay_ns, bool graceful, std::shared_ptr<connector_context> ctx)
    : delay_ns_(delay_ns), graceful_(graceful), ctx_(std::move(ctx)) {}

  bool has_source() const override { return false; }
  bool has_sink() const override { return true; }
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

std::unique_ptr<connector> make_exit(const connector_args& args, std::string& err) {
  uint64_t delay = 0;
  bool graceful = true;
  if (!common::check_keys(args.config, "config", {"delay", "graceful"}, err) ||
      !common::read_optional_uint(args.config, "delay", UINT64_MAX, delay, err) ||
      !common::read_optional_bool(args.config, "graceful", graceful, err))
    return nullptr;
  return std::make_unique<exit_connector>(delay, graceful, args.context);
}

} // namespace

const connector_descriptor& exit_descriptor() {
  static const connector_descriptor d{"exit", "stops the process on its first event",
                                      codec_requirement::structured, &make_exit, true};
  return d;
}

} // namespace temblor::connectors
