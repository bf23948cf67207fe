// The day-2 receipt's body (receipt/receipt.hpp): what a bastion key signed, read by create on
// the connected side. The harness signs each input with its own key, so every mutation reaches
// the body's parser past the signature (a hostile or mistaken bastion). What is read must write
// back to the same document (Ed25519 signatures are deterministic).
#include "core/pki/signing_key.hpp"
#include "core/receipt/receipt.hpp"
#include "core/util/base64.hpp"
#include "fuzz_target.hpp"

#include <nlohmann/json.hpp>

#include <unistd.h>

namespace {

const zbundle::pki::SigningKey& harness_key() {
  static const zbundle::pki::SigningKey key = [] {
    const std::filesystem::path directory = std::filesystem::temp_directory_path()
                                            / ("zbundle-fuzz-receipt-" + std::to_string(getpid()));
    std::filesystem::create_directories(directory);
    (void)zbundle::pki::generate_signing_key(directory / "k", zbundle::pki::KeyType::ed25519, "");
    zbundle::pki::SigningKey loaded(directory / "k.key", "");
    std::filesystem::remove_all(directory);
    return loaded;
  }();
  return key;
}

std::string signed_document(std::string_view body) {
  const std::vector<unsigned char> signature =
      harness_key().sign(std::as_bytes(std::span(body.data(), body.size())));
  nlohmann::json document;
  document["mediaType"] = zbundle::receipt::k_receipt_media_type;
  document["body"] = zbundle::util::encode_base64(body);
  document["signature"] = zbundle::util::encode_base64(
      std::string_view(reinterpret_cast<const char*>(signature.data()), signature.size()));
  return document.dump();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const zbundle::pki::VerifyingKey verifying = harness_key().verifying_key();
  return zbundle::fuzz::refuse_or_accept([&] {
    const zbundle::receipt::Receipt read = zbundle::receipt::read_receipt(
        signed_document(zbundle::fuzz::as_text(data, size)), "receipt", verifying);
    const std::string written = zbundle::receipt::write_receipt(read, harness_key());
    const zbundle::receipt::Receipt again =
        zbundle::receipt::read_receipt(written, "receipt", verifying);
    if (zbundle::receipt::write_receipt(again, harness_key()) != written) {
      __builtin_trap();
    }
  });
}
