// A hostile signer's bundle: the fuzzer mutates a bundle's uncompressed tar stream (manifest,
// payload members, headers, index) and the harness signs what it made, as a signer would,
// then frames it (one zstd frame per member, section 1 of bundle-schema/README.md) and reads it
// as zbundle-extract verify does. So mutations get past the signature into the manifest's
// rules, the manifest-against-payload checks and the index, which bundle_reader's mutations of
// signed bytes never reach. The key is the Ed25519 PEM private key named by ZB_FUZZ_SIGN_KEY
// (scripts/fuzz.sh: the key its seed bundle was made with, so the manifest's key id matches);
// without it, a key made here, and the reader stops at the key id (R3). ZB_FUZZ_WRITE_BUNDLE=F
// keeps the bundle an input became, for the command line to read.
#include "core/bundle/bundle_index.hpp"
#include "core/bundle/tar_header.hpp"
#include "core/pki/certificate_file.hpp"
#include "core/pki/signing_key.hpp"
#include "core/util/handles.hpp"
#include "core/util/sha256.hpp"
#include "read_bundle.hpp"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <zstd.h>

#include <cstdio>
#include <cstring>
#include <vector>

namespace {

constexpr std::size_t k_block = 512;
constexpr std::size_t k_ed25519_signature = 64;

zbundle::util::PrivateKey fuzz_key() {
  if (const char* path = std::getenv("ZB_FUZZ_SIGN_KEY")) {
    const zbundle::util::BasicIo bio(BIO_new_file(path, "r"));
    zbundle::util::PrivateKey key(
        bio ? PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr) : nullptr);
    if (key && EVP_PKEY_is_a(key.get(), "ED25519") == 1) {
      return key;
    }
    std::abort(); // the harness, not the reader, failed
  }
  return zbundle::util::PrivateKey(EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519"));
}

std::array<unsigned char, k_ed25519_signature> sign(EVP_PKEY* key, std::string_view message) {
  std::array<unsigned char, k_ed25519_signature> signature{};
  std::size_t length = signature.size();
  const zbundle::util::DigestContext context(EVP_MD_CTX_new());
  if (!context || EVP_DigestSignInit(context.get(), nullptr, nullptr, nullptr, key) != 1
      || EVP_DigestSign(context.get(),
                        signature.data(),
                        &length,
                        reinterpret_cast<const unsigned char*>(message.data()),
                        message.size())
             != 1) {
    std::abort();
  }
  return signature;
}

// One member of the stream: its header blocks (a pax header's too) and its padded data.
struct Member {
  std::size_t begin = 0;
  std::size_t end = 0;
  std::string name;
  std::size_t data = 0; // where its data starts
  std::size_t size = 0;
};

// The members of `tar` as far as its ustar headers can be read; the rest (the end-of-archive
// blocks, or bytes no header describes) stays for the last frame.
std::vector<Member> members_of(std::string_view tar) {
  std::vector<Member> members;
  std::size_t at = 0;
  Member member;
  member.begin = 0;
  while (at + k_block <= tar.size()) {
    const std::string_view header = tar.substr(at, k_block);
    if (header.find_first_not_of('\0') == std::string_view::npos) {
      break; // end of archive
    }
    std::size_t size = 0;
    for (std::size_t i = 124; i < 136 && header[i] >= '0' && header[i] <= '7'; ++i) {
      size = size * 8 + static_cast<std::size_t>(header[i] - '0');
    }
    const std::size_t padded = (size + k_block - 1) / k_block * k_block;
    if (padded > tar.size() - at - k_block) {
      break;
    }
    const char type = header[156];
    at += k_block + padded;
    if (type == 'x') {
      continue; // a pax header belongs to the member after it
    }
    member.name = std::string(header.substr(0, header.find('\0') < 100 ? header.find('\0') : 100));
    member.data = at - padded;
    member.size = size;
    member.end = at;
    members.push_back(member);
    member = Member{};
    member.begin = at;
  }
  return members;
}

// Re-signs member `signature` over member `signed_text` when both are there and the signature
// has an Ed25519 signature's size.
void resign(std::string& tar,
            const std::vector<Member>& members,
            std::string_view signed_name,
            std::string_view signature_name,
            EVP_PKEY* key) {
  const Member* text = nullptr;
  for (const Member& member : members) {
    if (member.name == signed_name) {
      text = &member;
    } else if (member.name == signature_name && text != nullptr
               && member.size == k_ed25519_signature) {
      const auto signature = sign(key, std::string_view(tar).substr(text->data, text->size));
      std::memcpy(tar.data() + member.data, signature.data(), signature.size());
    }
  }
}

void append_frame(std::string& out, std::string_view bytes) {
  const std::size_t bound = ZSTD_compressBound(bytes.size());
  const std::size_t start = out.size();
  out.resize(start + bound);
  const std::size_t written =
      ZSTD_compress(out.data() + start, bound, bytes.data(), bytes.size(), 1);
  if (ZSTD_isError(written) != 0) {
    std::abort();
  }
  out.resize(start + written);
}

// The head (manifest, signature, signer), the payload members and the index of `members`.
struct Layout {
  const Member* manifest = nullptr;
  std::size_t payload_begin = 0;
  std::size_t index = 0; // members.size() when there is none
};

Layout layout_of(const std::vector<Member>& members) {
  Layout layout;
  layout.index = members.size();
  while (layout.payload_begin < members.size()
         && members[layout.payload_begin].name.starts_with("ZBUNDLE/")
         && members[layout.payload_begin].name != zbundle::bundle::k_index_member) {
    if (members[layout.payload_begin].name == zbundle::bundle::k_manifest_member) {
      layout.manifest = &members[layout.payload_begin];
    }
    ++layout.payload_begin;
  }
  for (std::size_t i = layout.payload_begin; i < members.size(); ++i) {
    if (members[i].name == zbundle::bundle::k_index_member) {
      layout.index = i;
    }
  }
  return layout;
}

// A member as the writer makes it: its header for `path`, `text`, zero padding.
std::string member_of(std::string_view path, std::string_view text, std::int64_t mtime) {
  std::string member = zbundle::bundle::member_header(path, text.size(), mtime);
  member += text;
  member.append(zbundle::bundle::tar_padding(text.size()), '\0');
  return member;
}

// Frames `tar`, one frame per member, as the writer does. When its manifest parses and names
// as many entries as there are payload members, the index and its signature are made anew for
// the frames as they fall here (so only the reader's own rules judge the rest); otherwise
// the index is kept and signed again as it is.
std::string framed_with_index(std::string tar, const std::vector<Member>& members, EVP_PKEY* key) {
  const Layout layout = layout_of(members);
  std::string bundle;
  std::vector<zbundle::bundle::FramePosition> positions;
  for (std::size_t i = 0; i < layout.index; ++i) {
    if (i >= layout.payload_begin) {
      positions.push_back({0, bundle.size()});
    }
    append_frame(bundle,
                 std::string_view(tar).substr(members[i].begin, members[i].end - members[i].begin));
  }
  std::size_t rest = layout.index == 0 ? 0 : members[layout.index - 1].end;
  if (layout.manifest != nullptr && layout.index < members.size()) {
    const std::string_view text =
        std::string_view(tar).substr(layout.manifest->data, layout.manifest->size);
    try {
      const zbundle::bundle::Manifest manifest = zbundle::bundle::parse_manifest(text);
      if (manifest.entries.size() == positions.size()) {
        zbundle::util::Sha256 hash;
        hash.update(std::as_bytes(std::span(text.data(), text.size())));
        const std::string index =
            zbundle::bundle::serialize_index(manifest, hash.finish().substr(7), positions);
        const std::int64_t mtime = zbundle::pki::parse_time(manifest.created);
        const auto signature = sign(key, index);
        append_frame(bundle, member_of(zbundle::bundle::k_index_member, index, mtime));
        append_frame(bundle,
                     member_of(zbundle::bundle::k_index_signature_member,
                               std::string_view(reinterpret_cast<const char*>(signature.data()),
                                                signature.size()),
                               mtime));
        // what followed the old index and its signature: the end-of-archive blocks
        rest = layout.index + 1 < members.size() ? members[layout.index + 1].end
                                                 : members[layout.index].end;
        append_frame(bundle, std::string_view(tar).substr(rest));
        return bundle;
      }
    } catch (const zbundle::Error&) { // the reader will say why, from the bytes as they are
    }
  }
  resign(tar,
         members,
         zbundle::bundle::k_index_member,
         zbundle::bundle::k_index_signature_member,
         key);
  for (std::size_t i = layout.index; i < members.size(); ++i) {
    append_frame(bundle,
                 std::string_view(tar).substr(members[i].begin, members[i].end - members[i].begin));
    rest = members[i].end;
  }
  append_frame(bundle, std::string_view(tar).substr(rest));
  return bundle;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const zbundle::util::PrivateKey key = fuzz_key();
  static const zbundle::bundle::Trust trust = [] {
    EVP_PKEY_up_ref(key.get());
    zbundle::bundle::Trust made;
    made.key = std::make_shared<zbundle::pki::VerifyingKey>(zbundle::util::PublicKey(key.get()),
                                                            "fuzz key");
    return made;
  }();
  static zbundle::fuzz::InputFile input;

  std::string tar(zbundle::fuzz::as_text(data, size));
  const std::vector<Member> members = members_of(tar);
  resign(tar,
         members,
         zbundle::bundle::k_manifest_member,
         zbundle::bundle::k_signature_member,
         key.get());
  const std::string bundle = framed_with_index(tar, members, key.get());
  if (const char* keep = std::getenv("ZB_FUZZ_WRITE_BUNDLE")) {
    // To look at what an input became with the command line: zbundle verify KEEP --pubkey ...
    std::FILE* file = std::fopen(keep, "wb");
    if (file == nullptr || std::fwrite(bundle.data(), 1, bundle.size(), file) != bundle.size()
        || std::fclose(file) != 0) {
      std::abort();
    }
  }
  const std::filesystem::path path =
      input.hold(reinterpret_cast<const std::uint8_t*>(bundle.data()), bundle.size());
  return zbundle::fuzz::read_whole_bundle(path, trust);
}
