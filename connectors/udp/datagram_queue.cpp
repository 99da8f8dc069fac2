#include "connectors/udp/datagram_queue.hpp"

#include <utility>

namespace temblor::connectors::udp {

void datagram_queue::push(std::string datagram) {
  bytes_ += datagram.size() + overhead_per_datagram;
  items_.push_back(std::move(datagram));
}

std::string datagram_queue::pop() {
  std::string d = std::move(items_.front());
  items_.pop_front();
  bytes_ -= d.size() + overhead_per_datagram;
  return d;
}

size_t datagram_queue::clear() {
  const size_t n = items_.size();
  items_.clear();
  bytes_ = 0;
  return n;
}

} // namespace temblor::connectors::udp
