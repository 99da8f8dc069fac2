#include "connectors/debug/null.hpp"


namespace temblor::connectors {

namespace {

class null_connector final : public connector {
public:
  explicit null_connector(std::shared_ptr<connector_context> ctx) : ctx_(std::move(ctx)) {}
  connector_ports ports() const override { return duplex_ports(); }
  void connect() override { ctx_->connected(); }
  sink_outcome write(std::string_view, const event&, serializer&) override {
    return sink_outcome::done;
  }

private:
  std::shared_ptr<connector_context> ctx_;
};

std::unique_ptr<connector> make_null(const connector_args& args, std::string&) {
  return std::make_unique<null_connector>(args.context);
}

} // namespace

const connector_descriptor& null_descriptor() {
  static const connector_descriptor d = [] {
    connector_descriptor d;
    d.name = "null";
    d.summary = "discards everything it is sent and emits nothing";
    d.codec = codec_requirement::optional_json;
    d.make = &make_null;
    d.debug_only = true;
    return d;
  }();
  return d;
}

} // namespace temblor::connectors
