#include "connectors/http/server/connection.hpp"

#include <algorithm>

#include <asio/ssl/stream.hpp>
#include <asio/write.hpp>

namespace temblor::connectors::http {

namespace {

// After the last response, what a client may still send is read and
// dropped for this long (or this much) before the socket closes.
constexpr auto linger_time = std::chrono::milliseconds(2000);
constexpr size_t linger_max_bytes = 1024 * 1024;

constexpr std::string_view continue_line = "HTTP/1.1 100 Continue\r\n\r\n";

class plain_connection final : public connection {
public:
  plain_connection(std::shared_ptr<server_state> st, asio::ip::tcp::socket socket)
    : connection(std::move(st), false), socket_(std::move(socket)) {}

private:
  void handshake() override { on_handshake({}); }
  void read_some() override {
    socket_.async_read_some(asio::buffer(buf_),
                            [self = shared_from_this(), this](const asio::error_code& ec,
                                                              size_t n) { on_read(ec, n); });
  }
  void write_out() override {
    asio::async_write(socket_, asio::buffer(sending_),
                      [self = shared_from_this(), this](const asio::error_code& ec, size_t n) {
                        on_written(ec, n);
                      });
  }
  void shutdown_send() override {
    asio::error_code ec;
    socket_.shutdown(asio::ip::tcp::socket::shutdown_send, ec);
    linger_read();
  }
  void cancel_io() override {
    asio::error_code ec;
    socket_.cancel(ec);
  }
  void close_transport() override {
    asio::error_code ec;
    socket_.close(ec);
  }

  asio::ip::tcp::socket socket_;
};

class tls_connection final : public connection {
public:
  tls_connection(std::shared_ptr<server_state> st, asio::ip::tcp::socket socket,
                 asio::ssl::context& ctx)
    : connection(std::move(st), true), stream_(std::move(socket), ctx) {}

private:
  void handshake() override {
    stream_.async_handshake(asio::ssl::stream_base::server,
                            [self = shared_from_this(), this](const asio::error_code& ec) {
                              on_handshake(ec);
                            });
  }
  void read_some() override {
    stream_.async_read_some(asio::buffer(buf_),
                            [self = shared_from_this(), this](const asio::error_code& ec,
                                                              size_t n) { on_read(ec, n); });
  }
  void write_out() override {
    asio::async_write(stream_, asio::buffer(sending_),
                      [self = shared_from_this(), this](const asio::error_code& ec, size_t n) {
                        on_written(ec, n);
                      });
  }
  void shutdown_send() override {
    // close_notify, then wait (bounded by the linger deadline) for the
    // client's, which is the TLS way of a lingering close.
    stream_.async_shutdown(
        [self = shared_from_this(), this](const asio::error_code&) { close_now(); });
  }
  void cancel_io() override {
    asio::error_code ec;
    stream_.lowest_layer().cancel(ec);
  }
  void close_transport() override {
    asio::error_code ec;
    stream_.lowest_layer().close(ec);
  }

