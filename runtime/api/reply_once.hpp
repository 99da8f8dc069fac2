#pragma once

// An answer owed exactly once, that travels inside actor messages: copies
// share one callback; the first call wins, and if every copy is dropped
// unanswered (the actor holding it died, the message was never delivered)
// the callback gets nullopt. So an HTTP request waiting on the deployer is
// always answered.

#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <utility>

namespace temblor::api {

template <class T>
class reply_once {
public:
  reply_once() = default;
  explicit reply_once(std::function<void(std::optional<T>)> fn)
    : state_(std::make_shared<state>(std::move(fn))) {}

  /// Answers, unless some copy answered already.
  void operator()(std::optional<T> answer) const {
    if (state_)
      state_->answer(std::move(answer));
  }

private:
  struct state {
    explicit state(std::function<void(std::optional<T>)> f) : fn(std::move(f)) {}
    ~state() { answer(std::nullopt); }
    void answer(std::optional<T> v) {
      if (!done.exchange(true) && fn)
        fn(std::move(v));
    }
    std::function<void(std::optional<T>)> fn;
    std::atomic<bool> done{false};
  };
  std::shared_ptr<state> state_;
};

} // namespace temblor::api
