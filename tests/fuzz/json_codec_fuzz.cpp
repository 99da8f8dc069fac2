// Fuzzes the json codec's decoder; what decodes must encode and decode to an
// equal value, and the direct reader must agree with the RapidJSON path
// (success, the encoded value, the error message).

#include "codecs/json.hpp"
#include "tests/fuzz/fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace temblor;
  auto text = temblor::fuzz::as_text(data, size);
  temblor::fuzz::fuzz_codec("json", text, true);

  codecs::json_decoder direct_first, reference;
  value a, b;
  std::string err_a, err_b;
  bool ok_a = direct_first.decode(text, a, err_a);
  bool ok_b = reference.decode_with_rapidjson(text, b, err_b);
  temblor::fuzz::fuzz_check(ok_a == ok_b, "both json decoders accept or both reject");
  if (ok_a)
    temblor::fuzz::fuzz_check(codecs::json_to_string(a) == codecs::json_to_string(b),
                              "both json decoders build the same value");
  else
    temblor::fuzz::fuzz_check(err_a == err_b, "both json decoders report the same error");
  return 0;
}
