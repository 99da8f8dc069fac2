#pragma once

// Which emitted ids the cb source has heard back about. Plain class.

#include <cstdint>
#include <set>
#include <string>

namespace temblor::connectors {

class cb_tracker {
public:
  explicit cb_tracker(bool expect_batched) : expect_batched_(expect_batched) {}

  void emitted(uint64_t id) { last_ = id; any_ = true; }
  void ack(uint64_t id) { acks_.insert(id); }
  void fail(uint64_t id) { fails_.insert(id); }

  /// True once every emitted id got an ack or a fail; with batching one
  /// ack/fail covers every id up to it.
  bool complete() const;

  /// The lines printed to stderr at the end (Tremor's wording).
  std::string report() const;

private:
  bool covered(uint64_t id) const;

  bool expect_batched_;
  bool any_ = false;
  uint64_t last_ = 0;
  std::set<uint64_t> acks_;
  std::set<uint64_t> fails_;
};

} // namespace temblor::connectors
