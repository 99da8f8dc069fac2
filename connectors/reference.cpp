#include "connectors/reference.hpp"

namespace temblor::connectors {

namespace {

const char* codec_text(codec_requirement c) {
  switch (c) {
    case codec_requirement::required: return "`codec` required";
    case codec_requirement::structured: return "structured (no codec)";
    case codec_requirement::optional_json: return "`codec` optional (default `json`)";
  }
  return "";
}

} // namespace

std::string reference_markdown(const connector_registry& registry) {
  std::string out;
  for (const auto& name : registry.names()) {
    const auto& d = *registry.find(name);
    std::string summary(d.summary);
    if (!summary.empty() && summary[0] >= 'a' && summary[0] <= 'z')
      summary[0] = static_cast<char>(summary[0] - 'a' + 'A');
    out += "#### `" + name + "`" + (d.debug_only ? " (needs `--debug-connectors`)" : "") +
           "\n\n" + summary + ". " + codec_text(d.codec) + ".\n\n";
    if (d.config.empty()) {
      out += "No `config` keys.\n\n";
      continue;
    }
    out += "| key | type | default | |\n|---|---|---|---|\n";
    out += schema_markdown_rows(d.config);
    out += "\n";
  }
  return out;
}

} // namespace temblor::connectors
