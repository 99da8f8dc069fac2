#include "tools/temblor/ops/api_fetch.hpp"

#include <memory>

#include <curl/curl.h>

#include "codecs/json.hpp"

namespace temblor::ops {

namespace {

size_t append(char* data, size_t size, size_t n, void* out) {
  static_cast<std::string*>(out)->append(data, size * n);
  return size * n;
}

} // namespace

bool fetch_json(const std::string& address, const std::string& path, std::chrono::milliseconds timeout,
                fetched& out, std::string& err) {
  std::string url = "http://" + address + path;
  std::unique_ptr<CURL, void (*)(CURL*)> curl(curl_easy_init(), curl_easy_cleanup);
  std::unique_ptr<curl_slist, void (*)(curl_slist*)> headers(
    curl_slist_append(nullptr, "Accept: application/json"), curl_slist_free_all);
  if (!curl || !headers) {
    err = "cannot set up an HTTP client";
    return false;
  }
  std::string body;
  curl_easy_setopt(curl.get(), CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl.get(), CURLOPT_HTTPHEADER, headers.get());
  curl_easy_setopt(curl.get(), CURLOPT_TIMEOUT_MS, static_cast<long>(timeout.count()));
  curl_easy_setopt(curl.get(), CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl.get(), CURLOPT_PROTOCOLS_STR, "http");
  curl_easy_setopt(curl.get(), CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(64) << 20);
  curl_easy_setopt(curl.get(), CURLOPT_WRITEFUNCTION, append);
  curl_easy_setopt(curl.get(), CURLOPT_WRITEDATA, &body);
  CURLcode rc = curl_easy_perform(curl.get());
  if (rc != CURLE_OK) {
    err = "cannot reach the REST API at " + url + ": " + curl_easy_strerror(rc);
    return false;
  }
  long status = 0;
  curl_easy_getinfo(curl.get(), CURLINFO_RESPONSE_CODE, &status);
  out.status = static_cast<unsigned>(status);
  std::string json_err;
  if (!codecs::json_decode(body, out.body, json_err)) {
    err = url + " answered " + std::to_string(status) + " without JSON: " + json_err;
    return false;
  }
  return true;
}

} // namespace temblor::ops
