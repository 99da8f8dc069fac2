#include "runtime/api/api_service.hpp"

#include <chrono>

#include "runtime/api/body_format.hpp"
#include "runtime/api/graph_svg.hpp"
#include "runtime/api/patch.hpp"
#include "runtime/api/prometheus_text.hpp"
#include "runtime/api/stats_view.hpp"
#include "runtime/api/status_page.hpp"
#include "runtime/api/views.hpp"

namespace temblor::api {

namespace {

using connectors::http::http_request;

http_reply rendered(const reply& r, body_format f) {
  return http_reply{r.status,
                    {{"content-type", content_type(f)}, {"cache-control", "no-store"}},
                    render(r.body, f)};
}

http_reply unavailable(body_format f) {
  return rendered(error_reply(503, "The deployer did not answer in time"), f);
}

uint64_t wall_ns() {
  return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                 std::chrono::system_clock::now().time_since_epoch())
                                 .count());
}

} // namespace

api_service::api_service(service_settings settings) : settings_(std::move(settings)) {}

void api_service::with_view(responder respond,
                            std::function<void(const value&, const responder&)> then) {
  if (!link_) {
    respond(rendered(error_reply(503, "The flows are still being deployed"), body_format::json));
    return;
  }
  link_->describe([respond = std::move(respond), then = std::move(then)](std::optional<value> view) {
    if (!view)
      respond(unavailable(body_format::json));
    else
      then(*view, respond);
  });
}

void api_service::handle(const http_request& req, responder respond) {
  body_format out = response_format(req.header("accept"));
  route r;
  route_error err;
  if (!match_route(req.method, req.target, r, err)) {
    auto reply = rendered(error_reply(err.status, err.message), out);
    if (!err.allow.empty())
      reply.headers.push_back({"allow", err.allow});
    respond(std::move(reply));
    return;
  }
  // Most routes render one body cut from the deployer's view.
  auto answer = [out](std::function<reply(const value&)> make) {
    return [out, make = std::move(make)](const value& view, const responder& respond) {
      respond(rendered(make(view), out));
    };
  };
  switch (r.what) {
    case endpoint::page:
      respond(http_reply{200,
                         {{"content-type", "text/html; charset=utf-8"}, {"cache-control", "no-store"}},
                         std::string(status_page_html())});
      return;
    case endpoint::metrics: {
      exposition_input in;
      in.instance = settings_.instance;
      in.version = settings_.version;
      in.stages = settings_.stats->all();
      if (settings_.server_counters)
        in.api_counters = settings_.server_counters();
      respond(http_reply{200, {{"content-type", prometheus_content_type}}, prometheus_text(in)});
      return;
    }
    case endpoint::version:
      respond(rendered(reply{200, value{record{{"version", settings_.version},
                                               {"debug", settings_.debug_build}}}},
                       out));
      return;
    case endpoint::stats:
      respond(rendered(reply{200, stats_value(settings_.instance, wall_ns(), settings_.stats->all())}, out));
      return;
    case endpoint::flow_graph:
      for (const auto& g : settings_.graphs)
        if (g.flow == r.flow) {
          respond(http_reply{200, {{"content-type", "image/svg+xml"}}, graph_svg(g)});
          return;
        }
      respond(rendered(error_reply(404, "Flow \"" + r.flow + "\" not found"), out));
      return;
    case endpoint::status:
      with_view(std::move(respond), answer([](const value& v) { return status_reply(v); }));
      return;
    case endpoint::flows:
      with_view(std::move(respond), answer([](const value& v) { return flows_reply(v); }));
      return;
    case endpoint::flow_connectors:
      with_view(std::move(respond), answer([r](const value& v) { return connectors_reply(v, r.flow); }));
      return;
    case endpoint::flow:
    case endpoint::connector:
      if (r.patch)
        patch(r, req, std::move(respond));
      else
        with_view(std::move(respond), answer([r](const value& v) {
                    return r.what == endpoint::flow ? flow_reply(v, r.flow)
                                                    : connector_reply(v, r.flow, r.connector);
                  }));
      return;
  }
}

// Reads the body, checks the target's current state, asks the deployer to
// pause or resume, then answers with the target's report as it is now.
void api_service::patch(const route& r, const http_request& req, responder respond) {
  body_format out = response_format(req.header("accept"));
  value body;
  std::string parse_err;
  if (req.body.empty()) {
    respond(rendered(error_reply(400, "Invalid body: expected {\"status\": \"paused\"} or "
                                      "{\"status\": \"running\"}"),
                     out));
    return;
  }
  if (!parse_body(req.body, request_format(req.header("content-type")), body, parse_err)) {
    respond(rendered(error_reply(400, "Invalid body: " + parse_err), out));
    return;
  }
  auto report = [r](const value& v) {
    return r.what == endpoint::flow ? flow_reply(v, r.flow) : connector_reply(v, r.flow, r.connector);
  };
  auto link = link_;
  with_view(std::move(respond), [link, r, out, body, report](const value& view, const responder& respond) {
    reply current = report(view);
    if (current.status != 200) {
      respond(rendered(current, out));
      return;
    }
    const value* status = current.body.get("status");
    std::string what = r.what == endpoint::flow ? "flow " + r.flow : "connector " + r.flow + "/" + r.connector;
    patch_action action = patch_action::none;
    reply refused;
    if (!plan_patch(body, what, status && status->is_string() ? status->as_string() : "", action, refused)) {
      respond(rendered(refused, out));
      return;
    }
    if (action == patch_action::none) {
      respond(rendered(current, out));
      return;
    }
    link->set_paused(r.flow, r.connector, action == patch_action::pause,
                     [link, respond, report, out](std::optional<bool> found) {
                       if (!found) {
                         respond(unavailable(out));
                         return;
                       }
                       link->describe([respond, report, out](std::optional<value> after) {
                         respond(after ? rendered(report(*after), out) : unavailable(out));
                       });
                     });
  });
}

} // namespace temblor::api
