#pragma once

// How the API asks the deployer things without waiting for it: every call
// returns at once and its answer comes later through a callback, possibly
// on another thread. An answer that does not come within the link's
// timeout comes as nullopt, so no HTTP request hangs on a busy deployer.

#include <functional>
#include <optional>
#include <string>

#include "runtime/core/value.hpp"

namespace temblor::api {

class deployer_link {
public:
  virtual ~deployer_link() = default;

  /// Asks for the view of every flow (deployer_state::describe()).
  virtual void describe(std::function<void(std::optional<value>)> done) = 0;

  /// Pauses (or resumes) flow `flow`, or its connector `connector` when not
  /// empty; `done(true)` when something matched, nullopt on timeout.
  virtual void set_paused(const std::string& flow, const std::string& connector, bool pause,
                          std::function<void(std::optional<bool>)> done) = 0;
};

} // namespace temblor::api
