#pragma once

// What every fuzz target shares: the input as text, and the rule that a parser given bytes a
// stranger controls either returns or throws zbundle::Error. Any other exception escapes and
// is a finding (libFuzzer reports it as a crash), as is every sanitizer report.

#include "core/util/error.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace zbundle::fuzz {

inline std::string_view as_text(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

template <class Parse> int refuse_or_accept(const Parse& parse) {
  try {
    parse();
  } catch (const Error&) { // refusing bad input is the parser's job
  }
  return 0;
}

} // namespace zbundle::fuzz
