#include <doctest/doctest.h>

#include <string>

#include "codecs/utf8.hpp"

using temblor::codecs::utf8_valid;

TEST_SUITE("codecs.utf8") {

TEST_CASE("utf8_valid accepts UTF-8 and rejects broken sequences") {
  CHECK(utf8_valid(""));
  CHECK(utf8_valid("h\xc3\xa9llo \xe2\x9c\x93 \xe6\x97\xa5"));
  CHECK_FALSE(utf8_valid("\xff\xfe"));
  CHECK_FALSE(utf8_valid("\xc3"));          // truncated
  CHECK_FALSE(utf8_valid("\xed\xa0\x80"));  // a lone surrogate
  CHECK_FALSE(utf8_valid("\xc0\xaf"));      // overlong
}

TEST_CASE("a bad byte after long ASCII runs is found at every offset") {
  // The fast paths skip 8 and 16 ASCII bytes at a time; the bad byte must be
  // seen wherever such a block ends.
  for (size_t prefix = 0; prefix < 40; ++prefix) {
    CAPTURE(prefix);
    std::string text(prefix, 'a');
    CHECK(utf8_valid(text + "\xc3\xa9" + std::string(prefix, 'b')));
    CHECK_FALSE(utf8_valid(text + "\xff" + std::string(prefix, 'b')));
    CHECK_FALSE(utf8_valid(text + "\xc3"));
  }
}

}
