#include "connectors/dns/dns_resolver.hpp"

#include <arpa/inet.h>
#include <netdb.h>

#include <algorithm>
#include <cctype>
#include <cstring>

#include <asio/post.hpp>
#include <asio/steady_timer.hpp>

namespace temblor::connectors::dns {

namespace {

constexpr uint16_t type_a = 1;
constexpr uint16_t type_aaaa = 28;
constexpr int class_in = 1;

std::string lower(std::string s) {
  for (auto& c : s)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

/// RFC 6761: localhost and every name under it are the loopback.
bool is_localhost(const std::string& name) {
  std::string n = lower(name);
  if (!n.empty() && n.back() == '.')
    n.pop_back();
  static constexpr std::string_view suffix = ".localhost";
  return n == "localhost" ||
         (n.size() > suffix.size() && n.compare(n.size() - suffix.size(), suffix.size(), suffix) == 0);
}

dns_record address_record(int family, const void* addr) {
  char text[INET6_ADDRSTRLEN] = {};
  ::inet_ntop(family, addr, text, sizeof(text));
  return dns_record{family == AF_INET6 ? type_aaaa : type_a, text, dns_resolver::local_ttl};
}

} // namespace

/// One lookup: its request, its callback and its deadline.
struct dns_resolver::pending {
  explicit pending(asio::io_context& io) : deadline(io) {}

  void finish(lookup_outcome outcome) {
    if (finished)
      return;
    finished = true;
    deadline.cancel();
    auto cb = std::move(done);
    cb(std::move(outcome));
  }
  void fail(std::string why) {
    lookup_outcome o;
    o.error = std::move(why);
    finish(std::move(o));
  }

  lookup_request req;
  callback done;
  asio::steady_timer deadline;
  bool finished = false;
  std::string a_error; ///< why A gave nothing, for a name-only lookup
};

/// What c-ares hands back to on_answer.
struct dns_resolver::query {
  std::weak_ptr<dns_resolver> resolver;
  std::shared_ptr<pending> lookup;
  uint16_t type;
};

dns_resolver::dns_resolver(asio::io_context& io, std::chrono::milliseconds timeout)
  : io_(io), timeout_(timeout) {}

bool dns_resolver::open(const ares_loop::options& opts, std::string& err) {
  ares_ = ares_loop::create(io_, opts, err);
  return ares_ != nullptr;
}

void dns_resolver::close() {
  if (ares_)
    ares_->close(); // every query ends with ARES_EDESTRUCTION
  ares_.reset();
}

void dns_resolver::lookup(lookup_request req, callback done) {
  auto p = std::make_shared<pending>(io_);
  p->req = std::move(req);
  p->done = std::move(done);
  p->deadline.expires_after(timeout_);
  p->deadline.async_wait([p, ms = timeout_.count()](const asio::error_code& ec) {
    if (!ec)
      p->fail("no answer within " + std::to_string(ms) + " ms");
  });
  if (p->req.name.empty()) {
    p->fail("the name to look up is empty");
    return;
  }
  if (p->req.type) {
    run_stage(p, *p->req.type);
    return;
  }
  // An address answers itself, as trust-dns's lookup_ip does.
  unsigned char addr[16];
  if (::inet_pton(AF_INET, p->req.name.c_str(), addr) == 1 ||
      ::inet_pton(AF_INET6, p->req.name.c_str(), addr) == 1) {
    lookup_outcome o;
    o.ok = true;
    o.records.push_back(address_record(
      p->req.name.find(':') != std::string::npos ? AF_INET6 : AF_INET, addr));
    p->finish(std::move(o));
    return;
  }
  run_stage(p, type_a);
}

bool dns_resolver::answer_locally(const std::shared_ptr<pending>& p, uint16_t type) {
  if (type != type_a && type != type_aaaa)
    return false;
  const int family = type == type_a ? AF_INET : AF_INET6;
  lookup_outcome o;
  // The hosts file only for name-only lookups: trust-dns consults it in
  // lookup_ip, not for typed queries.
  hostent* host = nullptr;
  if (!p->req.type && ares_gethostbyname_file(ares_->channel(), p->req.name.c_str(), family,
                                              &host) == ARES_SUCCESS) {
    for (char** a = host->h_addr_list; a != nullptr && *a != nullptr; ++a)
      o.records.push_back(address_record(family, *a));
    ares_free_hostent(host);
  }
  if (o.records.empty() && is_localhost(p->req.name)) {
    static const unsigned char v4[4] = {127, 0, 0, 1};
    static const unsigned char v6[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
    o.records.push_back(address_record(family, family == AF_INET ? v4 : v6));
  }
  if (o.records.empty())
    return false;
  o.ok = true;
  p->finish(std::move(o));
  return true;
}

void dns_resolver::run_stage(const std::shared_ptr<pending>& p, uint16_t type) {
  if (p->finished)
    return;
  if (!ares_ || !ares_->channel()) {
    p->fail("the resolver is closed");
    return;
  }
  if (answer_locally(p, type))
    return;
  auto* q = new query{weak_from_this(), p, type};
  ares_search(ares_->channel(), p->req.name.c_str(), class_in, type, &dns_resolver::on_answer, q);
  // ares_search may have answered at once (a bad name); the loop only needs
  // its timer for what is still out.
  if (ares_)
    ares_->started();
}

void dns_resolver::on_answer(void* arg, int status, int, unsigned char* abuf, int alen) {
  std::unique_ptr<query> q(static_cast<query*>(arg));
  auto& p = q->lookup;
  if (p->finished)
    return; // timed out already
  if (status == ARES_EDESTRUCTION) {
    p->fail("the resolver stopped");
    return;
  }
  const std::string type_name = record_type_name(q->type);
  if (status == ARES_SUCCESS) {
    lookup_outcome o;
    std::string err;
    if (parse_answer(abuf, static_cast<size_t>(alen), o.records, err)) {
      o.ok = true;
      p->finish(std::move(o));
    } else {
      p->fail("`" + p->req.name + "` (" + type_name + "): " + err);
    }
    return;
  }
  const std::string why = ares_strerror(status);
  if (!p->req.type && q->type == type_a) {
    // Tremor's lookup_ip asks for AAAA when A gives nothing.
    p->a_error = why;
    if (auto self = q->resolver.lock())
      self->run_stage(p, type_aaaa);
    else
      p->fail("the resolver stopped");
    return;
  }
  if (!p->req.type)
    p->fail("`" + p->req.name + "`: A: " + p->a_error + "; AAAA: " + why);
  else
    p->fail("`" + p->req.name + "` (" + type_name + "): " + why);
}

} // namespace temblor::connectors::dns
