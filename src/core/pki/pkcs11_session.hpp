#pragma once

// One logged-in session on the PKCS#11 token a URI selects, through a module loaded with
// dlopen (never linked: each site brings its own, openCryptoki on IBM Z). Everything a
// module returns is bounded before use: attribute and signature sizes, object and slot counts.

#include "core/pki/pkcs11_api.hpp"
#include "core/pki/pkcs11_uri.hpp"

#include <cstddef>
#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace zbundle::pki {

// What a session is for: signing logs in; generating logs in and writes.
enum class TokenAccess { sign, generate };

class Pkcs11Session {
public:
  // Loads `module`, finds the one token `uri` selects, opens a session and logs in with `pin`
  // as `access` needs (an empty PIN only for a token that needs no login or has its own PIN
  // pad). Throws Error{input} naming the module or token and PKCS#11's reason: no such
  // module, no or several matching tokens, a wrong or locked PIN; Error{usage} for a PIN the
  // token needs and was not given.
  Pkcs11Session(const std::filesystem::path& module,
                const Pkcs11Uri& uri,
                const std::string& pin,
                TokenAccess access);
  ~Pkcs11Session();
  Pkcs11Session(const Pkcs11Session&) = delete;
  Pkcs11Session& operator=(const Pkcs11Session&) = delete;

  // Objects of `object_class` with the given label and id (each when set), at most `limit`.
  [[nodiscard]] std::vector<ck_object_handle_t> find(ck_object_class_t object_class,
                                                     const std::optional<std::string>& label,
                                                     const std::optional<std::string>& id,
                                                     std::size_t limit) const;
  // An attribute's bytes, or nullopt when the object has none (or keeps it secret); refuses
  // one over `limit` bytes.
  [[nodiscard]] std::optional<std::string>
  attribute(ck_object_handle_t object, ck_attribute_type_t type, std::size_t limit) const;
  // Throws Error{input} when the token does not offer `mechanism` with `flag` (CKF_SIGN,
  // CKF_GENERATE_KEY_PAIR); `purpose` says what needed it.
  void require_mechanism(ck_mechanism_type_t mechanism,
                         ck_flags_t flag,
                         std::string_view name,
                         std::string_view purpose) const;
  [[nodiscard]] std::vector<unsigned char> sign(ck_object_handle_t key,
                                                struct ck_mechanism& mechanism,
                                                std::span<const unsigned char> data) const;
  // Returns the public key's handle.
  ck_object_handle_t generate_key_pair(struct ck_mechanism& mechanism,
                                       std::vector<struct ck_attribute>& public_template,
                                       std::vector<struct ck_attribute>& private_template) const;

  // "token zbundle (module /usr/lib/softhsm/libsofthsm2.so)", for messages.
  [[nodiscard]] const std::string& name() const noexcept { return m_name; }

private:
  struct Module;
  // Throws Error{input} "<name>: <what>: <CKR_...>" unless `value` is CKR_OK.
  void require_ok(ck_rv_t value, std::string_view what) const;

  std::unique_ptr<Module> m_module;
  ck_slot_id_t m_slot = 0;
  ck_session_handle_t m_session = 0;
  bool m_is_open = false;
  std::string m_name;
};

// The module to load when neither --pkcs11-module nor the URI's module-path names one:
// p11-kit's proxy, which loads the modules p11-kit's configuration lists.
[[nodiscard]] std::filesystem::path default_pkcs11_module();

} // namespace zbundle::pki
