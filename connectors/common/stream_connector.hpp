#pragma once

// The connector contract over stream_server and stream_client, shared by
// tcp_* and unix_socket_*: each of them only says how to listen or dial
// (its flavor) and what `temblor check` verifies. Private to connectors'
// .cpp files (it includes Asio).

#include <functional>
#include <memory>
#include <string>

#include "connectors/common/stream_client.hpp"
#include "connectors/common/stream_server.hpp"
#include "connectors/connector.hpp"

namespace temblor::connectors::common {

/// Verifies what connect() would load (TLS files); true when nothing to check.
using check_fn = std::function<bool(std::string& err)>;

/// A server connector (duplex: each connection a stream, replies routed
/// back) whose flavor `make_flavor` builds when the connector starts.
std::unique_ptr<connector> make_stream_server_connector(
    const connector_args& args, const stream_server_settings& settings,
    std::function<std::unique_ptr<server_flavor>()> make_flavor, check_fn check);

/// A client connector (duplex: one connection, stream 0).
std::unique_ptr<connector> make_stream_client_connector(
    const connector_args& args, const stream_client_settings& settings,
    std::function<std::unique_ptr<client_flavor>()> make_flavor, check_fn check);

} // namespace temblor::connectors::common
