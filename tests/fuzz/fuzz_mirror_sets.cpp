// ICSP, IDMS, ITMS and the hcp list: YAML from an oc-mirror tree or a user.
#include "core/ics/parse_mirror_sets.hpp"
#include "fuzz_target.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return zbundle::fuzz::refuse_or_accept([&] {
    (void)zbundle::ics::parse_mirror_sets(zbundle::fuzz::as_text(data, size), "fuzz.yaml");
  });
}
