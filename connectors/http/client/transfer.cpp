#include "connectors/http/client/transfer.hpp"

#include <algorithm>
#include <cstring>

namespace temblor::connectors::http {

namespace {

void lower_in_place(std::string& s) {
  for (auto& c : s)
    if (c >= 'A' && c <= 'Z')
      c = static_cast<char>(c - 'A' + 'a');
}

std::string trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n'))
    s.remove_suffix(1);
  return std::string(s);
}

/// Rewrites `url` to name `domain` and returns curl's CONNECT_TO entry that
/// sends that name to the original host, so SNI and the certificate check
/// use `domain` while the socket goes where the url says.
bool redirect_to_domain(std::string& url, const std::string& domain, std::string& connect_to,
                        bool https, std::string& err) {
  CURLU* u = curl_url();
  bool ok = false;
  char* host = nullptr;
  char* port = nullptr;
  char* rewritten = nullptr;
  if (curl_url_set(u, CURLUPART_URL, url.c_str(), 0) == CURLUE_OK &&
      curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK &&
      curl_url_get(u, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT) == CURLUE_OK &&
      (!https || curl_url_set(u, CURLUPART_SCHEME, "https", 0) == CURLUE_OK) &&
      curl_url_set(u, CURLUPART_HOST, domain.c_str(), 0) == CURLUE_OK &&
      curl_url_get(u, CURLUPART_URL, &rewritten, 0) == CURLUE_OK) {
    connect_to = domain + ":" + port + ":" + host + ":" + port;
    url = rewritten;
    ok = true;
  } else {
    err = "cannot apply `tls.domain` to url `" + url + "`";
  }
  curl_free(host);
  curl_free(port);
  curl_free(rewritten);
  curl_url_cleanup(u);
  return ok;
}

/// With `tls` set, an http:// url is spoken as https://.
std::string with_tls_scheme(const std::string& url) {
  if (url.compare(0, 7, "http://") == 0)
    return "https://" + url.substr(7);
  return url;
}

/// Whether `a` and `b` set the handle up alike (all but the body).
bool same_shape(const request_spec& a, const request_spec& b) {
  if (a.method != b.method || a.url != b.url || a.has_body != b.has_body ||
      a.chunked != b.chunked || a.headers.size() != b.headers.size())
    return false;
  for (size_t i = 0; i < a.headers.size(); ++i)
    if (a.headers[i].name != b.headers[i].name || a.headers[i].value != b.headers[i].value)
      return false;
  return true;
}

} // namespace

transfer::transfer() : easy_(curl_easy_init()) {}

transfer::~transfer() {
  curl_slist_free_all(header_list_);
  curl_slist_free_all(connect_to_);
  if (easy_ != nullptr)
    curl_easy_cleanup(easy_);
}

