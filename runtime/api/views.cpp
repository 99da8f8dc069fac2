#include "runtime/api/views.hpp"

#include <map>

namespace temblor::api {

namespace {

const array& list_of(const value& v, const char* key) {
  static const array none;
  const value* list = v.get(key);
  return list && list->is_array() ? list->as_array() : none;
}

std::string text_of(const value& v, const char* key) {
  const value* s = v.get(key);
  return s && s->is_string() ? s->as_string() : std::string();
}

value flow_body(const value& flow) {
  array aliases;
  for (const auto& c : list_of(flow, "connectors"))
    aliases.push_back(value{text_of(c, "alias")});
  return value{record{{"alias", text_of(flow, "alias")},
                      {"status", text_of(flow, "status")},
                      {"connectors", value{std::move(aliases)}}}};
}

// Tremor's connector report; the view's `type` stays out of it.
value connector_body(const value& c) {
  const value* pipelines = c.get("pipelines");
  return value{record{{"alias", text_of(c, "alias")},
                      {"status", text_of(c, "status")},
                      {"connectivity", text_of(c, "connectivity")},
                      {"pipelines", pipelines ? *pipelines : value{record{}}}}};
}

reply no_flow(const std::string& flow) { return error_reply(404, "Flow \"" + flow + "\" not found"); }

} // namespace

reply error_reply(unsigned status, std::string message) {
  return reply{status, value{record{{"error", std::move(message)}}}};
}

const value* find_flow(const value& view, const std::string& flow) {
  for (const auto& f : list_of(view, "flows"))
    if (text_of(f, "alias") == flow)
      return &f;
  return nullptr;
}

const value* find_connector(const value& flow, const std::string& alias) {
  for (const auto& c : list_of(flow, "connectors"))
    if (text_of(c, "alias") == alias)
      return &c;
  return nullptr;
}

reply status_reply(const value& view) {
  std::map<std::string, uint64_t> counts;
  bool all_running = true, healthy = true;
  const auto& flows = list_of(view, "flows");
  for (const auto& f : flows) {
    std::string state = text_of(f, "status");
    ++counts[state];
    all_running = all_running && state == "running";
    healthy = healthy && (state == "running" || state == "paused" || state == "initializing");
  }
  record by_state;
  for (const auto& [state, n] : counts)
    by_state.set(state, value{n});
  value body{record{{"all_running", all_running},
                    {"num_flows", value{static_cast<uint64_t>(flows.size())}},
                    {"flows", value{std::move(by_state)}}}};
  return reply{healthy ? 200u : 503u, std::move(body)};
}

reply flows_reply(const value& view) {
  array out;
  for (const auto& f : list_of(view, "flows"))
    out.push_back(flow_body(f));
  return reply{200, value{std::move(out)}};
}

reply flow_reply(const value& view, const std::string& flow) {
  const value* f = find_flow(view, flow);
  return f ? reply{200, flow_body(*f)} : no_flow(flow);
}

reply connectors_reply(const value& view, const std::string& flow) {
  const value* f = find_flow(view, flow);
  if (!f)
    return no_flow(flow);
  array out;
  for (const auto& c : list_of(*f, "connectors"))
    out.push_back(connector_body(c));
  return reply{200, value{std::move(out)}};
}

reply connector_reply(const value& view, const std::string& flow, const std::string& connector) {
  const value* f = find_flow(view, flow);
  if (!f)
    return no_flow(flow);
  const value* c = find_connector(*f, connector);
  if (!c)
    return error_reply(404, "Connector \"" + connector + "\" not found in flow \"" + flow + "\"");
  return reply{200, connector_body(*c)};
}

} // namespace temblor::api
