#include "connectors/http/server/exchange.hpp"

#include "connectors/http/server/connection.hpp"
#include "connectors/http/server/response_writer.hpp"

namespace temblor::connectors::http {

namespace {

bool is_head(const http_request& r) { return r.method == "HEAD"; }
bool is_http10(const http_request& r) { return r.version_major == 1 && r.version_minor == 0; }

} // namespace

exchange::exchange(std::weak_ptr<connection> conn, http_request request, bool tls)
  : conn_(std::move(conn)), request_(std::move(request)), tls_(tls) {}

bool exchange::connection_open() const {
  auto c = conn_.lock();
  return c && !c->closed();
}

bool exchange::respond(unsigned status, http_headers headers, std::string body) {
  auto c = conn_.lock();
  if (phase_ != phase::waiting || !c || c->closed())
    return false;
  close_after_ = !request_.keep_alive || c->closing();
  auto token = close_after_ ? connection_token::close
               : is_http10(request_) ? connection_token::keep_alive
                                     : connection_token::none;
  bool body_allowed = status_allows_body(status) && !is_head(request_);
  size_t before = out_.size();
  // One allocation for the whole response: status line, date and framing
  // take under 128 bytes.
  size_t size = before + 128 + (body_allowed ? body.size() : 0);
  for (const auto& h : headers)
    size += h.name.size() + h.value.size() + 4;
  out_.reserve(size);
  c->count_invalid_headers(append_response_head(
      out_, status, headers, body_allowed ? body_framing::length : body_framing::none,
      body.size(), token));
  if (body_allowed)
    out_ += body;
  phase_ = phase::done;
  c->on_output(*this, out_.size() - before);
  return true;
}

bool exchange::begin_chunked(unsigned status, http_headers headers) {
  auto c = conn_.lock();
  if (phase_ != phase::waiting || !c || c->closed())
    return false;
  bool body_allowed = status_allows_body(status) && !is_head(request_);
  // HTTP/1.0 knows no chunks: the body runs until the connection closes.
  until_close_ = body_allowed && is_http10(request_);
  close_after_ = until_close_ || !request_.keep_alive || c->closing();
  auto token = close_after_ ? connection_token::close
               : is_http10(request_) ? connection_token::keep_alive
                                     : connection_token::none;
  auto framing = !body_allowed ? body_framing::none
                 : until_close_ ? body_framing::until_close
                                : body_framing::chunked;
  no_body_ = !body_allowed;
  size_t before = out_.size();
  c->count_invalid_headers(append_response_head(out_, status, headers, framing, 0, token));
  phase_ = phase::streaming;
  c->on_output(*this, out_.size() - before);
  return true;
}

bool exchange::send_chunk(std::string_view data) {
  auto c = conn_.lock();
  if (phase_ != phase::streaming || !c || c->closed())
    return false;
  if (no_body_)
    return true; // HEAD, 204, 304: the head went out, chunks have no place
  size_t before = out_.size();
  if (until_close_)
    out_ += data;
  else
    append_chunk(out_, data);
  c->on_output(*this, out_.size() - before);
  return true;
}

bool exchange::end_chunked() {
  auto c = conn_.lock();
  if (phase_ != phase::streaming || !c || c->closed())
    return false;
  size_t before = out_.size();
  if (!until_close_ && !no_body_)
    append_last_chunk(out_);
  phase_ = phase::done;
  c->on_output(*this, out_.size() - before);
  return true;
}

} // namespace temblor::connectors::http
