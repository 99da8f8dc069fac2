// Fuzzes the HTTP server's request parser (http_parser with our limits and
// body budget): any bytes, fed whole and again in pieces the input chooses.
// Both feeds must agree on every request and on the error; rejections use
// only the statuses the server answers with; the budget is refunded.

#include "connectors/http/server/request_parser.hpp"
#include "tests/fuzz/fuzz_support.hpp"

using namespace temblor::connectors::http;
using temblor::fuzz::fuzz_check;

namespace {

struct outcome {
  std::vector<std::string> requests; ///< method, target, headers, body of each
  int error = 0;
};

std::string describe(const http_request& r) {
  std::string s = r.method + " " + r.target + " " + r.version() + (r.keep_alive ? " ka" : "");
  for (const auto& h : r.headers)
    s += "\n" + h.name + ": " + h.value;
  return s + "\n\n" + r.body;
}

/// Feeds `data` in pieces of the given sizes (the last piece takes the rest).
outcome parse(std::string_view data, const std::vector<size_t>& cuts, body_budget& budget) {
  request_limits lim;
  lim.max_header_bytes = 2048;
  lim.max_header_count = 16;
  lim.max_body_bytes = 4096;
  request_parser p(lim, &budget);
  outcome out;
  size_t cut = 0;
  size_t off = 0;
  while (off < data.size()) {
    size_t piece = cut < cuts.size() ? std::min(cuts[cut++], data.size() - off) : data.size() - off;
    size_t used_total = 0;
    while (used_total < piece) {
      request_parser::state st;
      size_t used = p.feed(data.data() + off + used_total, piece - used_total, st);
      fuzz_check(used <= piece - used_total, "feed consumes at most what it is given");
      used_total += used;
      if (st == request_parser::state::complete) {
        auto r = p.take();
        fuzz_check(r.body.size() <= lim.max_body_bytes, "bodies stay within max_body_bytes");
        fuzz_check(r.headers.size() <= lim.max_header_count, "headers stay within the count");
        out.requests.push_back(describe(r));
        continue;
      }
      if (st == request_parser::state::error) {
        int s = p.error_status();
        fuzz_check(s == 400 || s == 413 || s == 431 || s == 501, "rejections are 400/413/431/501");
        out.error = s;
        return out;
      }
      fuzz_check(used_total == piece, "need_more means everything given was consumed");
    }
    off += piece;
  }
  return out;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  FuzzedDataProvider in(data, size);
  std::vector<size_t> cuts;
  size_t pieces = in.ConsumeIntegralInRange<size_t>(0, 8);
  for (size_t i = 0; i < pieces; ++i)
    cuts.push_back(in.ConsumeIntegralInRange<size_t>(1, 64));
  std::string wire = in.ConsumeRemainingBytesAsString();
  body_budget budget(1 << 20);
  outcome whole = parse(wire, {}, budget);
  fuzz_check(budget.used() == 0, "a finished parser gives the body budget back");
  outcome split = parse(wire, cuts, budget);
  fuzz_check(budget.used() == 0, "a finished parser gives the body budget back");
  fuzz_check(whole.requests == split.requests, "pieces parse like the whole");
  fuzz_check(whole.error == split.error, "pieces fail like the whole");
  return 0;
}
