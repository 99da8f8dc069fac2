// Fuzzes dns_client's reader of DNS responses: whatever a server (or anyone
// who can spoof one on the path) sends. Every record read must become one
// value of the reply; a rejected message must say why.

#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "connectors/dns/dns_answer.hpp"

namespace {

void check(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "fuzz property broken: %s\n", what);
    std::abort();
  }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace temblor::connectors::dns;
  std::vector<dns_record> records;
  std::string err;
  if (parse_answer(data, size, records, err))
    check(records_to_value(records).as_array().size() == records.size(), "one value per record");
  else
    check(!err.empty(), "a rejected answer says why");
  return 0;
}
