// THE list of builtin connectors. Adding one: a folder, a line here, a line
// in CMakeLists.txt, a test.

#include "connectors/connector.hpp"
#include "connectors/crononome/crononome.hpp"
#include "connectors/debug/bench.hpp"
#include "connectors/debug/cb.hpp"
#include "connectors/debug/null.hpp"
#include "connectors/dns/dns_client.hpp"
#include "connectors/exit/exit.hpp"
#include "connectors/file/file.hpp"
#include "connectors/kafka/kafka_consumer.hpp"
#include "connectors/kafka/kafka_producer.hpp"
#include "connectors/kv/kv.hpp"
#include "connectors/metrics/metrics.hpp"
#include "connectors/http/http_client.hpp"
#include "connectors/http/http_server.hpp"
#include "connectors/metronome/metronome.hpp"
#include "connectors/stdio/stdio.hpp"
#include "connectors/tcp/tcp_client.hpp"
#include "connectors/tcp/tcp_server.hpp"
#include "connectors/unix_socket/unix_socket_client.hpp"
#include "connectors/unix_socket/unix_socket_server.hpp"
#include "connectors/wal/wal.hpp"
#include "connectors/udp/udp_client.hpp"
#include "connectors/udp/udp_server.hpp"
#include "connectors/ws/ws_client.hpp"
#include "connectors/ws/ws_server.hpp"

namespace temblor::connectors {

const connector_registry& builtin_connectors() {
  static const connector_registry registry = [] {
    connector_registry r;
    r.add(bench_descriptor());
    r.add(cb_descriptor());
    r.add(crononome::crononome_descriptor());
    r.add(dns::dns_client_descriptor());
    r.add(exit_descriptor());
    r.add(file_descriptor());
    r.add(kafka::kafka_consumer_descriptor());
    r.add(kafka::kafka_producer_descriptor());
    r.add(kv_descriptor());
    r.add(metrics_descriptor());
    r.add(http::http_client_descriptor());
    r.add(http::http_server_descriptor());
    r.add(metronome_descriptor());
    r.add(null_descriptor());
    r.add(stdio_descriptor());
    r.add(tcp::tcp_client_descriptor());
    r.add(tcp::tcp_server_descriptor());
    r.add(unix_socket::unix_socket_client_descriptor());
    r.add(unix_socket::unix_socket_server_descriptor());
    r.add(wal_descriptor());
    r.add(udp::udp_client_descriptor());
    r.add(udp::udp_server_descriptor());
    r.add(ws::ws_client_descriptor());
    r.add(ws::ws_server_descriptor());
    return r;
  }();
  return registry;
}

} // namespace temblor::connectors
