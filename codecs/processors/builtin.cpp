// THE lists of builtin pre- and postprocessors. Adding one: write
// codecs/processors/<name>.{hpp,cpp}, add a line here and in
// codecs/CMakeLists.txt, and a test.

#include "codecs/config.hpp"
#include "codecs/processors/base64.hpp"
#include "codecs/processors/chunk.hpp"
#include "codecs/processors/compress.hpp"
#include "codecs/processors/decompress.hpp"
#include "codecs/processors/ingest_ns.hpp"
#include "codecs/processors/length_prefixed.hpp"
#include "codecs/processors/processor.hpp"
#include "codecs/processors/remove_empty.hpp"
#include "codecs/processors/separate.hpp"
#include "codecs/processors/streaming_compress.hpp"
#include "codecs/processors/textual_length_prefixed.hpp"

namespace temblor::codecs {

namespace {

registry<preprocessor_descriptor> make_builtin_preprocessors() {
  registry<preprocessor_descriptor> r;
  r.add({"separate", "splits at a separator byte (default \\n)", make_separate_preprocessor});
  // Tremor's name for `separate` up to 0.11; some 0.12 docs still show it.
  r.add({"lines", "old name of separate", make_separate_preprocessor});
  r.add({"base64", "decodes base64 chunks", make_base64_preprocessor});
  r.add({"remove-empty", "drops empty chunks", make_remove_empty_preprocessor});
  r.add({"length-prefixed", "reassembles u64 big-endian length-prefixed frames",
         make_length_prefixed_preprocessor});
  r.add({"textual-length-prefixed", "reassembles RFC 5425 `<digits> <bytes>` frames",
         make_textual_length_prefixed_preprocessor});
  r.add({"textual-length-prefix", "0.12 name of textual-length-prefixed",
         make_textual_length_prefixed_preprocessor});
  r.add({"ingest-ns", "strips a u64 big-endian ingest timestamp into the event",
         make_ingest_ns_preprocessor});
  r.add({"decompress", "decompresses chunks (gzip, zlib, xz2, zstd, lz4, br; autodetect)",
         make_decompress_preprocessor});
  return r;
}

registry<postprocessor_descriptor> make_builtin_postprocessors() {
  registry<postprocessor_descriptor> r;
  r.add({"separate", "appends a separator byte (default \\n)", make_separate_postprocessor});
  r.add({"lines", "old name of separate", make_separate_postprocessor});
  r.add({"base64", "encodes chunks as base64", make_base64_postprocessor});
  r.add({"length-prefixed", "prepends a u64 big-endian length",
         make_length_prefixed_postprocessor});
  r.add({"textual-length-prefixed", "prepends the length in ASCII digits and a space",
         make_textual_length_prefixed_postprocessor});
  r.add({"textual-length-prefix", "0.12 name of textual-length-prefixed",
         make_textual_length_prefixed_postprocessor});
  r.add({"ingest-ns", "prepends the event's ingest time as a u64 big-endian",
         make_ingest_ns_postprocessor});
  r.add({"chunk", "packs whole frames into writes of at most max_bytes",
         make_chunk_postprocessor});
  r.add({"collect", "concatenates frames until max_bytes (0: until stream end)",
         make_collect_postprocessor});
  r.add({"streaming-compress", "one xz2/zstd stream over all frames, finished at stream end",
         make_streaming_compress_postprocessor});
  r.add({"compress", "compresses frames; config {\"algorithm\": …, \"level\": n}",
         make_compress_postprocessor});
  return r;
}

// Builds every entry of a processor list; shared by both directions.
template <class Registry, class Processor>
bool make_chain(const Registry& reg, std::string_view what, const value& list,
                std::vector<std::unique_ptr<Processor>>& out, std::string& err) {
  out.clear();
  if (list.is_null())
    return true;
  if (!list.is_array()) {
    err = std::string(what) + "s must be a list, not " + std::string(kind_name(list.kind()));
    return false;
  }
  size_t index = 0;
  for (const auto& spec : list.as_array()) {
    std::string name, why;
    value config;
    auto where = [&] { return std::string(what) + " " + std::to_string(index) + ": "; };
    if (!split_spec(spec, what, name, config, why)) {
      err = where() + why;
      return false;
    }
    const auto* d = reg.find(name);
    if (d == nullptr) {
      err = "Unknown " + std::string(what) + " " + name + "; " + reg.hint_for(name);
      return false;
    }
    std::unique_ptr<Processor> p;
    try {
      p = d->make(config, why);
    } catch (const std::exception& e) {
      why = e.what();
    }
    if (!p) {
      err = where() + "`" + name + "`: " + why;
      return false;
    }
    out.push_back(std::move(p));
    ++index;
  }
  return true;
}

} // namespace

const registry<preprocessor_descriptor>& builtin_preprocessors() {
  static const auto registry = make_builtin_preprocessors();
  return registry;
}

const registry<postprocessor_descriptor>& builtin_postprocessors() {
  static const auto registry = make_builtin_postprocessors();
  return registry;
}

bool make_preprocessors(const value& list, std::vector<std::unique_ptr<preprocessor>>& out,
                        std::string& err) {
  return make_chain(builtin_preprocessors(), "preprocessor", list, out, err);
}

bool make_postprocessors(const value& list, std::vector<std::unique_ptr<postprocessor>>& out,
                         std::string& err) {
  return make_chain(builtin_postprocessors(), "postprocessor", list, out, err);
}

} // namespace temblor::codecs
