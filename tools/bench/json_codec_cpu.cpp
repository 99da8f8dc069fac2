// CPU per event of the json codec alone, on one thread, over
// events1k.ndjson: the chain separate -> json decode and json encode ->
// separate, then each decoder alone on the same lines (the direct reader,
// and the RapidJSON path it falls back to, in the same run). Prints
// one line per round; json_codec_cpu.sh builds it and takes medians.
//   json_codec_cpu EVENTS_FILE ROUNDS
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <malloc.h>
#include <sstream>
#include <string>
#include <vector>

#include "codecs/chain.hpp"
#include "codecs/json.hpp"

using namespace temblor;

namespace {

double cpu_seconds() {
  timespec t{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) * 1e-9;
}

} // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: json_codec_cpu EVENTS_FILE ROUNDS\n");
    return 2;
  }
  // Freeing a read's 64 events at once would otherwise hand the heap's top
  // back to the kernel each time and fault it in again on the next read;
  // a running flow keeps its heap warm.
  mallopt(M_TRIM_THRESHOLD, 256 << 20);
  std::ifstream in(argv[1]);
  std::stringstream all;
  all << in.rdbuf();
  const std::string text = all.str();
  std::vector<std::string> lines;
  for (size_t at = 0; at < text.size();) {
    size_t nl = text.find('\n', at);
    if (nl == std::string::npos)
      nl = text.size();
    lines.push_back(text.substr(at, nl - at));
    at = nl + 1;
  }
  const int rounds = std::atoi(argv[2]);
  codecs::chain_spec spec{value("json"), value(array{value("separate")}),
                          value(array{value("separate")})};
  std::string err;
  for (int r = 0; r < rounds; ++r) {
    // The chain as a connector runs it: 64 KiB reads split into lines.
    auto decoder = spec.make_decoder();
    auto encoder = spec.make_encoder();
    std::vector<codecs::decoded> events;
    std::vector<std::string> frames;
    double decode = 0, encode = 0;
    size_t n = 0;
    for (size_t at = 0; at < text.size(); at += 65536) {
      events.clear(); // frees the previous read's values
      double t0 = cpu_seconds();
      decoder->decode(0, std::string_view(text).substr(at, 65536), events);
      double t1 = cpu_seconds();
      for (const auto& e : events) {
        frames.clear();
        if (!e.ok || !encoder->encode(e.data, 0, frames, err)) {
          std::fprintf(stderr, "event %zu failed: %s%s\n", n, e.error.c_str(), err.c_str());
          return 1;
        }
        ++n;
      }
      decode += t1 - t0;
      encode += cpu_seconds() - t1;
    }
    // Each decoder alone on the same lines, values kept as long as above.
    auto decode_lines = [&](bool direct) {
      codecs::json_decoder d;
      std::vector<value> slots(64);
      double t = cpu_seconds();
      for (size_t i = 0; i < lines.size(); ++i) {
        if (lines[i].empty())
          continue;
        auto& slot = slots[i % 64];
        bool ok = direct ? d.decode(lines[i], slot, err) : d.decode_with_rapidjson(lines[i], slot, err);
        if (!ok) {
          std::fprintf(stderr, "line %zu failed: %s\n", i, err.c_str());
          std::exit(1);
        }
      }
      return (cpu_seconds() - t) / static_cast<double>(n) * 1e6;
    };
    double direct_alone = decode_lines(true);
    double rapidjson_alone = decode_lines(false);
    std::printf("events=%zu chain_decode_us=%.3f encode_us=%.3f direct_decode_us=%.3f "
                "rapidjson_decode_us=%.3f\n",
                n, decode / static_cast<double>(n) * 1e6, encode / static_cast<double>(n) * 1e6,
                direct_alone, rapidjson_alone);
  }
  return 0;
}
