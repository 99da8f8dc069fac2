#include "connectors/common/loop_call.hpp"

#include <future>
#include <memory>

#include <asio/post.hpp>

namespace temblor::connectors::common {

void run_and_wait(asio::io_context& io, std::function<void()> fn,
                  std::chrono::milliseconds bound) {
  if (io.get_executor().running_in_this_thread()) {
    fn();
    return;
  }
  // Shared with the handler: after a timeout it may still run.
  auto done = std::make_shared<std::promise<void>>();
  auto finished = done->get_future();
  asio::post(io, [fn = std::move(fn), done] {
    fn();
    done->set_value();
  });
  finished.wait_for(bound);
}

} // namespace temblor::connectors::common
