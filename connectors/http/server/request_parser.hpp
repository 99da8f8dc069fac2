#pragma once

// Reads HTTP/1.1 requests from a byte stream with Node's http_parser
// (Debian's libhttp-parser), one request at a time so pipelined requests
// keep their order, and enforces the request limits while it reads: the
// status a rejected request gets is decided here (400, 413, 431, 501).
// No sockets: the connection feeds it, the fuzz target and tests too.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "connectors/http/server/body_budget.hpp"
#include "connectors/http/server/limits.hpp"
#include "connectors/http/server/request.hpp"

namespace temblor::connectors::http {

class request_parser {
public:
  enum class state {
    need_more, ///< everything given was consumed; feed more
    complete,  ///< a request is ready: take() it, then feed the rest
    error,     ///< the input is not a request we serve: answer error_status()
  };

  /// `budget` (optional, shared by a server's connections) is charged for
  /// the body while it arrives and refunded by take().
  explicit request_parser(request_limits limits, body_budget* budget = nullptr);
  ~request_parser();
  request_parser(const request_parser&) = delete;
  request_parser& operator=(const request_parser&) = delete;

  /// Parses up to `size` bytes and stops after the end of one request;
  /// returns how many bytes it consumed (the rest belongs to the next
  /// request). Never call it again after `error`.
  size_t feed(const char* data, size_t size, state& result);

  /// Hands over the complete request and starts on the next one.
  http_request take();

  /// True from the first byte of a request until take(): a deadline runs.
  bool in_request() const { return started_; }
  /// True once the current request's headers are complete (its body may
  /// still be arriving).
  bool headers_complete() const { return headers_done_; }
  /// Returns true once per request whose headers carry `Expect:
  /// 100-continue`, when its body has not fully arrived yet: the server then
  /// sends `100 Continue`.
  bool take_continue_request();

  /// The status to answer an `error` with, and why (for the body and the log).
  int error_status() const { return error_status_; }
  const std::string& error_reason() const { return error_reason_; }
  /// Whether the error came from the body budget (counted apart from 413s
  /// for a single large body).
  bool budget_exhausted() const { return budget_exhausted_; }

  /// The limits this parser enforces.
  const request_limits& limits() const { return limits_; }

private:
  struct callbacks;
  friend struct callbacks;

  void reset_request();
  void fail(int status, std::string reason);
  bool reserve(uint64_t n);

  request_limits limits_;
  body_budget* budget_;
  struct parser_state;
  std::unique_ptr<parser_state> p_;

  http_request current_;
  bool started_ = false;
  bool headers_done_ = false;
  bool message_done_ = false;
  bool in_value_ = false; // the last data callback was a header value
  bool continue_pending_ = false;
  size_t header_bytes_ = 0;
  uint64_t reserved_ = 0; // bytes of budget held for the current body
  int error_status_ = 0;
  std::string error_reason_;
  bool budget_exhausted_ = false;
};

} // namespace temblor::connectors::http
