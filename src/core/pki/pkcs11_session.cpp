#include "core/pki/pkcs11_session.hpp"

#include "core/util/error.hpp"
#include "core/util/str_cat.hpp"

#include <dlfcn.h>

#include <algorithm>
#include <array>
#include <charconv>

namespace zbundle::pki {
namespace {

using util::str_cat;

constexpr std::size_t k_slot_limit = 256;
constexpr std::size_t k_mechanism_limit = 4096;
constexpr std::size_t k_signature_limit = 1024; // RSA-8192 is 1024 bytes; ours are smaller
constexpr unsigned char k_true = 1;

// A CK_TOKEN_INFO field: fixed width, padded with blanks.
std::string_view padded_field(std::span<const unsigned char> field) {
  std::string_view text(reinterpret_cast<const char*>(field.data()), field.size());
  const std::size_t end = text.find_last_not_of(' ');
  return end == std::string_view::npos ? std::string_view() : text.substr(0, end + 1);
}

bool matches(const std::optional<std::string>& wanted, std::string_view actual) {
  return !wanted || *wanted == actual;
}

} // namespace

std::string pkcs11_return_name(ck_rv_t value) {
  static constexpr std::array<std::pair<ck_rv_t, std::string_view>, 18> k_names{{
      {CKR_OK, "CKR_OK"},
      {CKR_GENERAL_ERROR, "CKR_GENERAL_ERROR"},
      {CKR_ARGUMENTS_BAD, "CKR_ARGUMENTS_BAD"},
      {CKR_DEVICE_ERROR, "CKR_DEVICE_ERROR"},
      {CKR_FUNCTION_FAILED, "CKR_FUNCTION_FAILED"},
      {CKR_KEY_TYPE_INCONSISTENT, "CKR_KEY_TYPE_INCONSISTENT"},
      {CKR_KEY_FUNCTION_NOT_PERMITTED, "CKR_KEY_FUNCTION_NOT_PERMITTED"},
      {CKR_MECHANISM_INVALID, "CKR_MECHANISM_INVALID"},
      {CKR_MECHANISM_PARAM_INVALID, "CKR_MECHANISM_PARAM_INVALID"},
      {CKR_PIN_INCORRECT, "CKR_PIN_INCORRECT: the PIN is wrong"},
      {CKR_PIN_LOCKED, "CKR_PIN_LOCKED: too many wrong PINs; the token's officer must reset it"},
      {CKR_PIN_EXPIRED, "CKR_PIN_EXPIRED"},
      {CKR_SESSION_READ_ONLY, "CKR_SESSION_READ_ONLY"},
      {CKR_TEMPLATE_INCONSISTENT, "CKR_TEMPLATE_INCONSISTENT"},
      {CKR_TOKEN_NOT_PRESENT, "CKR_TOKEN_NOT_PRESENT"},
      {CKR_TOKEN_WRITE_PROTECTED, "CKR_TOKEN_WRITE_PROTECTED"},
      {CKR_USER_NOT_LOGGED_IN, "CKR_USER_NOT_LOGGED_IN"},
      {CKR_CURVE_NOT_SUPPORTED, "CKR_CURVE_NOT_SUPPORTED"},
  }};
  const auto* found = std::find_if(
      k_names.begin(), k_names.end(), [value](const auto& name) { return name.first == value; });
  if (found != k_names.end()) {
    return std::string(found->second);
  }
  std::array<char, 24> digits{};
  const auto [end, error] = std::to_chars(digits.begin(), digits.end(), value, 16);
  return str_cat("CKR 0x",
                 std::string_view(digits.data(), error == std::errc() ? end : digits.data()));
}

// The loaded module: C_Finalize when the session ends. A module that was initialised stays
// mapped: modules leave threads, atexit handlers and OpenSSL state behind (SoftHSM, p11-kit's
// proxy), and unmapping the code under them crashes the process at exit.
struct Pkcs11Session::Module {
  void* library = nullptr;
  struct ck_function_list* api = nullptr;
  bool is_initialized = false;
  bool may_unload = true;

