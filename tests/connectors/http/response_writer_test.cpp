#include <doctest/doctest.h>

#include "connectors/http/server/response_writer.hpp"

using namespace temblor::connectors::http;

TEST_SUITE("connectors.http.response") {

TEST_CASE("a response head carries the status, the handler's valid headers and our framing") {
  std::string out;
  http_headers headers{{"Content-Type", "application/json"},
                       {"content-length", "999"},
                       {"X-Split", "a\r\nInjected: yes"},
                       {"Bad Name", "x"},
                       {"X-Ok", "fine"}};
  size_t dropped = append_response_head(out, 201, headers, body_framing::length, 7,
                                        connection_token::none);
  CHECK(dropped == 2);
  CHECK(out.rfind("HTTP/1.1 201 Created\r\ndate: ", 0) == 0);
  CHECK(out.find("Content-Type: application/json\r\n") != std::string::npos);
  CHECK(out.find("content-length: 7\r\n") != std::string::npos);
  CHECK(out.find("999") == std::string::npos);
  CHECK(out.find("Injected") == std::string::npos);
  CHECK(out.find("X-Ok: fine\r\n") != std::string::npos);
  CHECK(out.find("connection:") == std::string::npos);
  CHECK(out.substr(out.size() - 4) == "\r\n\r\n");
}

TEST_CASE("chunked framing, connection tokens and bodiless statuses") {
  std::string out;
  append_response_head(out, 200, {}, body_framing::chunked, 0, connection_token::close);
  CHECK(out.find("transfer-encoding: chunked\r\n") != std::string::npos);
  CHECK(out.find("connection: close\r\n") != std::string::npos);
  out.clear();
  append_chunk(out, "hello");
  append_chunk(out, "");
  append_chunk(out, std::string(26, 'z'));
  append_last_chunk(out);
  CHECK(out == "5\r\nhello\r\n1a\r\n" + std::string(26, 'z') + "\r\n0\r\n\r\n");
  out.clear();
  append_response_head(out, 204, {}, body_framing::none, 0, connection_token::keep_alive);
  CHECK(out.find("content-length") == std::string::npos);
  CHECK(out.find("connection: keep-alive\r\n") != std::string::npos);
  out.clear();
  // HEAD: the length the GET would have had, no body.
  append_response_head(out, 200, {}, body_framing::none, 42, connection_token::none);
  CHECK(out.find("content-length: 42\r\n") != std::string::npos);
  CHECK(reason_phrase(431) == "Request Header Fields Too Large");
  CHECK(reason_phrase(799) == "Unknown");
}

} // TEST_SUITE
