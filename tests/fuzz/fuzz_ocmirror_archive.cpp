// An oc-mirror archive as a tampered oc-mirror tree or a damaged disk hands it over: the tar
// bytes of one mirror_*.tar, read in place by the oc-mirror reader (detection, run records,
// ImageSetConfiguration, catalogs, mirror sets) and by verify-digests (the storage walk, every
// blob hashed, the reference graph, image statuses). The first byte picks the archive's name:
// v2 (mirror_000001.tar) or v1 (mirror_seq1_000000.tar), as detection goes by it.
#include "core/check/digest_verifier.hpp"
#include "core/ocmirror/reader.hpp"
#include "fuzz_target.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) {
    return 0;
  }
  static zbundle::fuzz::ScratchDirectory directory;
  const std::string_view name = data[0] % 2 == 0 ? "mirror_000001.tar" : "mirror_seq1_000000.tar";
  const std::filesystem::path input =
      directory.hold(name, zbundle::fuzz::as_text(data + 1, size - 1)).parent_path();
  (void)zbundle::fuzz::refuse_or_accept([&] { (void)zbundle::ocmirror::read_mirror({input}, {}); });
  (void)zbundle::fuzz::refuse_or_accept([&] {
    zbundle::check::DigestOptions options;
    options.architectures.node = {"s390x"};
    options.with_image_statuses = true;
    options.jobs = 1;
    (void)zbundle::check::verify_digests({input}, options);
  });
  return 0;
}
