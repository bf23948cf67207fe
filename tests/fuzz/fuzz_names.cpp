// Image references and mirror names: every string of a model that names an image or registry.
#include "core/ics/image_ref.hpp"
#include "core/ics/mirror_name.hpp"
#include "fuzz_target.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text = zbundle::fuzz::as_text(data, size);
  (void)zbundle::fuzz::refuse_or_accept([&] {
    const zbundle::ics::ImageRef ref = zbundle::ics::parse_image_ref(text);
    // What parses names a valid repository.
    if (!ref.registry.empty() && !zbundle::ics::is_repository_path(ref.repository)) {
      __builtin_trap();
    }
  });
  (void)zbundle::ics::is_repository_path(text);
  (void)zbundle::ics::is_tag(text);
  return zbundle::fuzz::refuse_or_accept([&] { (void)zbundle::ics::parse_mirror_name(text); });
}
