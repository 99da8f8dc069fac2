#include "runtime/system/run_query.hpp"

#include <cstdio>
#include <fstream>
#include <iostream>

#include "codecs/chain.hpp"
#include "codecs/json.hpp"
#include "dsl/pipeline_runner.hpp"
#include "dsl/standalone.hpp"

namespace temblor {

namespace {

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// JSON with one member or element per line, two spaces per level.
void pretty_json(const value& v, std::string& out, size_t depth) {
  std::string pad(2 * (depth + 1), ' '), close(2 * depth, ' ');
  if (v.is_record() && !v.as_record().empty()) {
    out += "{\n";
    bool first = true;
    for (const auto& [key, member] : v.as_record()) {
      out += (first ? "" : ",\n") + pad + codecs::json_to_string(value{key}) + ": ";
      pretty_json(member, out, depth + 1);
      first = false;
    }
    out += "\n" + close + "}";
  } else if (v.is_array() && !v.as_array().empty()) {
    out += "[\n";
    bool first = true;
    for (const auto& element : v.as_array()) {
      out += (first ? "" : ",\n") + pad;
      pretty_json(element, out, depth + 1);
      first = false;
    }
    out += "\n" + close + "]";
  } else {
    out += codecs::json_to_string(v);
  }
}

// --interactive: what went in, on stderr, so stdout stays the output alone.
void echo_input(const value& payload, bool pretty) {
  std::string text;
  if (pretty)
    pretty_json(payload, text, 0);
  else
    text = codecs::json_to_string(payload);
  std::cerr << "in: " << text << "\n";
}

value processor_list(const std::string& name) {
  return name.empty() || name == "none" ? value{} : value{array{value{name}}};
}

class event_writer {
public:
  event_writer(std::unique_ptr<codecs::encoder_chain> out, std::unique_ptr<codecs::encoder_chain> err,
               std::ostream& out_stream)
    : out_(std::move(out)), err_(std::move(err)), out_stream_(out_stream) {}

  void write(const dsl::emitted_event& e) {
    bool to_err = e.port == "err";
    auto& chain = to_err ? *err_ : *out_;
    frames_.clear();
    std::string error;
    if (!chain.encode(e.ev.payload, e.ev.ingest_ns, frames_, error)) {
      std::cerr << "cannot encode event on port " << e.port << ": " << error << "\n";
      return;
    }
    for (const auto& f : frames_)
      (to_err ? std::cerr : out_stream_) << f;
  }

  void finish() {
    frames_.clear();
    out_->finish(frames_);
    for (const auto& f : frames_)
      out_stream_ << f;
    out_stream_.flush();
  }

private:
  std::unique_ptr<codecs::encoder_chain> out_;
  std::unique_ptr<codecs::encoder_chain> err_;
  std::ostream& out_stream_;
  std::vector<std::string> frames_;
};

} // namespace

bool is_query_or_script(const std::string& path) {
  return ends_with(path, ".trickle") || ends_with(path, ".tremor");
}

int run_query(const query_run_options& options) {
  dsl::diagnostics diags;
  dsl::load_options load;
  load.module_path = dsl::module_path_from_env();
  auto program = ends_with(options.file, ".tremor")
                   ? dsl::load_script_file(options.file, load, diags)
                   : dsl::load_query_file(options.file, load, diags);
  if (!program || diags.has_errors()) {
    std::fputs(diags.render().c_str(), stderr);
    return 1;
  }
  codecs::chain_spec input{value{options.decoder}, processor_list(options.preprocessor), value{}};
  codecs::chain_spec output{value{options.encoder}, value{}, processor_list(options.postprocessor)};
  std::string err;
  auto decoder = input.make_decoder(err);
  auto encoder = decoder ? output.make_encoder(err) : nullptr;
  auto err_encoder = encoder ? output.make_encoder(err) : nullptr;
  if (!err_encoder) {
    std::cerr << "Error: " << err << "\n";
    return 1;
  }

  std::ifstream in_file;
  if (!options.infile.empty()) {
    in_file.open(options.infile, std::ios::binary);
    if (!in_file) {
      std::cerr << "Error: cannot read " << options.infile << "\n";
      return 1;
    }
  }
  std::istream& in = options.infile.empty() ? std::cin : in_file;
  std::ofstream out_file;
  if (!options.outfile.empty()) {
    out_file.open(options.outfile, std::ios::binary | std::ios::trunc);
    if (!out_file) {
      std::cerr << "Error: cannot write " << options.outfile << "\n";
      return 1;
    }
  }
  event_writer writer(std::move(encoder), std::move(err_encoder),
                      options.outfile.empty() ? std::cout : out_file);

  auto runner = dsl::make_pipeline_runner(*program);
  uint64_t pull = 0;
  std::vector<codecs::decoded> decoded;
  dsl::pipeline_output produced;
  auto run_decoded = [&] {
    for (auto& d : decoded) {
      if (!d.ok) {
        std::cerr << "Error: " << d.error << "\n";
        continue;
      }
      event ev;
      ev.payload = std::move(d.data);
      if (options.interactive)
        echo_input(ev.payload, options.pretty);
      ev.ingest_ns = d.ingest_ns;
      ev.id = event_id{0, 0, pull++};
      runner->process("in", std::move(ev), produced);
    }
    decoded.clear();
    for (const auto& message : produced.errors)
      std::cerr << message << "\n";
    for (const auto& e : produced.events)
      writer.write(e);
    produced = {};
  };
  std::vector<char> buffer(64 * 1024);
  while (in) {
    in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    auto n = in.gcount();
    if (n <= 0)
      break;
    decoder->decode(now_ns(), std::string_view(buffer.data(), static_cast<size_t>(n)), decoded);
    run_decoded();
  }
  decoder->finish(decoded);
  run_decoded();
  runner->flush(produced);
  run_decoded();
  writer.finish();
  return 0;
}

} // namespace temblor
