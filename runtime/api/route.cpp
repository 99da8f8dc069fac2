#include "runtime/api/route.hpp"

#include <vector>

#include "runtime/core/hex_digit.hpp"

namespace temblor::api {

namespace {

// Flow and connector aliases are identifiers, but a client may still
// percent-encode them; a malformed escape is kept as written (and then
// matches no alias, so the answer is a 404 naming it).
std::string percent_decode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size()) {
      int hi = hex_digit(s[i + 1]), lo = hex_digit(s[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out += static_cast<char>(hi * 16 + lo);
        i += 2;
        continue;
      }
    }
    out += s[i];
  }
  return out;
}

std::vector<std::string_view> segments_of(std::string_view path) {
  std::vector<std::string_view> out;
  size_t start = 0;
  while (start < path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string_view::npos)
      end = path.size();
    if (end > start)
      out.push_back(path.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

bool is_read(std::string_view method) { return method == "GET" || method == "HEAD"; }

} // namespace

bool match_route(std::string_view method, std::string_view target, route& out, route_error& err) {
  std::string_view path = target.substr(0, target.find_first_of("?#"));
  auto seg = segments_of(path);
  out = route{};
  bool patchable = false;
  bool found = true;
  if (seg.empty()) {
    out.what = endpoint::page;
  } else if (seg.size() == 1 && seg[0] == "metrics") {
    out.what = endpoint::metrics;
  } else if (seg[0] != "v1" || seg.size() < 2) {
    found = false;
  } else if (seg.size() == 2 && seg[1] == "version") {
    out.what = endpoint::version;
  } else if (seg.size() == 2 && seg[1] == "status") {
    out.what = endpoint::status;
  } else if (seg.size() == 2 && seg[1] == "stats") {
    out.what = endpoint::stats;
  } else if (seg[1] != "flows") {
    found = false;
  } else if (seg.size() == 2) {
    out.what = endpoint::flows;
  } else {
    out.flow = percent_decode(seg[2]);
    if (seg.size() == 3) {
      out.what = endpoint::flow;
      patchable = true;
    } else if (seg.size() == 4 && seg[3] == "connectors") {
      out.what = endpoint::flow_connectors;
    } else if (seg.size() == 4 && seg[3] == "graph.svg") {
      out.what = endpoint::flow_graph;
    } else if (seg.size() == 5 && seg[3] == "connectors") {
      out.what = endpoint::connector;
      out.connector = percent_decode(seg[4]);
      patchable = true;
    } else {
      found = false;
    }
  }
  if (!found) {
    err.status = 404;
    err.message = "Not found: " + std::string(path);
    err.allow.clear();
    return false;
  }
  if (is_read(method))
    return true;
  if (patchable && method == "PATCH") {
    out.patch = true;
    return true;
  }
  err.status = 405;
  err.allow = patchable ? "GET, HEAD, PATCH" : "GET, HEAD";
  err.message = "Method " + std::string(method) + " not allowed on " + std::string(path) +
                " (allowed: " + err.allow + ")";
  return false;
}

} // namespace temblor::api
