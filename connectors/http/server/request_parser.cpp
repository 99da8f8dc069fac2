#include "connectors/http/server/request_parser.hpp"

#include <http_parser.h>

#include <algorithm>
#include <string_view>

namespace temblor::connectors::http {

namespace {

// Budget taken for a chunked body at a time, so a body of many small chunks
// does not touch the shared counter for each one.
constexpr uint64_t budget_step = 64 * 1024;

// Bytes a header line costs beyond its name and value (": " and CRLF), so
// the limit counts roughly what came over the wire.
constexpr size_t header_line_overhead = 4;

void lower_in_place(std::string& s, size_t from) {
  for (size_t i = from; i < s.size(); ++i)
    if (s[i] >= 'A' && s[i] <= 'Z')
      s[i] = static_cast<char>(s[i] - 'A' + 'a');
}

// Debian builds http_parser without HTTP_PARSER_STRICT, which lets a space
// into header names ("Transfer-Encoding : chunked"); proxies disagree on
// what such a header means (request smuggling), so it is refused here.
bool token(const std::string& name) {
  if (name.empty())
    return false;
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
    if (!ok)
      return false;
  }
  return true;
}

void trim_trailing_space(std::string& s) {
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
    s.pop_back();
}

} // namespace

struct request_parser::parser_state {
  http_parser parser;
};

struct request_parser::callbacks {
  static request_parser& self(http_parser* p) { return *static_cast<request_parser*>(p->data); }

  static int on_message_begin(http_parser* p) {
    auto& s = self(p);
    s.started_ = true;
    return 0;
  }

  static int on_url(http_parser* p, const char* at, size_t len) {
    auto& s = self(p);
    s.header_bytes_ += len;
    if (s.header_bytes_ > s.limits_.max_header_bytes) {
      s.fail(431, "request line and headers over " + std::to_string(s.limits_.max_header_bytes) +
                      " bytes");
      return -1;
    }
    s.current_.target.append(at, len);
    return 0;
  }

  static int on_header_field(http_parser* p, const char* at, size_t len) {
    auto& s = self(p);
    auto& headers = s.current_.headers;
    if (headers.empty() || s.in_value_) {
      if (headers.size() >= s.limits_.max_header_count) {
        s.fail(431, "more than " + std::to_string(s.limits_.max_header_count) + " headers");
        return -1;
      }
      headers.emplace_back();
      s.header_bytes_ += header_line_overhead;
      s.in_value_ = false;
    }
    s.header_bytes_ += len;
    if (s.header_bytes_ > s.limits_.max_header_bytes) {
      s.fail(431, "request line and headers over " + std::to_string(s.limits_.max_header_bytes) +
                      " bytes");
      return -1;
    }
    auto& name = headers.back().name;
    size_t from = name.size();
    name.append(at, len);
    lower_in_place(name, from);
    return 0;
  }

  static int on_header_value(http_parser* p, const char* at, size_t len) {
    auto& s = self(p);
    s.in_value_ = true;
    s.header_bytes_ += len;
    if (s.header_bytes_ > s.limits_.max_header_bytes) {
      s.fail(431, "request line and headers over " + std::to_string(s.limits_.max_header_bytes) +
                      " bytes");
      return -1;
    }
    s.current_.headers.back().value.append(at, len);
    return 0;
  }

  static int on_headers_complete(http_parser* p) {
    auto& s = self(p);
    auto& req = s.current_;
    for (auto& h : req.headers) {
      if (!token(h.name)) {
        s.fail(400, "malformed request: invalid character in header name `" + h.name + "`");
        return -1;
      }
      trim_trailing_space(h.value);
    }
    req.method = http_method_str(static_cast<http_method>(p->method));
    req.version_major = p->http_major;
    req.version_minor = p->http_minor;
    req.keep_alive = http_should_keep_alive(p) != 0;
    req.chunked = (p->flags & F_CHUNKED) != 0;
    s.headers_done_ = true;
    if (p->method == HTTP_CONNECT) {
      s.fail(501, "CONNECT is not supported");
      return -1;
    }
    if (p->upgrade != 0)
      // No protocol switch is offered: the request is answered as a plain
      // one, and what follows it on the wire is not HTTP/1.1 any more.
      req.keep_alive = false;
    if ((p->flags & F_CONTENTLENGTH) != 0) {
      if (p->content_length > s.limits_.max_body_bytes) {
        s.fail(413, "body of " + std::to_string(p->content_length) + " bytes is over " +
                        std::to_string(s.limits_.max_body_bytes));
        return -1;
      }
      if (!s.reserve(p->content_length))
        return -1;
      req.body.reserve(static_cast<size_t>(p->content_length));
    }
    const std::string* expect = req.header("expect");
    bool has_body = req.chunked || p->content_length > 0;
    s.continue_pending_ = expect != nullptr && iequals(*expect, "100-continue") && has_body;
    return 0;
  }

