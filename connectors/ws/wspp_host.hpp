#pragma once

// The life cycle ws_client and ws_server share: a websocketpp endpoint and
// the io thread running it, started by the first connect() and torn down so
// that every socket closes. Private to connectors/ws.

#include "connectors/ws/wspp_config.hpp"

#include <atomic>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <type_traits>
#include <utility>

namespace temblor::connectors::ws {

template <class Config, class Endpoint>
class wspp_host {
protected:
  /// `role` names the endpoint in errors ("client", "server").
  wspp_host(std::shared_ptr<connector_context> ctx, const char* role, bool tls)
    : ctx_(std::move(ctx)), role_(role), tls_(tls), work_(asio::make_work_guard(*io_)) {}
  virtual ~wspp_host() = default;

  /// Adds the side's own settings and handlers to the fresh endpoint.
  virtual void configure_endpoint() = 0;
  /// Builds the TLS context from the configured files.
  virtual std::shared_ptr<asio::ssl::context> make_tls(std::string& err) = 0;
  /// On the io thread, when stopping: closes what is open, then calls
  /// finish_after() to end the loop.
  virtual void shut_down() = 0;

  /// The steps of connect() before the first attempt. False (the connector
  /// already told) when the endpoint could not be set up or the TLS files
  /// cannot be read; they are read again on the next connect.
  bool ready_to_connect() {
    if (stopped_)
      return false;
    ensure_started();
    if (!init_ok_) {
      ctx_->connect_failed(init_error_);
      return false;
    }
    if (tls_ && !tls_ctx_) {
      // Set before the first attempt is posted, so the io thread sees it.
      std::string err;
      tls_ctx_ = make_tls(err);
      if (!tls_ctx_) {
        ctx_->connect_failed(err);
        return false;
      }
    }
    return true;
  }

  /// The first half of stop(): false when the connector was stopped
  /// already; else runs shut_down() on the io thread and waits for it.
  bool stop_io_thread() {
    if (stopped_.exchange(true))
      return false;
    stopping_ = true;
    if (thread_.joinable()) {
      asio::post(*io_, [this] { shut_down(); });
      thread_.join();
    }
    return true;
  }

  /// Ends the loop after `grace`, which lets close handshakes go out.
  void finish_after(std::chrono::milliseconds grace) {
    work_.reset();
    shutdown_timer_.emplace(*io_, grace);
    shutdown_timer_->async_wait([this](const asio::error_code&) { io_->stop(); });
  }

  /// The last step of stop(), once the side dropped what refers to the
  /// endpoint: destroying the loop destroys what is still queued on it,
  /// closing every socket; the endpoint and timer go first as they refer to it.
  void release_io() {
    endpoint_.reset();
    shutdown_timer_.reset();
    work_.reset();
    io_.reset();
  }

  std::shared_ptr<connector_context> ctx_;
  std::shared_ptr<asio::ssl::context> tls_ctx_;
  // Owned through pointers so stop() can destroy them: that closes every
  // socket, including connections still in their handshake.
  std::unique_ptr<asio::io_context> io_ = std::make_unique<asio::io_context>(1);
  std::unique_ptr<Endpoint> endpoint_ = std::make_unique<Endpoint>();
  std::atomic<bool> stopped_{false};
  std::atomic<bool> stopping_{false};

private:
  void ensure_started() {
    if (thread_.joinable())
      return;
    std::string err;
    if (!init_endpoint(*endpoint_, *io_, err)) {
      init_error_ = std::string("cannot initialize the WebSocket ") + role_ + ": " + err;
    } else {
      if constexpr (std::is_same_v<Config, tls_config>) {
        endpoint_->set_tls_init_handler([this](websocketpp::connection_hdl) { return tls_ctx_; });
      }
      configure_endpoint();
      init_ok_ = true;
    }
    thread_ = std::thread([this] { run_io_loop(*io_, stopping_, *ctx_); });
  }

  const char* role_;
  bool tls_;
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work_;
  std::optional<asio::steady_timer> shutdown_timer_;
  std::thread thread_;
  bool init_ok_ = false;
  std::string init_error_;
};

} // namespace temblor::connectors::ws
