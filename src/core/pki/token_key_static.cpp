// The statically linked builds (the s390x release, zbundle-extract everywhere): glibc cannot
// dlopen a module into a static program reliably, so token keys are refused with the reason.

#include "core/pki/token_key.hpp"
#include "core/util/error.hpp"

namespace zbundle::pki {
namespace {

[[noreturn]] void refuse() {
  throw Error(ErrorKind::usage,
              "pkcs11: keys need the dynamically linked zbundle: this build is linked statically "
              "and cannot load a PKCS#11 module");
}

} // namespace

SigningKey open_token_key(const Pkcs11Uri& /*uri*/, const TokenOptions& /*options*/) {
  refuse();
}

std::string
generate_token_key(const Pkcs11Uri& /*uri*/, KeyType /*type*/, const TokenOptions& /*options*/) {
  refuse();
}

} // namespace zbundle::pki