  explicit Module(const std::filesystem::path& path) {
    library = ::dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (library == nullptr) {
      const char* why = ::dlerror();
      throw Error(ErrorKind::input,
                  str_cat("PKCS#11 module ",
                          path.string(),
                          ": cannot load: ",
                          why != nullptr ? why : "dlopen failed"));
    }
    auto* get_list = reinterpret_cast<CK_C_GetFunctionList>(::dlsym(library, "C_GetFunctionList"));
    if (get_list == nullptr || get_list(&api) != CKR_OK || api == nullptr) {
      close();
      throw Error(ErrorKind::input,
                  str_cat("PKCS#11 module ", path.string(), ": not a PKCS#11 module"));
    }
    // Modules lock with the operating system's primitives; zbundle signs from one thread.
    struct ck_c_initialize_args arguments {};
    arguments.flags = CKF_OS_LOCKING_OK;
    may_unload = false;
    const ck_rv_t started = api->C_Initialize(&arguments);
    if (started != CKR_OK && started != CKR_CRYPTOKI_ALREADY_INITIALIZED) {
      close();
      throw Error(ErrorKind::input,
                  str_cat("PKCS#11 module ",
                          path.string(),
                          ": cannot initialise: ",
                          pkcs11_return_name(started)));
    }
    is_initialized = started == CKR_OK;
  }
  ~Module() { close(); }
  Module(const Module&) = delete;
  Module& operator=(const Module&) = delete;

