#pragma once

// Lookups as Tremor's dns_client answers them (trust-dns): a name alone is
// `lookup_ip` — the hosts file, then DNS, A first and AAAA only when A gives
// nothing; a name with a type is that query. `localhost` (and names under
// it) answers 127.0.0.1 / ::1 without asking a server, and an address
// answers itself; those and hosts-file records carry trust-dns's TTL of
// 86400 s. Each lookup ends within its timeout. Runs on one Asio loop over
// c-ares; every method is called on that loop.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <asio/io_context.hpp>

#include "connectors/dns/ares_loop.hpp"
#include "connectors/dns/dns_answer.hpp"

namespace temblor::connectors::dns {

/// What one event asks for.
struct lookup_request {
  std::string name;
  std::optional<uint16_t> type; ///< none: A then AAAA, hosts file first
};

/// How a lookup ended: the answer's records, or why there are none.
struct lookup_outcome {
  bool ok = false;
  std::vector<dns_record> records;
  std::string error;
};

class dns_resolver : public std::enable_shared_from_this<dns_resolver> {
public:
  using callback = std::function<void(lookup_outcome)>;

  /// The TTL trust-dns gives what did not come from a server.
  static constexpr uint32_t local_ttl = 86400;

  dns_resolver(asio::io_context& io, std::chrono::milliseconds timeout);

  /// Sets up c-ares; false with `err` when it cannot.
  bool open(const ares_loop::options& opts, std::string& err);

  /// Looks `req` up; `done` runs exactly once on the loop, within the
  /// timeout (also when close() cuts the lookup short).
  void lookup(lookup_request req, callback done);

  /// Ends every pending lookup (with an error) and releases c-ares.
  void close();

private:
  struct pending;
  struct query;

  void run_stage(const std::shared_ptr<pending>& p, uint16_t type);
  bool answer_locally(const std::shared_ptr<pending>& p, uint16_t type);
  static void on_answer(void* arg, int status, int timeouts, unsigned char* abuf, int alen);

  asio::io_context& io_;
  std::chrono::milliseconds timeout_;
  std::shared_ptr<ares_loop> ares_;
};

} // namespace temblor::connectors::dns