bool transfer::prepare(request_spec spec, const client_settings& s, std::string& err) {
  if (easy_ == nullptr) {
    err = "libcurl could not make a handle";
    return false;
  }
  // Most requests of a connector look alike: then the handle keeps every
  // option (and its header list) and only the body changes. Setting them
  // all again costs a reset, ~25 setopt calls with copies and parses, and
  // a header list per request.
  const bool same = ready_ && same_shape(spec_, spec);
  spec_ = std::move(spec);
  result_ = transfer_result{};
  result_.headers.reserve(16); // grown one header at a time otherwise
  read_pos_ = 0;
  too_large_ = false;
  error_buf_[0] = '\0';
  max_body_ = s.max_response_bytes;
  if (same) {
    if (spec_.has_body && !spec_.chunked) {
      curl_easy_setopt(easy_, CURLOPT_POSTFIELDS, spec_.body.data());
      curl_easy_setopt(easy_, CURLOPT_POSTFIELDSIZE_LARGE,
                       static_cast<curl_off_t>(spec_.body.size()));
    }
    return true;
  }
  ready_ = false;
  curl_easy_reset(easy_);
  curl_slist_free_all(header_list_);
  header_list_ = nullptr;
  curl_slist_free_all(connect_to_);
  connect_to_ = nullptr;

  std::string url = s.tls.enabled ? with_tls_scheme(spec_.url) : spec_.url;
  bool https = url.compare(0, 8, "https://") == 0;
  std::string connect_to;
  if (https && !s.tls.domain.empty() && !redirect_to_domain(url, s.tls.domain, connect_to, true, err))
    return false;

  CURL* e = easy_;
  curl_easy_setopt(e, CURLOPT_URL, url.c_str());
  curl_easy_setopt(e, CURLOPT_PRIVATE, this);
  curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
  // Proxies from the environment are not ours to use (Tremor ignores them).
  curl_easy_setopt(e, CURLOPT_PROXY, "");
  curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(e, CURLOPT_HTTP_VERSION, static_cast<long>(CURL_HTTP_VERSION_1_1));
  curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, static_cast<long>(s.timeout.count()));
  curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(std::min<long long>(s.timeout.count(), 10000)));
  curl_easy_setopt(e, CURLOPT_ERRORBUFFER, error_buf_);
  curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, &transfer::on_header);
  curl_easy_setopt(e, CURLOPT_HEADERDATA, this);
  curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, &transfer::on_body);
  curl_easy_setopt(e, CURLOPT_WRITEDATA, this);

  const std::string& m = spec_.method;
  if (spec_.has_body) {
    curl_easy_setopt(e, CURLOPT_POST, 1L);
    if (spec_.chunked) {
      // No length: curl sends what the read callback hands it as chunks.
      curl_easy_setopt(e, CURLOPT_READFUNCTION, &transfer::on_read);
      curl_easy_setopt(e, CURLOPT_READDATA, this);
    } else {
      curl_easy_setopt(e, CURLOPT_POSTFIELDS, spec_.body.data());
      curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(spec_.body.size()));
    }
    if (m != "POST")
      curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, m.c_str());
  } else if (m == "GET") {
    curl_easy_setopt(e, CURLOPT_HTTPGET, 1L);
  } else if (m == "HEAD") {
    curl_easy_setopt(e, CURLOPT_NOBODY, 1L);
  } else if (m == "POST") {
    curl_easy_setopt(e, CURLOPT_POST, 1L);
    curl_easy_setopt(e, CURLOPT_POSTFIELDS, "");
    curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(0));
  } else {
    curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, m.c_str());
  }

  for (const auto& h : spec_.headers) {
    std::string line = h.value.empty() ? h.name + ";" : h.name + ": " + h.value;
    header_list_ = curl_slist_append(header_list_, line.c_str());
  }
  // The body goes at once; waiting for `100 Continue` costs a round trip.
  header_list_ = curl_slist_append(header_list_, "Expect:");
  if (find_header(spec_.headers, "content-type") == nullptr)
    header_list_ = curl_slist_append(header_list_, "Content-Type:");
  curl_easy_setopt(e, CURLOPT_HTTPHEADER, header_list_);

  if (https) {
    curl_easy_setopt(e, CURLOPT_SSLVERSION, static_cast<long>(CURL_SSLVERSION_TLSv1_2));
    curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 2L);
    if (!s.tls.cafile.empty()) {
      // The given CA is the only one trusted.
      curl_easy_setopt(e, CURLOPT_CAINFO, s.tls.cafile.c_str());
      curl_easy_setopt(e, CURLOPT_CAPATH, nullptr);
      tls_note_ = " (trusted CA: " + s.tls.cafile + ")";
    } else {
      tls_note_ = " (trusted CAs: the system's)";
    }
    if (!s.tls.cert.empty()) {
      curl_easy_setopt(e, CURLOPT_SSLCERT, s.tls.cert.c_str());
      curl_easy_setopt(e, CURLOPT_SSLKEY, s.tls.key.c_str());
    }
  }
  if (!connect_to.empty()) {
    // curl keeps the list, not a copy: it lives until complete().
    connect_to_ = curl_slist_append(nullptr, connect_to.c_str());
    curl_easy_setopt(e, CURLOPT_CONNECT_TO, connect_to_);
  }
  switch (s.auth.type) {
    case client_auth::kind::none: break;
    case client_auth::kind::basic:
      curl_easy_setopt(e, CURLOPT_HTTPAUTH, static_cast<long>(CURLAUTH_BASIC));
      curl_easy_setopt(e, CURLOPT_USERNAME, s.auth.username.c_str());
      curl_easy_setopt(e, CURLOPT_PASSWORD, s.auth.password.c_str());
      break;
    case client_auth::kind::bearer:
      curl_easy_setopt(e, CURLOPT_HTTPAUTH, static_cast<long>(CURLAUTH_BEARER));
      curl_easy_setopt(e, CURLOPT_XOAUTH2_BEARER, s.auth.token.c_str());
      break;
  }
  ready_ = true;
  return true;
}

size_t transfer::on_header(char* data, size_t size, size_t n, void* self) {
  auto& t = *static_cast<transfer*>(self);
  std::string_view line(data, size * n);
  if (line.compare(0, 5, "HTTP/") == 0) {
    // A new response begins (after `100 Continue`, say): forget the last.
    t.result_.headers.clear();
    return size * n;
  }
  auto colon = line.find(':');
  if (colon == std::string_view::npos || colon == 0)
    return size * n;
  std::string name(line.substr(0, colon));
  lower_in_place(name);
  t.result_.headers.push_back(http_header{std::move(name), trim(line.substr(colon + 1))});
  return size * n;
}

size_t transfer::on_body(char* data, size_t size, size_t n, void* self) {
  auto& t = *static_cast<transfer*>(self);
  size_t len = size * n;
  if (t.result_.body.size() + len > t.max_body_) {
    t.too_large_ = true;
    return 0; // curl fails the transfer with a write error
  }
  t.result_.body.append(data, len);
  return len;
}

size_t transfer::on_read(char* data, size_t size, size_t n, void* self) {
  auto& t = *static_cast<transfer*>(self);
  size_t len = std::min(size * n, t.spec_.body.size() - t.read_pos_);
  std::memcpy(data, t.spec_.body.data() + t.read_pos_, len);
  t.read_pos_ += len;
  return len;
}

void transfer::complete(CURLcode code, transfer_result& out) {
  out = std::move(result_);
  result_ = transfer_result{};
  if (code != CURLE_OK) {
    out.ok = false;
    if (too_large_)
      out.error = "the response body is over " + std::to_string(max_body_) +
                  " bytes (max_response_bytes)";
    else
      out.error = error_buf_[0] != '\0' ? error_buf_ : curl_easy_strerror(code);
    if (code == CURLE_PEER_FAILED_VERIFICATION || code == CURLE_SSL_CACERT_BADFILE)
      out.error += tls_note_;
    return;
  }
  out.ok = true;
  curl_easy_getinfo(easy_, CURLINFO_RESPONSE_CODE, &out.status);
  long version = 0;
  curl_easy_getinfo(easy_, CURLINFO_HTTP_VERSION, &version);
  switch (version) {
    case CURL_HTTP_VERSION_1_0: out.version = "HTTP/1.0"; break;
    case CURL_HTTP_VERSION_2_0: out.version = "HTTP/2"; break;
    case CURL_HTTP_VERSION_3: out.version = "HTTP/3"; break;
    default: out.version = "HTTP/1.1"; break;
  }
}

} // namespace temblor::connectors::http
