#include "connectors/connector.hpp"

#include <algorithm>

namespace temblor::connectors {

bool connector_ports::has_input(std::string_view port) const {
  return std::find(inputs.begin(), inputs.end(), port) != inputs.end();
}

bool connector_ports::has_output(std::string_view port) const {
  return std::find(outputs.begin(), outputs.end(), port) != outputs.end();
}

connector_ports source_ports() { return {{}, {"out", "err"}}; }
connector_ports sink_ports() { return {{"in"}, {}}; }
connector_ports duplex_ports() { return {{"in"}, {"out", "err"}}; }

std::unique_ptr<connector> make_connector(const connector_descriptor& d, connector_args args,
                                          std::string& err) {
  value checked;
  if (!apply_schema(d.config, args.config, checked, err))
    return nullptr;
  args.config = std::move(checked);
  try {
    return d.make(args, err);
  } catch (const std::exception& e) {
    // Factories parse with library calls that may throw (std::stoul…); a
    // throw is a config error like any other.
    err = e.what();
    return nullptr;
  }
}

} // namespace temblor::connectors