  static int on_body(http_parser* p, const char* at, size_t len) {
    auto& s = self(p);
    auto& body = s.current_.body;
    if (body.size() + len > s.limits_.max_body_bytes) {
      s.fail(413, "body over " + std::to_string(s.limits_.max_body_bytes) + " bytes");
      return -1;
    }
    if (body.size() + len > s.reserved_) {
      uint64_t want = std::max<uint64_t>(body.size() + len - s.reserved_, budget_step);
      want = std::min<uint64_t>(want, s.limits_.max_body_bytes - s.reserved_);
      if (!s.reserve(want))
        return -1;
    }
    s.continue_pending_ = false; // the client sends already
    body.append(at, len);
    return 0;
  }

  static int on_message_complete(http_parser* p) {
    auto& s = self(p);
    s.message_done_ = true;
    s.continue_pending_ = false;
    // Stop here: the next pipelined request waits until this one is taken.
    http_parser_pause(p, 1);
    return 0;
  }

  static const http_parser_settings& settings() {
    static const http_parser_settings s = [] {
      http_parser_settings x;
      http_parser_settings_init(&x);
      x.on_message_begin = &on_message_begin;
      x.on_url = &on_url;
      x.on_header_field = &on_header_field;
      x.on_header_value = &on_header_value;
      x.on_headers_complete = &on_headers_complete;
      x.on_body = &on_body;
      x.on_message_complete = &on_message_complete;
      return x;
    }();
    return s;
  }
};

request_parser::request_parser(request_limits limits, body_budget* budget)
  : limits_(limits), budget_(budget), p_(std::make_unique<parser_state>()) {
  http_parser_init(&p_->parser, HTTP_REQUEST);
  p_->parser.data = this;
}

request_parser::~request_parser() {
  if (budget_ != nullptr && reserved_ > 0)
    budget_->release(reserved_);
}

size_t request_parser::feed(const char* data, size_t size, state& result) {
  result = state::need_more;
  if (error_status_ != 0) {
    result = state::error;
    return 0;
  }
  if (message_done_) {
    result = state::complete;
    return 0;
  }
  // A zero length tells http_parser the stream ended; that is the
  // connection's business, not a feed.
  if (size == 0)
    return 0;
  size_t n = http_parser_execute(&p_->parser, &callbacks::settings(), data, size);
  if (message_done_) {
    result = state::complete;
    return n;
  }
  if (error_status_ != 0) {
    result = state::error;
    return n;
  }
  auto err = HTTP_PARSER_ERRNO(&p_->parser);
  if (err == HPE_HEADER_OVERFLOW) {
    fail(431, "request line and headers too large");
    result = state::error;
  } else if (err != HPE_OK) {
    fail(400, std::string("malformed request: ") + http_errno_description(err));
    result = state::error;
  } else if (n < size) {
    fail(400, "malformed request: data after an upgrade request");
    result = state::error;
  }
  return n;
}

http_request request_parser::take() {
  http_request out = std::move(current_);
  reset_request();
  http_parser_pause(&p_->parser, 0);
  return out;
}

bool request_parser::take_continue_request() {
  bool pending = continue_pending_;
  continue_pending_ = false;
  return pending;
}

void request_parser::reset_request() {
  current_ = http_request{};
  if (budget_ != nullptr && reserved_ > 0)
    budget_->release(reserved_);
  reserved_ = 0;
  started_ = false;
  headers_done_ = false;
  message_done_ = false;
  in_value_ = false;
  continue_pending_ = false;
  header_bytes_ = 0;
}

void request_parser::fail(int status, std::string reason) {
  if (error_status_ != 0)
    return;
  error_status_ = status;
  error_reason_ = std::move(reason);
}

bool request_parser::reserve(uint64_t n) {
  if (budget_ == nullptr) {
    reserved_ += n;
    return true;
  }
  if (!budget_->try_reserve(n)) {
    budget_exhausted_ = true;
    fail(413, "the server's memory for request bodies is in use; try again later");
    return false;
  }
  reserved_ += n;
  return true;
}

} // namespace temblor::connectors::http
