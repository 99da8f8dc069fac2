#pragma once

// What every stage (connector or pipeline) counts, for operators: events per
// port, acks, fails, bytes, errors, and a connector's own named counters.
// Counts are relaxed atomics bumped once per batch by the stage's actor and
// read from any thread (the metrics endpoint, the status page, the periodic
// Tremor measurements), so reading never stops the data plane.

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace temblor {

/// A connector's named counters ("connections", "replies_dropped_slow_reader"…).
/// And its gauges: levels that go up and down ("connections_open").
class counter_set {
public:
  std::atomic<uint64_t>& get(std::string_view name);
  std::map<std::string, uint64_t> snapshot() const;
  std::atomic<uint64_t>& gauge(std::string_view name);
  std::map<std::string, uint64_t> gauge_snapshot() const;

private:
  using named_values = std::map<std::string, std::atomic<uint64_t>, std::less<>>;
  std::atomic<uint64_t>& find_or_add(named_values& values, std::string_view name);
  std::map<std::string, uint64_t> read(const named_values& values) const;

  mutable std::mutex mutex_;
  // std::map: references to its values stay valid as counters are added.
  named_values counters_;
  named_values gauges_;
};

/// Counts of one port.
struct port_count {
  std::string port;
  std::atomic<uint64_t> events{0};
};

class stage_stats {
public:
  enum class kind { connector, pipeline };

  stage_stats(kind k, std::string alias, std::string flow, std::string type,
              const std::vector<std::string>& in_ports, const std::vector<std::string>& out_ports,
              std::shared_ptr<counter_set> named = std::make_shared<counter_set>());

  kind what() const { return kind_; }
  const std::string& alias() const { return alias_; }
  const std::string& flow() const { return flow_; }
  /// The connector type, or "pipeline".
  const std::string& type() const { return type_; }

  /// Counts `n` events through input/output `port` (an undeclared port
  /// counts under "other").
  void count_in(const std::string& port, uint64_t n) { find(in_, port).events.fetch_add(n, relaxed); }
  void count_out(const std::string& port, uint64_t n) { find(out_, port).events.fetch_add(n, relaxed); }
  const std::vector<std::unique_ptr<port_count>>& inputs() const { return in_; }
  const std::vector<std::unique_ptr<port_count>>& outputs() const { return out_; }

  std::atomic<uint64_t> acks{0};
  std::atomic<uint64_t> fails{0};
  std::atomic<uint64_t> bytes_in{0};   ///< raw bytes read (before preprocessors)
  std::atomic<uint64_t> bytes_out{0};  ///< bytes handed to the connector to write
  std::atomic<uint64_t> errors{0};     ///< decode errors, write failures, query errors
  std::atomic<uint64_t> dropped{0};    ///< events sent to a port nothing reads
  std::atomic<uint64_t> reconnects{0}; ///< connect attempts after the first
  /// 1 while the source may read (connected, every sink downstream up).
  std::atomic<uint64_t> open{0};
  /// 1 while the connector is connected.
  std::atomic<uint64_t> connected{0};

  /// Seconds between Tremor measurements on the metrics channel (0: none).
  uint64_t metrics_interval_s = 0;

  counter_set& named() { return *named_; }
  const std::shared_ptr<counter_set>& named_ptr() const { return named_; }

private:
  static constexpr auto relaxed = std::memory_order_relaxed;
  static port_count& find(std::vector<std::unique_ptr<port_count>>& ports, const std::string& port);

  kind kind_;
  std::string alias_;
  std::string flow_;
  std::string type_;
  std::vector<std::unique_ptr<port_count>> in_;
  std::vector<std::unique_ptr<port_count>> out_;
  std::shared_ptr<counter_set> named_;
};

/// Every stage's stats in the process, for whoever reports them.
class stats_registry {
public:
  void add(std::shared_ptr<stage_stats> stats);
  std::vector<std::shared_ptr<stage_stats>> all() const;

private:
  mutable std::mutex mutex_;
  std::vector<std::shared_ptr<stage_stats>> stages_;
};

} // namespace temblor