  asio::ssl::stream<asio::ip::tcp::socket> stream_;
};

} // namespace

std::shared_ptr<connection> make_connection(std::shared_ptr<server_state> st,
                                            asio::ip::tcp::socket socket,
                                            asio::ssl::context* tls) {
  if (tls == nullptr)
    return std::make_shared<plain_connection>(std::move(st), std::move(socket));
  return std::make_shared<tls_connection>(std::move(st), std::move(socket), *tls);
}

// -- connection ----------------------------------------------------------------------

connection::connection(std::shared_ptr<server_state> st, bool tls)
  : st_(std::move(st)), tls_(tls), parser_(st_->cfg.limits.request, &st_->budget) {}

void connection::start() {
  auto now = clock_type::now();
  idle_since_ = now;
  if (tls_) {
    kind_ = deadline_kind::handshake;
    deadline_ = now + st_->cfg.limits.tls_handshake_timeout;
  }
  handshake();
}

void connection::on_handshake(const asio::error_code& ec) {
  if (state_ == state::closed)
    return;
  if (ec) {
    st_->count_and_log(st_->counters.tls_failed, log_level::debug,
                       "TLS handshake failed: " + ec.message());
    close_now();
    return;
  }
  state_ = state::open;
  idle_since_ = clock_type::now();
  update_deadline();
  maybe_read();
}

bool connection::can_parse() const {
  return state_ == state::open && !read_closed_ && !st_->paused &&
         queue_.size() < st_->cfg.limits.max_pipelined;
}

void connection::maybe_read() {
  if (!can_parse())
    return;
  if (!leftover_.empty()) {
    std::string pending;
    pending.swap(leftover_);
    process_input(pending.data(), pending.size());
    if (!can_parse())
      return;
  }
  if (reading_)
    return;
  reading_ = true;
  read_some();
}

void connection::on_read(const asio::error_code& ec, size_t n) {
  reading_ = false;
  if (state_ == state::closed)
    return;
  if (state_ == state::lingering) {
    discarded_ += n;
    if (ec || discarded_ > linger_max_bytes)
      close_now();
    else
      linger_read();
    return;
  }
  if (ec) {
    if (ec == asio::error::operation_aborted) {
      maybe_shutdown();
      return;
    }
    // The client is gone or half-closed. A request it did not finish cannot
    // be answered; finished ones still get their answers if it reads.
    read_closed_ = true;
    if (in_request_ || queue_.empty() || ec != asio::error::eof)
      close_now();
    else
      close_after_write_ = true;
    return;
  }
  if (read_closed_) {
    // Bytes after a request that closes the connection are not requests.
    maybe_shutdown();
    return;
  }
  process_input(buf_.data(), n);
  maybe_read();
  update_deadline();
}

void connection::process_input(const char* data, size_t n) {
  size_t off = 0;
  while (off < n) {
    if (!can_parse()) {
      leftover_.append(data + off, n - off);
      break;
    }
    request_parser::state st;
    off += parser_.feed(data + off, n - off, st);
    if (st == request_parser::state::complete) {
      dispatch(parser_.take());
      continue;
    }
    if (st == request_parser::state::error) {
      reject(parser_.error_status(), parser_.error_reason(), parser_.budget_exhausted());
      return;
    }
  }
  auto now = clock_type::now();
  if (parser_.in_request() && !in_request_) {
    in_request_ = true;
    request_began_ = now;
  }
  if (parser_.headers_complete() && !in_body_) {
    in_body_ = true;
    headers_done_ = now;
  }
  if (parser_.take_continue_request() && queue_.empty()) {
    // Only when no earlier response is due: `100 Continue` may not go in
    // front of them. A client that gets none sends its body after a wait.
    out_ += continue_line;
    buffered_ += continue_line.size();
    flush();
  }
}

void connection::dispatch(http_request req) {
  st_->counters.requests->fetch_add(1, std::memory_order_relaxed);
  in_request_ = false;
  in_body_ = false;
  if (!req.keep_alive)
    read_closed_ = true;
  auto ex = std::make_shared<exchange>(weak_from_this(), std::move(req), tls_);
  queue_.push_back(ex);
  st_->handler->on_request(ex);
}

void connection::reject(int status, const std::string& reason, bool budget) {
  std::atomic<uint64_t>* c = st_->counters.bad_request;
  switch (status) {
    case 408: c = st_->counters.timed_out; break;
    case 413: c = budget ? st_->counters.body_budget : st_->counters.body_too_large; break;
    case 431: c = st_->counters.headers_too_large; break;
    case 501: c = st_->counters.not_implemented; break;
    default: break;
  }
  st_->count_and_log(c, log_level::warning,
                     "request rejected with " + std::to_string(status) + ": " + reason);
  read_closed_ = true;
  in_request_ = false;
  in_body_ = false;
  http_request req;
  req.keep_alive = false;
  auto ex = std::make_shared<exchange>(weak_from_this(), std::move(req), tls_);
  queue_.push_back(ex);
  ex->respond(static_cast<unsigned>(status), {{"content-type", "text/plain"}}, reason + "\n");
}

void connection::on_output(exchange& ex, size_t added) {
  (void)ex;
  if (state_ == state::closed)
    return;
  buffered_ += added;
  if (buffered_ > st_->cfg.limits.max_response_buffer_bytes) {
    st_->count_and_log(st_->counters.slow_consumers, log_level::warning,
                       "closed a connection whose client does not read its responses (" +
                           std::to_string(buffered_) + " bytes waiting)");
    close_now();
    return;
  }
  pump();
}

void connection::count_invalid_headers(size_t n) {
  if (n > 0)
    st_->count_and_log(st_->counters.invalid_headers, log_level::warning,
                       "dropped " + std::to_string(n) +
                           " response header(s) with an invalid name or a line break");
}

void connection::pump() {
  bool finished_any = false;
  while (!queue_.empty()) {
    auto& ex = *queue_.front();
    if (!ex.out_.empty()) {
      if (out_.empty())
        out_.swap(ex.out_);
      else
        out_ += ex.out_;
      ex.out_.clear();
    }
    if (ex.phase_ != exchange::phase::done)
      break;
    bool close = ex.close_after_;
    queue_.pop_front();
    finished_any = true;
    if (close) {
      read_closed_ = true;
      close_after_write_ = true;
      break;
    }
  }
  if (finished_any && queue_.empty())
    idle_since_ = clock_type::now();
  flush();
  if (finished_any)
    maybe_read();
  update_deadline();
}

void connection::flush() {
  if (writing_ || state_ != state::open)
    return;
  if (out_.empty()) {
    maybe_shutdown();
    return;
  }
  writing_ = true;
  sending_.swap(out_);
  out_.clear();
  write_progress_ = clock_type::now();
  write_out();
}

void connection::on_written(const asio::error_code& ec, size_t n) {
  writing_ = false;
  if (state_ == state::closed)
    return;
  (void)n;
  buffered_ -= std::min(buffered_, sending_.size());
  sending_.clear();
  if (ec) {
    close_now();
    return;
  }
  write_progress_ = clock_type::now();
  flush();
  update_deadline();
}

void connection::maybe_shutdown() {
  if (!close_after_write_ || writing_ || !out_.empty() || !queue_.empty() ||
      state_ != state::open || shutdown_started_)
    return;
  if (reading_) {
    // The read completes with operation_aborted and comes back here.
    cancel_io();
    return;
  }
  shutdown_started_ = true;
  state_ = state::lingering;
  kind_ = deadline_kind::linger;
  deadline_ = clock_type::now() + linger_time;
  shutdown_send();
}

void connection::linger_read() {
  reading_ = true;
  read_some();
}

void connection::close_now() {
  if (state_ == state::closed)
    return;
  auto self = shared_from_this(); // remove() may drop the last other owner
  state_ = state::closed;
  kind_ = deadline_kind::none;
  close_transport();
  queue_.clear();
  out_.clear();
  leftover_.clear();
  st_->remove(this);
}

void connection::pause_changed() {
  if (state_ != state::open)
    return;
  maybe_read();
  update_deadline();
}

void connection::update_deadline() {
  if (state_ != state::open)
    return;
  const auto& lim = st_->cfg.limits;
  kind_ = deadline_kind::none;
  deadline_ = clock_type::time_point::max();
  auto consider = [this](deadline_kind kind, clock_type::time_point at) {
    if (at < deadline_) {
      deadline_ = at;
      kind_ = kind;
    }
  };
  if (writing_)
    consider(deadline_kind::write, write_progress_ + lim.idle_timeout);
  if (in_body_)
    consider(deadline_kind::body, headers_done_ + lim.body_timeout);
  else if (in_request_)
    consider(deadline_kind::header, request_began_ + lim.header_timeout);
  else if (queue_.empty() && !writing_)
    consider(deadline_kind::idle, idle_since_ + lim.idle_timeout);
}

void connection::check_deadline(clock_type::time_point now) {
  if (state_ == state::closed || kind_ == deadline_kind::none || now < deadline_)
    return;
  switch (kind_) {
    case deadline_kind::handshake:
      st_->count_and_log(st_->counters.tls_timed_out, log_level::debug,
                         "TLS handshake not finished in time");
      close_now();
      break;
    case deadline_kind::header:
    case deadline_kind::body: {
      bool headers = kind_ == deadline_kind::header;
      kind_ = deadline_kind::none;
      reject(408, headers ? "request headers not received in time"
                          : "request body not received in time",
             false);
      break;
    }
    case deadline_kind::idle:
      st_->counters.idle_closed->fetch_add(1, std::memory_order_relaxed);
      close_now();
      break;
    case deadline_kind::write:
      st_->count_and_log(st_->counters.slow_consumers, log_level::warning,
                         "closed a connection whose client stopped reading");
      close_now();
      break;
    case deadline_kind::linger:
    case deadline_kind::none:
      close_now();
      break;
  }
}

} // namespace temblor::connectors::http
