// An ImageSetConfiguration, as an oc-mirror tree carries it (isc_<time>).
#include "core/ocmirror/run_records.hpp"
#include "fuzz_target.hpp"

#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return zbundle::fuzz::refuse_or_accept([&] {
    (void)zbundle::ocmirror::parse_image_set_config(std::string(zbundle::fuzz::as_text(data, size)),
                                                    "isc_fuzz");
  });
}
