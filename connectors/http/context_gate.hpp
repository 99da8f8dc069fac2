#pragma once

// Guards context calls made from an event loop against a connector that
// stopped meanwhile: stop() closes the gate, and no call passes it after
// close() returned (the contract's "no context call after stop()").

#include <memory>
#include <mutex>

#include "connectors/connector.hpp"

namespace temblor::connectors::http {

class context_gate {
public:
  explicit context_gate(std::shared_ptr<connector_context> ctx) : ctx_(std::move(ctx)) {}

  /// Runs `f(context)` unless the gate is closed.
  template <class F>
  void with(F&& f) {
    std::lock_guard<std::mutex> guard(mtx_);
    if (open_)
      f(*ctx_);
  }

  /// Closes the gate; waits for a call that is passing it.
  void close() {
    std::lock_guard<std::mutex> guard(mtx_);
    open_ = false;
  }

  /// The context for calls on the actor's thread (always allowed there).
  connector_context& direct() { return *ctx_; }

private:
  std::mutex mtx_;
  bool open_ = true;
  std::shared_ptr<connector_context> ctx_;
};

} // namespace temblor::connectors::http
