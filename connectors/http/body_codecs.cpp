#include "connectors/http/body_codecs.hpp"

namespace temblor::connectors::http {

body_codecs::body_codecs(std::shared_ptr<const mime_mapping> mapping)
  : mapping_(std::move(mapping)), codecs_(mapping_->size()) {}

codecs::codec* body_codecs::get(size_t i, std::string& err) {
  if (i >= codecs_.size()) {
    err = "no codec for this content type";
    return nullptr;
  }
  if (!codecs_[i])
    codecs_[i] = codecs::make_codec(mapping_->at(i).spec, err);
  return codecs_[i].get();
}

bool body_codecs::decode(size_t i, std::string_view body, value& out, std::string& err) {
  if (body.empty()) {
    out = value{};
    return true;
  }
  auto* c = get(i, err);
  return c != nullptr && c->decode(body, out, err);
}

bool body_codecs::encode(size_t i, const value& v, std::string& out, std::string& err) {
  auto* c = get(i, err);
  return c != nullptr && c->encode(v, out, err);
}

} // namespace temblor::connectors::http
