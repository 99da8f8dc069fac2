#include "connectors/http/client/request_spec.hpp"

#include "connectors/common/url.hpp"
#include "connectors/http/header_values.hpp"

namespace temblor::connectors::http {

namespace {

bool token_char(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
    return true;
  return std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

} // namespace

bool valid_method(const std::string& method) {
  if (method.empty())
    return false;
  for (char c : method)
    if (!token_char(c))
      return false;
  return true;
}

bool valid_http_url(const std::string& url, std::string& err) {
  common::url parsed;
  if (!common::parse_url(url, "http", parsed, err))
    return false;
  if (parsed.scheme != "http" && parsed.scheme != "https") {
    err = "the scheme must be http or https, not `" + parsed.scheme + "`";
    return false;
  }
  if (url.find("://") == std::string::npos) {
    err = "give the scheme: `http://" + url + "`";
    return false;
  }
  return true;
}

bool client_auth::parse(const value& auth, std::string& err) {
  if (auth.is_null() || (auth.is_string() && auth.as_string() == "none")) {
    type = kind::none;
    return true;
  }
  if (auth.is_record() && auth.as_record().size() == 1) {
    if (const value* b = auth.get("basic")) {
      const value* u = b->get("username");
      const value* p = b->get("password");
      if (u && u->is_string() && p && p->is_string()) {
        type = kind::basic;
        username = u->as_string();
        password = p->as_string();
        return true;
      }
      err = "`auth.basic` needs `username` and `password` strings";
      return false;
    }
    if (const value* t = auth.get("bearer")) {
      if (t->is_string()) {
        type = kind::bearer;
        token = t->as_string();
        return true;
      }
      err = "`auth.bearer` must be the token string";
      return false;
    }
  }
  err = "`auth` must be \"none\", {\"basic\": {\"username\", \"password\"}} or {\"bearer\": token}";
  return false;
}

bool client_settings::parse(const value& config, std::string& err) {
  if (const value* u = config.get("url"); u && u->is_string())
    url = u->as_string();
  if (!valid_http_url(url, err)) {
    err = "`url`: " + err;
    return false;
  }
  if (const value* m = config.get("method"); m && m->is_string())
    method = m->as_string();
  if (!valid_method(method)) {
    err = "`method`: `" + method + "` is not an HTTP method";
    return false;
  }
  if (const value* h = config.get("headers"); h && !value_to_headers(*h, headers, err)) {
    err = "`headers`: " + err;
    return false;
  }
  uint64_t n = 0;
  if (const value* t = config.get("timeout"); t && t->get_u64(n)) {
    if (n < 1000000) {
      err = "`timeout` is in nanoseconds and must be at least 1 ms (1000000)";
      return false;
    }
    timeout = std::chrono::milliseconds(n / 1000000);
  }
  if (const value* c = config.get("concurrency"); c && c->get_u64(n)) {
    if (n == 0) {
      err = "`concurrency` must be at least 1";
      return false;
    }
    concurrency = static_cast<size_t>(n);
  }
  if (const value* m = config.get("max_response_bytes"); m && m->get_u64(n))
    max_response_bytes = n;
  if (!tls.parse(config, err))
    return false;
  if (const value* a = config.get("auth"); a && !auth.parse(*a, err))
    return false;
  if (const value* m = config.get("mime_mapping"))
    mime_mapping = *m;
  return true;
}

bool build_request(const client_settings& s, body_codecs& codecs, const event& ev,
                   request_spec& out, std::string& err) {
  out.method = s.method;
  out.url = s.url;
  out.headers = s.headers;
  out.body.clear();
  out.has_body = false;
  out.id = ev.id;
  out.transactional = ev.transactional;
  const value* corr = ev.meta.get("correlation");
  out.correlation = corr ? *corr : value{};
  const value* hc = ev.meta.get("http_client");
  const value* req = hc ? hc->get("request") : nullptr;
  if (req != nullptr && req->is_record()) {
    if (const value* m = req->get("method")) {
      if (!m->is_string() || !valid_method(m->as_string())) {
        err = "`$http_client.request.method` must be an HTTP method";
        return false;
      }
      out.method = m->as_string();
    }
    if (const value* u = req->get("url")) {
      if (!u->is_string()) {
        err = "`$http_client.request.url` must be a string";
        return false;
      }
      if (!valid_http_url(u->as_string(), err)) {
        err = "`$http_client.request.url`: " + err;
        return false;
      }
      out.url = u->as_string();
    }
    if (const value* h = req->get("headers")) {
      http_headers extra;
      if (!value_to_headers(*h, extra, err)) {
        err = "`$http_client.request.headers`: " + err;
        return false;
      }
      override_headers(out.headers, extra);
    }
  }
  const std::string* te = find_header(out.headers, "transfer-encoding");
  out.chunked = te != nullptr && te->find("chunked") != std::string::npos;
  if (ev.payload.is_null())
    return true;
  const auto& mapping = codecs.mapping();
  int codec = -1;
  if (const std::string* type = find_header(out.headers, "content-type")) {
    codec = mapping.lookup(*type);
  } else {
    codec = mapping.fallback();
    if (codec >= 0)
      out.headers.push_back(
          http_header{"content-type", mapping.announced_mime(static_cast<size_t>(codec))});
  }
  if (codec < 0) {
    err = "no codec for the request's content type and no `*/*` fallback";
    return false;
  }
  if (!codecs.encode(static_cast<size_t>(codec), ev.payload, out.body, err)) {
    err = "cannot encode the request body as " + mapping.at(static_cast<size_t>(codec)).name +
          ": " + err;
    return false;
  }
  out.has_body = true;
  return true;
}

} // namespace temblor::connectors::http
