// A registry's WWW-Authenticate challenge: a hostile network's answer.
#include "core/registry/registry_auth.hpp"
#include "fuzz_target.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return zbundle::fuzz::refuse_or_accept(
      [&] { (void)zbundle::registry::parse_challenge(zbundle::fuzz::as_text(data, size)); });
}
