#pragma once

// The `yaml` codec: one YAML document <-> a value.
//
// Decoding follows the YAML 1.2 core schema that Tremor's serde_yaml uses:
// plain scalars resolve to null, bool, int (decimal, 0x, 0o), float (incl.
// .inf/.nan) or string; quoted scalars stay strings; `!!binary` becomes
// bytes. Scalar map keys become string keys; nesting is limited to 128
// levels (serde_yaml's limit), aliases are expanded within a size budget,
// and more than one document is an error.
// Encoding writes block style like serde_yaml 0.9: no `---`, sequences in
// maps not indented, strings quoted only when they would read back as
// something else; a trailing newline ends the document.

#include <memory>
#include <string>

#include "codecs/codec.hpp"

namespace temblor::codecs {

/// Maximum nesting of sequences and maps the yaml codec reads and writes.
inline constexpr size_t yaml_max_depth = 128;

class yaml_codec final : public codec {
public:
  bool decode(std::string_view data, value& out, std::string& err) override;
  bool encode(const value& v, std::string& out, std::string& err) override;
};

/// Builds `yaml`; it takes no config.
std::unique_ptr<codec> make_yaml_codec(const value& config, std::string& err);

} // namespace temblor::codecs
