// The manifest's `entries` list, parsed as it streams by: a bundle may list 100k entries, and a
// JSON DOM of them would cost several times the manifest's size (the extractor's memory goal
// is 64 MiB). Everything else in the manifest is small and is built as a DOM as before.

#include "core/bundle/manifest_json.hpp"

#include <cstdint>

namespace zbundle::bundle::manifest_json {
namespace {

using util::str_cat;

// SAX events: forwarded to a DOM builder, except for the top-level "entries" array, which
// becomes Entry values (the DOM gets an empty array in its place). Errors keep the strict
// reader's wording.
class ManifestHandler final : public nlohmann::json_sax<Json> {
public:
  explicit ManifestHandler(Json& root) : m_dom(root) {}

  bool null() override { return m_mode == Mode::outside ? m_dom.null() : wrong("null"); }
  bool boolean(bool value) override {
    return m_mode == Mode::outside ? m_dom.boolean(value) : wrong("boolean");
  }
  bool number_integer(number_integer_t value) override {
    if (m_mode == Mode::outside) {
      return m_dom.number_integer(value);
    }
    return value >= 0 ? number_unsigned(static_cast<number_unsigned_t>(value)) : wrong("number");
  }
  bool number_unsigned(number_unsigned_t value) override {
    if (m_mode == Mode::outside) {
      return m_dom.number_unsigned(value);
    }
    if (m_mode != Mode::in_entry || m_key != "size") {
      return wrong("number");
    }
    m_entry.size = value;
    m_seen |= k_size;
    return true;
  }
  bool number_float(number_float_t value, const string_t& text) override {
    return m_mode == Mode::outside ? m_dom.number_float(value, text) : wrong("number");
  }
  bool string(string_t& value) override {
    if (m_mode == Mode::outside) {
      return m_dom.string(value);
    }
    if (m_mode == Mode::in_entry && m_key == "path") {
      m_entry.path = std::move(value);
      m_seen |= k_path;
      return true;
    }
    if (m_mode == Mode::in_entry && m_key == "sha256") {
      const std::optional<util::Sha256Digest> digest = util::Sha256Digest::from_hex(value);
      m_entry.sha256 = digest.value_or(util::Sha256Digest{});
      m_seen |= digest ? k_sha256 : k_bad_sha256; // refused once the path is known
      return true;
    }
    return wrong("string");
  }
  bool binary(binary_t& value) override {
    return m_mode == Mode::outside ? m_dom.binary(value) : wrong("binary");
  }
  bool start_object(std::size_t size) override {
    if (m_mode == Mode::outside) {
      deeper();
      return m_dom.start_object(size);
    }
    if (m_mode != Mode::in_list) {
      return wrong("object");
    }
    m_mode = Mode::in_entry;
    m_entry = {};
    m_seen = 0;
    return true;
  }
  bool key(string_t& name) override {
    if (m_mode == Mode::outside) {
      m_is_entries_next = m_depth == 1 && name == "entries";
      return m_dom.key(name);
    }
    if (name != "path" && name != "size" && name != "sha256") {
      refuse(str_cat("entries[].", name), "unknown field");
    }
    m_key = std::move(name);
    return true;
  }
  bool end_object() override {
    if (m_mode == Mode::outside) {
      --m_depth;
      return m_dom.end_object();
    }
    if ((m_seen & k_bad_sha256) != 0) {
      refuse(str_cat("entries[", m_entry.path, "].sha256"),
             str_cat("not ", k_sha256_hex_length, " lower-case hex characters"));
    }
    for (const auto& [bit, field] :
         {std::pair{k_path, "path"}, {k_size, "size"}, {k_sha256, "sha256"}}) {
      if ((m_seen & bit) == 0) {
        refuse(str_cat("entries[].", field), "missing");
      }
    }
    // the lexer's buffer grew by doubling: 100k of them would waste a third of the memory
    m_entry.path.shrink_to_fit();
    m_entries.push_back(std::move(m_entry));
    m_mode = Mode::in_list;
    return true;
  }
  bool start_array(std::size_t size) override {
    if (m_mode == Mode::outside && m_is_entries_next) {
      m_is_entries_next = false;
      m_mode = Mode::in_list;
      return m_dom.start_array(0) && m_dom.end_array(); // a placeholder the strict reader sees
    }
    if (m_mode == Mode::outside) {
      deeper();
      return m_dom.start_array(size);
    }
    return wrong("array");
  }
  bool end_array() override {
    if (m_mode == Mode::outside) {
      --m_depth;
      return m_dom.end_array();
    }
    m_mode = Mode::outside; // only the entries list itself can end here
    return true;
  }
  bool parse_error(std::size_t position,
                   const std::string& token,
                   const nlohmann::detail::exception& error) override {
    return m_dom.parse_error(position, token, error);
  }

  [[nodiscard]] std::vector<Entry> take_entries() { return std::move(m_entries); }

private:
  enum class Mode { outside, in_list, in_entry };
  static constexpr unsigned k_path = 1;
  static constexpr unsigned k_size = 2;
  static constexpr unsigned k_sha256 = 4;
  static constexpr unsigned k_bad_sha256 = 8;
  static constexpr int k_max_depth = 16;

  // The manifest's own shape is four levels deep: anything much deeper is hostile, and
  // refusing it here keeps every later copy and walk of the DOM (recursive) within bounds.
  void deeper() {
    if (++m_depth > k_max_depth) {
      refuse("JSON", str_cat("nested deeper than ", k_max_depth, " levels"));
    }
  }

  [[noreturn]] bool wrong(std::string_view what) {
    if (m_mode == Mode::in_list) {
      refuse("entries[]", "not an object");
    }
    const std::string_view wanted = m_key == "size" ? "number" : "string";
    refuse(str_cat("entries[].", m_key), str_cat("not a ", wanted, " (", what, ")"));
  }

  nlohmann::detail::json_sax_dom_parser<Json> m_dom;
  int m_depth = 0;
  bool m_is_entries_next = false;
  Mode m_mode = Mode::outside;
  std::vector<Entry> m_entries;
  Entry m_entry;
  std::string m_key;
  unsigned m_seen = 0;
};

} // namespace

Json parse_document(std::string_view json, std::vector<Entry>& entries) {
  Json root;
  ManifestHandler handler(root);
  try {
    if (!Json::sax_parse(json, &handler)) {
      refuse("JSON", "does not parse");
    }
  } catch (const Json::exception& error) {
    refuse("JSON", error.what());
  }
  entries = handler.take_entries();
  return root;
}

} // namespace zbundle::bundle::manifest_json
