#include "core/bundle/signed_head.hpp"

#include "core/bundle/bundle_index.hpp"
#include "core/pki/certificate_file.hpp"
#include "core/pki/signer_chain.hpp"
#include "core/pki/trusted_keys.hpp"
#include "core/util/error.hpp"
#include "core/util/sha256.hpp"
#include "core/util/str_cat.hpp"

namespace zbundle::bundle::detail {

using util::str_cat;

SignedHead read_signed_head(MemberStream& stream, const Trust& trust) {
  SignedHead head;
  stream.decoder.set_frame_limit([](std::size_t frame) {
    return frame == 0   ? member_limit(k_manifest_limit)
           : frame == 1 ? member_limit(k_signature_limit)
                        : k_read_ahead_limit;
  });
  std::vector<Member> members{stream.expect_member(k_manifest_member, k_manifest_limit)};
  const std::string text = stream.read_whole(members.back(), k_manifest_limit);
  members.push_back(stream.expect_member(k_signature_member, k_signature_limit));
  const std::string signature = stream.read_whole(members.back(), k_signature_limit);
  if (!trust.trust_ca.empty()) {
    members.push_back(stream.expect_member(k_signer_member, k_signer_limit));
    const std::string chain = stream.read_whole(members.back(), k_signer_limit);
    head.key = std::make_shared<const pki::VerifyingKey>(pki::verify_signer_chain(
        chain, k_signer_member, trust.trust_ca, trust.signer_name, trust.at));
    head.members = 3;
    head.signer = str_cat("certificate for ", trust.signer_name, " (key ", head.key->key_id(), ")");
  } else if (!trust.trust_dir.empty()) {
    // The key that made the signature, among the trusted ones: no unverified field chooses.
    const std::vector<pki::TrustedKey> keys = pki::load_trusted_keys(trust.trust_dir);
    const auto signed_text = std::as_bytes(std::span(text.data(), text.size()));
    const auto signature_bytes = std::as_bytes(std::span(signature.data(), signature.size()));
    for (const pki::TrustedKey& trusted : keys) {
      if (trusted.key->verify(signed_text, signature_bytes)) {
        head.key = trusted.key;
        head.signer = str_cat(trusted.key->algorithm(),
                              " key ",
                              trusted.key->key_id(),
                              " (",
                              trusted.file.string(),
                              ")");
        break;
      }
    }
    if (!head.key) {
      throw Error(ErrorKind::check,
                  str_cat(k_signature_member,
                          ": the signature does not verify with any of the ",
                          keys.size(),
                          " keys in ",
                          trust.trust_dir.string()));
    }
  } else if (trust.key || !trust.public_key.empty()) {
    head.key = trust.key ? trust.key : std::make_shared<const pki::VerifyingKey>(trust.public_key);
    head.signer = str_cat(head.key->algorithm(), " key ", head.key->key_id());
  }
  if (head.key
      && !head.key->verify(std::as_bytes(std::span(text.data(), text.size())),
                           std::as_bytes(std::span(signature.data(), signature.size())))) {
    throw Error(ErrorKind::check,
                str_cat(k_signature_member,
                        ": the signature does not verify with the trusted ",
                        head.signer));
  }
  head.manifest = parse_manifest(text);
  util::Sha256 hasher;
  hasher.update(std::as_bytes(std::span(text.data(), text.size())));
  head.manifest_sha256 = hasher.finish().substr(std::string_view("sha256:").size());
  stream.created = pki::parse_time(head.manifest.created);
  for (const Member& member : members) {
    stream.require_sound_header(member);
  }
  if (!head.key) { // inspect without a key: informational only, and said so
    head.signer = str_cat(
        "key ", head.manifest.key_id, " (signature not checked: no --pubkey or --trust-ca)");
  } else if (head.manifest.key_id != head.key->key_id()) {
    throw Error(ErrorKind::check,
                str_cat(k_manifest_member,
                        ": names signer key ",
                        head.manifest.key_id,
                        ", but the trusted key is ",
                        head.key->key_id()));
  }
  stream.source.expect_volumes(head.manifest.volumes);
  return head;
}

void limit_payload_frames(MemberStream& stream, const SignedHead& head) {
  stream.decoder.set_frame_limit([&head](std::size_t frame) {
    if (frame < head.members) {
      return member_limit(frame == 0 ? k_manifest_limit : k_signer_limit);
    }
    const std::size_t entry = frame - head.members;
    const std::vector<Entry>& entries = head.manifest.entries;
    if (entry < entries.size()) {
      return member_limit(entries[entry].size);
    }
    return member_limit(entry == entries.size() ? k_index_limit : k_signature_limit);
  });
}

} // namespace zbundle::bundle::detail
