#include "runtime/connector/credit_pool.hpp"

namespace temblor {

namespace {

/// Marks a token as coming from a pool, so a sink can find the pool again
/// (std::get_deleter) without the token exposing it.
struct token_deleter {
  credit_pool* pool;
  void operator()(credit_token* token) const { delete token; }
};

} // namespace

void credit_pool::release(void* owner) {
  auto* pool = static_cast<credit_pool*>(owner);
  pool->in_flight_.fetch_sub(1, std::memory_order_acq_rel);
  if (pool->waiting_.exchange(false) && pool->wake_)
    pool->wake_();
}

std::shared_ptr<credit_token> credit_pool::take() {
  in_flight_.fetch_add(1, std::memory_order_acq_rel);
  return std::shared_ptr<credit_token>(new credit_token(shared_from_this(), &release),
                                       token_deleter{this});
}

bool credit_pool::exhausted() {
  if (in_flight_.load(std::memory_order_acquire) < limit_)
    return false;
  waiting_ = true;
  // A unit may have come back between the check and the flag.
  if (in_flight_.load(std::memory_order_acquire) >= limit_)
    return true;
  waiting_ = false;
  return false;
}

void credit_pool::recycle(event_batch& batch) {
  if (!batch.credit || batch.events.empty())
    return;
  auto* d = std::get_deleter<token_deleter>(batch.credit);
  if (!d || !d->pool->recycling_.load(std::memory_order_relaxed))
    return;
  std::lock_guard<std::mutex> guard(d->pool->recycled_mutex_);
  d->pool->recycled_.push_back(std::move(batch.events));
  batch.events.clear();
}

void credit_pool::free_recycled() {
  {
    std::lock_guard<std::mutex> guard(recycled_mutex_);
    if (recycled_.empty())
      return;
    scratch_.swap(recycled_);
  }
  scratch_.clear();
}

} // namespace temblor
