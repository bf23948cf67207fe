#include "core/pki/pkcs11_uri.hpp"
#include "test_support.hpp"

namespace zbundle::pki {
namespace {

TEST(Pkcs11Uri, ReadsTheAttributesZbundleUses) {
  const Pkcs11Uri uri = parse_pkcs11_uri(
      "pkcs11:token=zbundle%20keys;manufacturer=IBM;serial=93AA;model=CCA;object=release;"
      "id=%01%ff;type=private?module-path=/usr/lib64/opencryptoki/libopencryptoki.so");
  EXPECT_EQ(uri.token, "zbundle keys");
  EXPECT_EQ(uri.manufacturer, "IBM");
  EXPECT_EQ(uri.serial, "93AA");
  EXPECT_EQ(uri.model, "CCA");
  EXPECT_EQ(uri.object, "release");
  EXPECT_EQ(uri.id, std::string("\x01\xff", 2));
  EXPECT_EQ(uri.module_path, "/usr/lib64/opencryptoki/libopencryptoki.so");
  EXPECT_EQ(uri.describe(), "token=zbundle keys;serial=93AA;object=release");
}

TEST(Pkcs11Uri, SchemeIsCaseInsensitiveAndSlotIsANumber) {
  EXPECT_TRUE(is_pkcs11_uri("PKCS11:object=a"));
  EXPECT_FALSE(is_pkcs11_uri("pkcs11"));
  EXPECT_FALSE(is_pkcs11_uri("/keys/pkcs11:object=a"));
  EXPECT_EQ(parse_pkcs11_uri("pkcs11:slot-id=3;object=a").slot_id, 3UL);
  EXPECT_ZB_ERROR(static_cast<void>(parse_pkcs11_uri("pkcs11:slot-id=3x;object=a")),
                  ErrorKind::usage,
                  "slot-id: not a decimal number");
}

TEST(Pkcs11Uri, NeverTakesAPin) {
  EXPECT_ZB_ERROR(static_cast<void>(parse_pkcs11_uri("pkcs11:object=a?pin-value=1234")),
                  ErrorKind::usage,
                  "pin-value: a PIN is never part of the key's name");
  EXPECT_ZB_ERROR(static_cast<void>(parse_pkcs11_uri("pkcs11:object=a?pin-source=file:/p")),
                  ErrorKind::usage,
                  "pin-source: a PIN is never part of the key's name");
}

TEST(Pkcs11Uri, RefusesWhatItCannotMeanExactly) {
  const auto refused = [](const std::string& text, const std::string& why) {
    EXPECT_ZB_ERROR(static_cast<void>(parse_pkcs11_uri(text)), ErrorKind::usage, why);
  };
  refused("pkcs11:token=a", "names no key");
  refused("pkcs11:object=a;object=b", "object given twice");
  refused("pkcs11:object=a%2", "a '%' not followed by two hex digits");
  refused("pkcs11:object=a%zz", "a '%' not followed by two hex digits");
  refused("pkcs11:object=a b", "must be percent-encoded");
  refused("pkcs11:object=a;colour=red", "unknown attribute colour");
  refused("pkcs11:object=a;type=cert", "type=cert: zbundle signs with a private key");
  refused("pkcs11:object=a;library-manufacturer=x", "not supported");
  refused("pkcs11:object=a?module-path=/a&module-path=/b", "module-path given twice");
  refused("pkcs11:object=a?what=1", "unknown query attribute what");
  refused("pkcs11:object", "'object' is not name=value");
  refused("pkcs11:object=a;;token=b", "'' is not name=value");
  refused("pkcs11:object=" + std::string(257, 'a'), "longer than 256 bytes");
  refused("pkcs11:object=" + std::string(5000, 'a'), "longer than 4096 bytes");
  refused("file:object=a", "not a pkcs11: URI");
}

} // namespace
} // namespace zbundle::pki
