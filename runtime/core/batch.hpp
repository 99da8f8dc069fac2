#pragma once

// Events travel between stages in batches, each carrying one unit of its
// source's in-flight budget.

#include <memory>
#include <vector>

#include "runtime/core/event.hpp"

namespace temblor {

/// Returns one unit of a source's in-flight budget when the last copy of a
/// batch (or of anything derived from it) is gone. Sources read only while
/// they have budget, so a slow sink bounds memory instead of mailboxes growing.
class credit_token {
public:
  using release_fn = void (*)(void* owner);
  credit_token(std::shared_ptr<void> owner, release_fn release)
    : owner_(std::move(owner)), release_(release) {}
  credit_token(const credit_token&) = delete;
  credit_token& operator=(const credit_token&) = delete;
  ~credit_token() { release_(owner_.get()); }

private:
  std::shared_ptr<void> owner_;
  release_fn release_;
};

/// Events travel in batches: one actor message per read chunk, not per event.
struct event_batch {
  std::vector<event> events;
  std::shared_ptr<credit_token> credit; ///< null for sources without a budget
};

} // namespace temblor
