#include "core/pki/pkcs11_uri.hpp"

#include "core/util/error.hpp"
#include "core/util/str_cat.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <set>

namespace zbundle::pki {
namespace {

using util::str_cat;

constexpr std::string_view k_scheme = "pkcs11:";
constexpr std::size_t k_uri_limit = 4096;
constexpr std::size_t k_value_limit = 256;

[[noreturn]] void refuse(std::string_view uri, std::string_view why) {
  throw Error(ErrorKind::usage, str_cat(uri, ": ", why));
}

int hex_value(char c) noexcept {
  if (c >= '0' && c <= '9') {
    return c - '0';
  }
  const char lower = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return lower >= 'a' && lower <= 'f' ? lower - 'a' + 10 : -1;
}

// RFC 3986 percent-decoding; anything outside the URI's own characters must be encoded.
std::string decode(std::string_view uri, std::string_view name, std::string_view value) {
  std::string out;
  for (std::size_t i = 0; i < value.size(); ++i) {
    const char c = value[i];
    if (c == '%') {
      const int high = i + 2 < value.size() ? hex_value(value[i + 1]) : -1;
      const int low = i + 2 < value.size() ? hex_value(value[i + 2]) : -1;
      if (high < 0 || low < 0) {
        refuse(uri, str_cat(name, ": a '%' not followed by two hex digits"));
      }
      out.push_back(static_cast<char>(high * 16 + low));
      i += 2;
    } else if (static_cast<unsigned char>(c) <= 0x20 || static_cast<unsigned char>(c) >= 0x7f
               || std::string_view("\"<>\\^`{|}#").find(c) != std::string_view::npos) {
      refuse(uri, str_cat(name, ": a character that must be percent-encoded"));
    } else {
      out.push_back(c);
    }
  }
  if (out.size() > k_value_limit) {
    refuse(uri, str_cat(name, ": longer than ", k_value_limit, " bytes"));
  }
  return out;
}

void take_path_attribute(Pkcs11Uri& result,
                         std::string_view name,
                         std::string value,
                         std::set<std::string, std::less<>>& seen) {
  const std::string_view uri = result.text;
  if (!seen.emplace(name).second) {
    refuse(uri, str_cat(name, " given twice"));
  }
  if (name == "token") {
    result.token = std::move(value);
  } else if (name == "manufacturer") {
    result.manufacturer = std::move(value);
  } else if (name == "serial") {
    result.serial = std::move(value);
  } else if (name == "model") {
    result.model = std::move(value);
  } else if (name == "object") {
    result.object = std::move(value);
  } else if (name == "id") {
    result.id = std::move(value);
  } else if (name == "slot-id") {
    unsigned long slot = 0;
    const auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), slot);
    if (value.empty() || error != std::errc() || end != value.data() + value.size()) {
      refuse(uri, "slot-id: not a decimal number");
    }
    result.slot_id = slot;
  } else if (name == "type") {
    if (value != "private" && value != "public") {
      refuse(uri, str_cat("type=", value, ": zbundle signs with a private key"));
    }
  } else if (name.starts_with("library-") || name.starts_with("slot-")) {
    refuse(uri, str_cat(name, ": not supported; select the module with --pkcs11-module"));
  } else {
    refuse(uri, str_cat("unknown attribute ", name));
  }
}

void take_query_attribute(Pkcs11Uri& result,
                          std::string_view name,
                          std::string value,
                          std::set<std::string, std::less<>>& seen) {
  const std::string_view uri = result.text;
  if (name == "pin-value" || name == "pin-source") {
    refuse(uri,
           str_cat(name, ": a PIN is never part of the key's name; use --pin-file or --pin-env"));
  }
  if (!seen.emplace(name).second) {
    refuse(uri, str_cat(name, " given twice"));
  }
  if (name == "module-path") {
    result.module_path = std::move(value);
  } else if (name != "module-name") { // a name alone cannot be loaded safely; ignored
    refuse(uri, str_cat("unknown query attribute ", name));
  }
}

// Splits "a=b<separator>c=d" and hands each decoded pair to `take`.
template <class Take>
void for_each_attribute(std::string_view uri, std::string_view list, char separator, Take take) {
  for (std::size_t start = 0; start < list.size();) {
    const std::size_t end = std::min(list.find(separator, start), list.size());
    const std::string_view item = list.substr(start, end - start);
    const std::size_t equals = item.find('=');
    if (equals == std::string_view::npos || equals == 0) {
      refuse(uri, str_cat("'", item, "' is not name=value"));
    }
    const std::string_view name = item.substr(0, equals);
    take(name, decode(uri, name, item.substr(equals + 1)));
    start = end + 1;
  }
}

} // namespace

std::string Pkcs11Uri::describe() const {
  std::string out;
  const auto add = [&out](std::string_view name, const std::optional<std::string>& value) {
    if (value) {
      out += str_cat(out.empty() ? "" : ";", name, "=", *value);
    }
  };
  add("token", token);
  add("serial", serial);
  add("object", object);
  return out;
}

bool is_pkcs11_uri(std::string_view text) noexcept {
  return text.size() >= k_scheme.size()
         && std::equal(k_scheme.begin(), k_scheme.end(), text.begin(), [](char a, char b) {
              return a == std::tolower(static_cast<unsigned char>(b));
            });
}

Pkcs11Uri parse_pkcs11_uri(std::string_view text) {
  Pkcs11Uri result;
  result.text = std::string(text.substr(0, std::min(text.size(), std::size_t{200})));
  if (!is_pkcs11_uri(text)) {
    refuse(result.text, "not a pkcs11: URI");
  }
  if (text.size() > k_uri_limit) {
    refuse(result.text, str_cat("longer than ", k_uri_limit, " bytes"));
  }
  const std::string_view rest = text.substr(k_scheme.size());
  const std::size_t question = rest.find('?');
  std::set<std::string, std::less<>> seen;
  for_each_attribute(result.text, rest.substr(0, question), ';', [&](auto name, std::string value) {
    take_path_attribute(result, name, std::move(value), seen);
  });
  if (question != std::string_view::npos) {
    std::set<std::string, std::less<>> seen_in_query;
    for_each_attribute(
        result.text, rest.substr(question + 1), '&', [&](auto name, std::string value) {
          take_query_attribute(result, name, std::move(value), seen_in_query);
        });
  }
  if (!result.object && !result.id) {
    refuse(result.text, "names no key: give object= (its label) or id=");
  }
  return result;
}

} // namespace zbundle::pki
