#include "connectors/debug/null.hpp"

#include "connectors/common/config_reader.hpp"

namespace temblor::connectors {

namespace {

class null_connector final : public connector {
public:
  explicit null_connector(std::shared_ptr<connector_context> ctx) : ctx_(std::move(ctx)) {}
  bool has_source() const override { return true; }
  bool has_sink() const override { return true; }
  void connect() override { ctx_->connected(); }
  sink_outcome write(std::string_view, const event&, serializer&) override {
    return sink_outcome::done;
  }

private:
  std::shared_ptr<connector_context> ctx_;
};

std::unique_ptr<connector> make_null(const connector_args& args, std::string& err) {
  if (!common::check_keys(args.config, "config", {}, err))
    return nullptr;
  return std::make_unique<null_connector>(args.context);
}

} // namespace

const connector_descriptor& null_descriptor() {
  static const connector_descriptor d{"null", "discards everything it is sent",
                                      codec_requirement::optional_json, &make_null, true};
  return d;
}

} // namespace temblor::connectors
