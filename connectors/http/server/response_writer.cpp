#include "connectors/http/server/response_writer.hpp"

#include <http_parser.h>

#include <charconv>
#include <chrono>
#include <ctime>

namespace temblor::connectors::http {

namespace {

bool token_char(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
    return true;
  switch (c) {
    case '!': case '#': case '$': case '%': case '&': case '\'': case '*': case '+':
    case '-': case '.': case '^': case '_': case '`': case '|': case '~':
      return true;
    default:
      return false;
  }
}

// to_chars: no locale and no format parsing, twice per response.
void append_number(std::string& out, uint64_t n, int base = 10) {
  char buf[24];
  auto end = std::to_chars(buf, buf + sizeof(buf), n, base).ptr;
  out.append(buf, static_cast<size_t>(end - buf));
}

} // namespace

bool status_allows_body(unsigned status) {
  return !(status < 200 || status == 204 || status == 304);
}

std::string_view reason_phrase(unsigned status) {
  // http_parser's table is the RFC's; unknown codes print "<unknown>".
  const char* s = http_status_str(static_cast<http_status>(status));
  std::string_view text(s);
  if (text.empty() || text.front() == '<')
    return "Unknown";
  return text;
}

bool valid_header(const http_header& h) {
  if (h.name.empty())
    return false;
  for (char c : h.name)
    if (!token_char(c))
      return false;
  for (char c : h.value)
    if (c == '\r' || c == '\n' || c == '\0')
      return false;
  return true;
}

bool framing_header(std::string_view name) {
  return iequals(name, "content-length") || iequals(name, "transfer-encoding") ||
         iequals(name, "connection") || iequals(name, "date");
}

size_t append_response_head(std::string& out, unsigned status, const http_headers& headers,
                            body_framing framing, uint64_t body_length,
                            connection_token connection) {
  size_t dropped = 0;
  out += "HTTP/1.1 ";
  append_number(out, status);
  out += ' ';
  out += reason_phrase(status);
  out += "\r\ndate: ";
  out += http_date();
  out += "\r\n";
  for (const auto& h : headers) {
    if (framing_header(h.name))
      continue;
    if (!valid_header(h)) {
      ++dropped;
      continue;
    }
    out += h.name;
    out += ": ";
    out += h.value;
    out += "\r\n";
  }
  switch (framing) {
    case body_framing::length:
      out += "content-length: ";
      append_number(out, body_length);
      out += "\r\n";
      break;
    case body_framing::chunked: out += "transfer-encoding: chunked\r\n"; break;
    case body_framing::until_close: break;
    case body_framing::none:
      // A HEAD answer announces the length the GET would have had.
      if (status_allows_body(status)) {
        out += "content-length: ";
        append_number(out, body_length);
        out += "\r\n";
      }
      break;
  }
  switch (connection) {
    case connection_token::none: break;
    case connection_token::keep_alive: out += "connection: keep-alive\r\n"; break;
    case connection_token::close: out += "connection: close\r\n"; break;
  }
  out += "\r\n";
  return dropped;
}

void append_chunk(std::string& out, std::string_view data) {
  if (data.empty())
    return;
  append_number(out, data.size(), 16);
  out += "\r\n";
  out += data;
  out += "\r\n";
}

void append_last_chunk(std::string& out) { out += "0\r\n\r\n"; }

std::string_view http_date() {
  // Formatting a date per response costs more than the rest of the head;
  // each I/O thread keeps the current second's text.
  thread_local std::time_t cached_second = -1;
  thread_local char text[40];
  thread_local size_t length = 0;
  std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  if (now != cached_second) {
    std::tm tm{};
    gmtime_r(&now, &tm);
    length = std::strftime(text, sizeof(text), "%a, %d %b %Y %H:%M:%S GMT", &tm);
    cached_second = now;
  }
  return std::string_view(text, length);
}

} // namespace temblor::connectors::http
