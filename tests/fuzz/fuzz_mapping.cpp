// oc-mirror's mapping.txt, read by v1's and v2's rules.
#include "core/ics/parse_mapping.hpp"
#include "fuzz_target.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text = zbundle::fuzz::as_text(data, size);
  for (const auto rules :
       {zbundle::ics::MappingRules::oc_mirror_v1, zbundle::ics::MappingRules::oc_mirror_v2}) {
    (void)zbundle::fuzz::refuse_or_accept(
        [&] { (void)zbundle::ics::parse_mapping(text, "mapping.txt", rules, {}); });
  }
  return 0;
}
