#include "connectors/kafka/offset_tracker.hpp"

#include <algorithm>
#include <limits>

namespace temblor::connectors::kafka {

bool offset_tracker::emitted(int64_t offset) {
  if (expect_ >= 0) {
    if (offset != expect_)
      return false;
    expect_ = -1;
  } else if (last_ >= 0 && offset <= last_) {
    return false;
  }
  if (first_ < 0)
    first_ = offset;
  last_ = offset;
  in_flight_.push_back(offset);
  return true;
}

bool offset_tracker::limit_of(uint64_t stream, int64_t& limit) const {
  if (stream == stream_) {
    limit = std::numeric_limits<int64_t>::max();
    return true;
  }
  for (const auto& r : retired_) {
    if (r.stream == stream) {
      limit = r.limit;
      return true;
    }
  }
  return false;
}

size_t offset_tracker::ack(uint64_t stream, int64_t offset, std::vector<int64_t>* done) {
  int64_t limit = 0;
  if (!limit_of(stream, limit))
    return 0;
  int64_t upto = std::min(offset, limit - 1);
  size_t count = 0;
  while (!in_flight_.empty() && in_flight_.front() <= upto) {
    highest_done_ = std::max(highest_done_, in_flight_.front());
    if (done)
      done->push_back(in_flight_.front());
    in_flight_.pop_front();
    ++count;
  }
  if (count > 0)
    retire_idle_streams();
  return count;
}

bool offset_tracker::rewind(uint64_t stream, int64_t offset, uint64_t next_stream) {
  int64_t limit = 0;
  if (!limit_of(stream, limit) || offset >= limit)
    return false;
  if (first_ < 0 || offset < first_ || offset > last_)
    return false;
  while (!in_flight_.empty() && in_flight_.back() >= offset)
    in_flight_.pop_back();
  // Acknowledged entries past the rewind point come again; the watermark
  // must not run ahead of them.
  highest_done_ = std::min(highest_done_, offset - 1);
  for (auto& r : retired_)
    r.limit = std::min(r.limit, offset);
  retired_.push_back({stream_, offset});
  stream_ = next_stream;
  last_ = offset - 1;
  expect_ = offset;
  retire_idle_streams();
  return true;
}

void offset_tracker::restart(uint64_t next_stream) {
  for (const auto& r : retired_)
    finished_.push_back(r.stream);
  retired_.clear();
  finished_.push_back(stream_);
  stream_ = next_stream;
  in_flight_.clear();
  highest_done_ = first_ = last_ = expect_ = -1;
}

void offset_tracker::retire_idle_streams() {
  // A retired stream only carried entries below its limit.
  auto idle = [&](const retired_stream& r) {
    return in_flight_.empty() || in_flight_.front() >= r.limit;
  };
  for (const auto& r : retired_)
    if (idle(r))
      finished_.push_back(r.stream);
  retired_.erase(std::remove_if(retired_.begin(), retired_.end(), idle), retired_.end());
}

std::vector<uint64_t> offset_tracker::take_finished() {
  std::vector<uint64_t> out;
  out.swap(finished_);
  return out;
}

bool offset_tracker::in_flight(int64_t offset) const {
  return std::binary_search(in_flight_.begin(), in_flight_.end(), offset);
}

int64_t offset_tracker::committable() const {
  if (!in_flight_.empty())
    return in_flight_.front();
  return highest_done_ < 0 ? -1 : highest_done_ + 1;
}

} // namespace temblor::connectors::kafka