  void close() noexcept {
    if (is_initialized && api != nullptr) {
      api->C_Finalize(nullptr);
      is_initialized = false;
    }
    if (library != nullptr && may_unload) {
      ::dlclose(library);
    }
    library = nullptr;
  }
};

namespace {

// The slots whose token the URI selects; "token a, token b" of every present token in `seen`.
std::vector<ck_slot_id_t> matching_slots(struct ck_function_list& api,
                                         const Pkcs11Uri& uri,
                                         const std::string& module,
                                         std::string& seen) {
  unsigned long count = 0;
  if (const ck_rv_t listed = api.C_GetSlotList(k_true, nullptr, &count); listed != CKR_OK) {
    throw Error(
        ErrorKind::input,
        str_cat("PKCS#11 module ", module, ": cannot list slots: ", pkcs11_return_name(listed)));
  }
  std::vector<ck_slot_id_t> slots(std::min<std::size_t>(count, k_slot_limit));
  count = slots.size();
  if (const ck_rv_t listed = api.C_GetSlotList(k_true, slots.data(), &count);
      listed != CKR_OK && listed != CKR_BUFFER_TOO_SMALL) {
    throw Error(
        ErrorKind::input,
        str_cat("PKCS#11 module ", module, ": cannot list slots: ", pkcs11_return_name(listed)));
  }
  slots.resize(std::min<std::size_t>(count, slots.size()));
  std::vector<ck_slot_id_t> chosen;
  for (const ck_slot_id_t slot : slots) {
    struct ck_token_info info {};
    if (api.C_GetTokenInfo(slot, &info) != CKR_OK) {
      continue;
    }
    const std::string_view label = padded_field(info.label);
    seen += str_cat(seen.empty() ? "" : ", ", "'", label, "'");
    if (matches(uri.token, label) && matches(uri.manufacturer, padded_field(info.manufacturer_id))
        && matches(uri.serial, padded_field(info.serial_number))
        && matches(uri.model, padded_field(info.model)) && (!uri.slot_id || *uri.slot_id == slot)) {
      chosen.push_back(slot);
    }
  }
  return chosen;
}

} // namespace

Pkcs11Session::Pkcs11Session(const std::filesystem::path& module,
                             const Pkcs11Uri& uri,
                             const std::string& pin,
                             TokenAccess access)
    : m_module(std::make_unique<Module>(module)) {
  struct ck_function_list& api = *m_module->api;
  std::string seen;
  const std::vector<ck_slot_id_t> slots = matching_slots(api, uri, module.string(), seen);
  if (slots.size() != 1) {
    throw Error(ErrorKind::input,
                str_cat(uri.text,
                        slots.empty() ? ": no token matches" : ": several tokens match",
                        " in ",
                        module.string(),
                        " (its tokens: ",
                        seen.empty() ? "none" : seen,
                        ")",
                        slots.empty() ? "" : "; add serial= to choose one"));
  }
  m_slot = slots.front();
  struct ck_token_info info {};
  require_ok(api.C_GetTokenInfo(m_slot, &info), "token information");
  m_name = str_cat("token '", padded_field(info.label), "' (module ", module.string(), ")");
  const ck_flags_t flags =
      CKF_SERIAL_SESSION | (access == TokenAccess::generate ? CKF_RW_SESSION : 0);
  require_ok(api.C_OpenSession(m_slot, flags, nullptr, nullptr, &m_session), "open a session");
  m_is_open = true;
  if ((info.flags & CKF_LOGIN_REQUIRED) == 0) {
    return;
  }
  if (pin.empty() && (info.flags & CKF_PROTECTED_AUTHENTICATION_PATH) == 0) {
    throw Error(ErrorKind::usage,
                str_cat(m_name, ": the token needs a PIN: give --pin-file FILE or --pin-env VAR"));
  }
  std::string secret = pin; // C_Login takes a mutable buffer
  const ck_rv_t login =
      api.C_Login(m_session,
                  CKU_USER,
                  pin.empty() ? nullptr : reinterpret_cast<unsigned char*>(secret.data()),
                  secret.size());
  std::fill(secret.begin(), secret.end(), '\0');
  if (login != CKR_USER_ALREADY_LOGGED_IN) {
    require_ok(login, "log in");
  }
}

Pkcs11Session::~Pkcs11Session() {
  if (m_is_open) {
    m_module->api->C_CloseSession(m_session);
  }
}

void Pkcs11Session::require_ok(ck_rv_t value, std::string_view what) const {
  if (value != CKR_OK) {
    throw Error(ErrorKind::input,
                str_cat(m_name.empty() ? std::string("PKCS#11 token") : m_name,
                        ": cannot ",
                        what,
                        ": ",
                        pkcs11_return_name(value)));
  }
}

std::vector<ck_object_handle_t> Pkcs11Session::find(ck_object_class_t object_class,
                                                    const std::optional<std::string>& label,
                                                    const std::optional<std::string>& id,
                                                    std::size_t limit) const {
  struct ck_function_list& api = *m_module->api;
  std::vector<struct ck_attribute> query{{CKA_CLASS, &object_class, sizeof object_class}};
  std::string label_bytes = label.value_or("");
  std::string id_bytes = id.value_or("");
  if (label) {
    query.push_back({CKA_LABEL, label_bytes.data(), label_bytes.size()});
  }
  if (id) {
    query.push_back({CKA_ID, id_bytes.data(), id_bytes.size()});
  }
  require_ok(api.C_FindObjectsInit(m_session, query.data(), query.size()), "search objects");
  std::vector<ck_object_handle_t> found(limit + 1);
  unsigned long count = 0;
  const ck_rv_t searched = api.C_FindObjects(m_session, found.data(), found.size(), &count);
  api.C_FindObjectsFinal(m_session);
  require_ok(searched, "search objects");
  found.resize(std::min<std::size_t>(count, found.size()));
  return found;
}

std::optional<std::string> Pkcs11Session::attribute(ck_object_handle_t object,
                                                    ck_attribute_type_t type,
                                                    std::size_t limit) const {
  struct ck_function_list& api = *m_module->api;
  struct ck_attribute query {
    type, nullptr, 0
  };
  const ck_rv_t sized = api.C_GetAttributeValue(m_session, object, &query, 1);
  if (sized == CKR_ATTRIBUTE_TYPE_INVALID || sized == CKR_ATTRIBUTE_SENSITIVE
      || query.value_len == static_cast<unsigned long>(-1)) {
    return std::nullopt;
  }
  require_ok(sized, "read an attribute");
  if (query.value_len > limit) {
    throw Error(
        ErrorKind::input,
        str_cat(m_name, ": an attribute of ", query.value_len, " bytes (at most ", limit, ")"));
  }
  std::string bytes(query.value_len, '\0');
  query.value = bytes.data();
  require_ok(api.C_GetAttributeValue(m_session, object, &query, 1), "read an attribute");
  bytes.resize(std::min<std::size_t>(query.value_len, bytes.size()));
  return bytes;
}

void Pkcs11Session::require_mechanism(ck_mechanism_type_t mechanism,
                                      ck_flags_t flag,
                                      std::string_view name,
                                      std::string_view purpose) const {
  // The list is what the token offers; some modules answer C_GetMechanismInfo for mechanisms
  // their configuration turned off (SoftHSM 2.6), so both must agree.
  struct ck_function_list& api = *m_module->api;
  unsigned long count = 0;
  std::vector<ck_mechanism_type_t> offered;
  if (api.C_GetMechanismList(m_slot, nullptr, &count) == CKR_OK) {
    offered.resize(std::min<std::size_t>(count, k_mechanism_limit));
    count = offered.size();
    if (api.C_GetMechanismList(m_slot, offered.data(), &count) != CKR_OK) {
      count = 0;
    }
    offered.resize(std::min<std::size_t>(count, offered.size()));
  }
  struct ck_mechanism_info info {};
  const bool is_listed = std::find(offered.begin(), offered.end(), mechanism) != offered.end();
  const ck_rv_t asked =
      is_listed ? api.C_GetMechanismInfo(m_slot, mechanism, &info) : CKR_MECHANISM_INVALID;
  if (asked != CKR_OK || (info.flags & flag) == 0) {
    throw Error(ErrorKind::input,
                str_cat(m_name,
                        ": the token does not offer ",
                        name,
                        ", which ",
                        purpose,
                        " needs (",
                        !is_listed        ? std::string("not in its mechanism list")
                        : asked == CKR_OK ? std::string("not for this use")
                                          : pkcs11_return_name(asked),
                        ")"));
  }
}

std::vector<unsigned char> Pkcs11Session::sign(ck_object_handle_t key,
                                               struct ck_mechanism& mechanism,
                                               std::span<const unsigned char> data) const {
  struct ck_function_list& api = *m_module->api;
  require_ok(api.C_SignInit(m_session, &mechanism, key), "start signing");
  std::vector<unsigned char> input(data.begin(), data.end()); // C_Sign takes a mutable buffer
  std::vector<unsigned char> signature(k_signature_limit);
  unsigned long length = signature.size();
  require_ok(api.C_Sign(m_session, input.data(), input.size(), signature.data(), &length), "sign");
  signature.resize(std::min<std::size_t>(length, signature.size()));
  return signature;
}

ck_object_handle_t
Pkcs11Session::generate_key_pair(struct ck_mechanism& mechanism,
                                 std::vector<struct ck_attribute>& public_template,
                                 std::vector<struct ck_attribute>& private_template) const {
  ck_object_handle_t public_key = 0;
  ck_object_handle_t private_key = 0;
  require_ok(m_module->api->C_GenerateKeyPair(m_session,
                                              &mechanism,
                                              public_template.data(),
                                              public_template.size(),
                                              private_template.data(),
                                              private_template.size(),
                                              &public_key,
                                              &private_key),
             "generate the key pair");
  return public_key;
}

std::filesystem::path default_pkcs11_module() {
  return "p11-kit-proxy.so";
}

} // namespace zbundle::pki
