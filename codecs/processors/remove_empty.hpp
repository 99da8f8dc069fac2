#pragma once

// `remove-empty`: drops empty chunks, typically after `separate`.

#include <memory>
#include <string>

#include "codecs/processors/processor.hpp"

namespace temblor::codecs {

class remove_empty_preprocessor final : public preprocessor {
public:
  bool process(uint64_t& ingest_ns, std::string_view data, std::vector<std::string>& out,
               std::string& err) override;
};

std::unique_ptr<preprocessor> make_remove_empty_preprocessor(const value& config, std::string& err);

} // namespace temblor::codecs
