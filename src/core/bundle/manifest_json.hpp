#pragma once

// Internal to the manifest's reader and writer: strict JSON field access (unknown members,
// missing members and wrong types are refused, naming the field) and the model's sections.

#include "core/bundle/manifest.hpp"
#include "core/ics/image_ref.hpp"
#include "core/util/error.hpp"
#include "core/util/hex.hpp"
#include "core/util/str_cat.hpp"
#include "core/util/untrusted_text.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

namespace zbundle::bundle::manifest_json {

using Json = nlohmann::ordered_json;

inline constexpr std::string_view k_subject = "ZBUNDLE/manifest.json";
inline constexpr std::size_t k_bundle_id_length = 32;
inline constexpr std::size_t k_sha256_hex_length = 64;

[[noreturn]] inline void refuse(std::string_view field, std::string_view why) {
  throw Error(ErrorKind::check, util::str_cat(k_subject, ": ", field, ": ", why));
}

// Field access that refuses what the schema refuses: missing members, unknown members and
// wrong types, naming the field.
class Reader {
public:
  Reader(const Json& object, std::string field, std::initializer_list<std::string_view> members)
      : m_object(object), m_field(std::move(field)) {
    if (!object.is_object()) {
      refuse(m_field, "not an object");
    }
    for (const auto& [key, value] : object.items()) {
      if (std::find(members.begin(), members.end(), key) == members.end()) {
        refuse(util::str_cat(m_field, ".", key), "unknown field");
      }
    }
  }

  [[nodiscard]] const Json& at(std::string_view key, Json::value_t type) const {
    const auto found = m_object.find(std::string(key));
    if (found == m_object.end()) {
      refuse(util::str_cat(m_field, ".", key), "missing");
    }
    const bool matches =
        found->type() == type
        || (type == Json::value_t::number_unsigned && found->type() == Json::value_t::number_integer
            && found->get<std::int64_t>() >= 0);
    if (!matches) {
      refuse(util::str_cat(m_field, ".", key), util::str_cat("not a ", Json(type).type_name()));
    }
    return *found;
  }
  [[nodiscard]] bool has(std::string_view key) const { return m_object.contains(std::string(key)); }
  // A string field: no control character in it, anywhere in the model.
  [[nodiscard]] std::string text(std::string_view key) const { return checked_text(key, {}); }
  // The text of a PEM block or a YAML document: lines and tabs, no other control character.
  [[nodiscard]] std::string multiline_text(std::string_view key) const {
    return checked_text(key, "\n\t");
  }
  [[nodiscard]] std::uint64_t number(std::string_view key) const {
    return at(key, Json::value_t::number_unsigned).get<std::uint64_t>();
  }
  [[nodiscard]] const Json& array(std::string_view key) const {
    return at(key, Json::value_t::array);
  }
  [[nodiscard]] std::string field(std::string_view key) const {
    return util::str_cat(m_field, ".", key);
  }

private:
  [[nodiscard]] std::string checked_text(std::string_view key, std::string_view allowed) const {
    std::string value = at(key, Json::value_t::string).get<std::string>();
    if (util::has_control_character(value, allowed)) {
      refuse(util::str_cat(m_field, ".", key),
             util::str_cat("holds a control character: ", util::printable(value)));
    }
    return value;
  }

  const Json& m_object;
  std::string m_field;
};

inline std::string checked_hex(std::string text, std::size_t length, std::string_view field) {
  if (!util::is_lower_hex(text, length)) {
    refuse(field, util::str_cat("not ", length, " lower-case hex characters"));
  }
  return text;
}

inline std::string checked_digest(std::string text, std::string_view field) {
  if (!ics::is_sha256_digest(text)) {
    refuse(field, "not a sha256:<64 hex> digest");
  }
  return text;
}

inline std::vector<std::string> text_list(const Json& array, std::string_view field) {
  std::vector<std::string> items;
  for (const Json& item : array) {
    if (!item.is_string()) {
      refuse(field, "holds a non-string");
    }
    if (util::has_control_character(item.get_ref<const std::string&>())) {
      refuse(
          field,
          util::str_cat("holds a control character: ", util::printable(item.get<std::string>())));
    }
    items.push_back(item.get<std::string>());
  }
  return items;
}

// Parses the manifest document; the top-level `entries` list goes into `entries` as it
// streams by (the DOM holds an empty list there). Throws Error{check} naming the field.
[[nodiscard]] Json parse_document(std::string_view json, std::vector<Entry>& entries);

// `repositories` and `prune` (manifest_repositories.cpp). A prune item the repositories
// reference is refused.
[[nodiscard]] Json repositories_json(const std::vector<model::RepositoryRecord>& repositories);
[[nodiscard]] std::vector<model::RepositoryRecord> parse_repositories(const Json& list);
[[nodiscard]] Json prune_json(const std::vector<PruneItem>& items);
[[nodiscard]] std::vector<PruneItem>
parse_prune(const Json& list, const std::vector<model::RepositoryRecord>& repositories);

// The signed model's sections (image content sources, releases, images, catalogs, cluster
// resources), written into and read from the manifest document.
void write_model(const Manifest& manifest, Json& document);
void read_model(const Reader& top, Manifest& manifest);
// boot_images, written only when there are some (older readers refuse the field); read after
// the entries, each image's entry boot/<file> checked to be there and every boot/ entry named.
void write_boot_images(const Manifest& manifest, Json& document);
void read_boot_images(const Reader& top, Manifest& manifest);

} // namespace zbundle::bundle::manifest_json
