#include "core/ocmirror/run_records.hpp"

#include "core/ics/image_ref.hpp"
#include "core/util/bounded_parse.hpp"
#include "core/util/error.hpp"
#include "core/util/str_cat.hpp"
#include "core/util/untrusted_text.hpp"

#include <nlohmann/json.hpp>
#include <yaml-cpp/yaml.h>

#include <array>
#include <istream>
#include <streambuf>

namespace zbundle::ocmirror {
namespace {

using util::str_cat;

constexpr std::size_t k_stream_buffer_size = std::size_t{64} * 1024;

// Presents an entry's bytes as a std::istream for nlohmann's SAX parser.
class EntryStreamBuffer final : public std::streambuf {
public:
  explicit EntryStreamBuffer(walk::EntryContent& content) : m_content(content) {}

protected:
  int_type underflow() override {
    const std::size_t got = m_content.read_some(m_buffer);
    if (got == 0) {
      return traits_type::eof();
    }
    setg(m_buffer.data(), m_buffer.data(), m_buffer.data() + got);
    return traits_type::to_int_type(m_buffer.front());
  }

private:
  walk::EntryContent& m_content;
  std::array<char, k_stream_buffer_size> m_buffer{};
};

// Keeps, per top-level object, its schema, its image and the images of relatedImages[];
// an olm.bundle hands them over when it closes. Other schemas (packages, channels) are
// skipped without keeping anything.
class BundleImageCollector final : public nlohmann::json_sax<nlohmann::json> {
public:
  explicit BundleImageCollector(std::vector<std::string>& images) : m_images(images) {}

  bool null() override { return true; }
  bool boolean(bool /*value*/) override { return true; }
  bool number_integer(number_integer_t /*value*/) override { return true; }
  bool number_unsigned(number_unsigned_t /*value*/) override { return true; }
  bool number_float(number_float_t /*value*/, const string_t& /*text*/) override { return true; }
  bool binary(binary_t& /*value*/) override { return true; }

  bool string(string_t& value) override {
    if (m_depth == 1 && m_top_key == "schema") {
      m_schema = value;
    } else if ((m_depth == 1 && m_top_key == "image")
               || (m_depth == 3 && m_top_key == "relatedImages" && m_inner_key == "image")) {
      m_pending.push_back(value);
    }
    return true;
  }
  bool key(string_t& value) override {
    if (m_depth == 1) {
      m_top_key = value;
    } else if (m_depth == 3) {
      m_inner_key = value;
    }
    return true;
  }
  bool start_object(std::size_t /*size*/) override {
    ++m_depth;
    return true;
  }
  bool end_object() override {
    if (--m_depth == 0) {
      if (m_schema == "olm.bundle") {
        m_images.insert(m_images.end(), m_pending.begin(), m_pending.end());
      }
      m_pending.clear();
      m_schema.clear();
      m_top_key.clear();
    }
    return true;
  }
  bool start_array(std::size_t /*size*/) override {
    ++m_depth;
    return true;
  }
  bool end_array() override {
    --m_depth;
    return true;
  }
  bool parse_error(std::size_t position,
                   const std::string& /*token*/,
                   const nlohmann::detail::exception& error) override {
    m_error = str_cat(
        "malformed JSON at byte ", static_cast<std::uint64_t>(position), ": ", error.what());
    return false;
  }

  [[nodiscard]] const std::string& error() const noexcept { return m_error; }

private:
  std::vector<std::string>& m_images;
  std::vector<std::string> m_pending;
  std::string m_schema;
  std::string m_top_key;
  std::string m_inner_key;
  std::string m_error;
  int m_depth = 0;
};

// `node[key]` when `node` is a mapping that has it, else a null node: indexing what is absent
// (or not a mapping) is not malformed YAML, only a section the run did not use.
YAML::Node child(const YAML::Node& node, const char* key) {
  if (!node || !node.IsMap()) {
    return {};
  }
  const YAML::Node value = node[key];
  return value ? value : YAML::Node();
}

// The scalar `node[key]`, or "" when there is none.
std::string scalar_at(const YAML::Node& node, const char* key) {
  const YAML::Node value = child(node, key);
  return value.IsScalar() ? value.Scalar() : std::string();
}

std::vector<std::string> scalars_at(const YAML::Node& list, std::string_view field) {
  std::vector<std::string> values;
  if (!list || !list.IsSequence()) {
    return values;
  }
  for (const YAML::Node& entry : list) {
    const std::string value = scalar_at(entry, std::string(field).c_str());
    if (!value.empty()) {
      values.push_back(value);
    }
  }
  return values;
}

// The entries of `list` that name an image in `field`, with their target (`target_field` and
// targetTag), each target checked against the grammar it is used in.
std::vector<ConfiguredImage> configured_images(const YAML::Node& list,
                                               const char* field,
                                               const char* target_field,
                                               std::string_view subject) {
  std::vector<ConfiguredImage> images;
  if (!list || !list.IsSequence()) {
    return images;
  }
  for (const YAML::Node& entry : list) {
    ConfiguredImage image{scalar_at(entry, field),
                          {scalar_at(entry, target_field), scalar_at(entry, "targetTag")}};
    if (image.reference.empty()) {
      continue;
    }
    // v1's deprecated targetName renames the catalog's last path component only.
    if (const std::string name = scalar_at(entry, "targetName");
        image.target.repository.empty() && !name.empty()) {
      const std::string source = ics::parse_image_ref(image.reference).repository;
      const std::size_t slash = source.rfind('/');
      image.target.repository =
          slash == std::string::npos ? name : str_cat(source.substr(0, slash + 1), name);
    }
    if (!image.target.repository.empty() && !ics::is_repository_path(image.target.repository)) {
      throw Error(ErrorKind::input,
                  str_cat(subject,
                          ": ",
                          target_field,
                          " ",
                          util::printable(image.target.repository),
                          ": not a repository path"));
    }
    if (!image.target.tag.empty() && !ics::is_tag(image.target.tag)) {
      throw Error(
          ErrorKind::input,
          str_cat(subject, ": targetTag ", util::printable(image.target.tag), ": not a tag"));
    }
    images.push_back(std::move(image));
  }
  return images;
}

} // namespace

ImageSetConfig parse_image_set_config(const std::string& yaml_text, std::string_view subject) {
  try {
    const std::vector<YAML::Node> documents = util::load_bounded_yaml(yaml_text, subject);
    const YAML::Node document = documents.empty() ? YAML::Node() : documents.front();
    const YAML::Node mirror = child(document, "mirror");
    ImageSetConfig config;
    config.additional_images =
        configured_images(child(mirror, "additionalImages"), "name", "targetRepo", subject);
    config.catalogs =
        configured_images(child(mirror, "operators"), "catalog", "targetCatalog", subject);
    // An operators-only or additional-images-only run has no platform section.
    const YAML::Node platform = child(mirror, "platform");
    const YAML::Node channels = child(platform, "channels");
    config.channels = scalars_at(channels, "name");
    config.release = scalar_at(platform, "release");
    config.wants_graph = scalar_at(platform, "graph") == "true";
    for (const YAML::Node& channel : channels.IsSequence() ? channels : YAML::Node()) {
      config.is_okd = config.is_okd || scalar_at(channel, "type") == "okd";
    }
    return config;
  } catch (const YAML::Exception& error) {
    throw Error(ErrorKind::input,
                str_cat(subject, ":", error.mark.line + 1, ": malformed YAML: ", error.msg));
  }
}

std::vector<std::string> parse_release_references(const std::string& json_text,
                                                  std::string_view subject) {
  const nlohmann::json stream = util::parse_bounded_json(json_text, subject);
  if (!stream.is_object()) {
    throw Error(ErrorKind::input,
                str_cat(subject, ": malformed JSON: expected a release ImageStream"));
  }
  std::vector<std::string> images;
  // Walked member by member: a JSON pointer through a value of another type throws
  // nlohmann's own errors, which are not zbundle's.
  const auto spec = stream.find("spec");
  const nlohmann::json tags = spec != stream.end() && spec->is_object()
                                  ? spec->value("tags", nlohmann::json::array())
                                  : nlohmann::json::array();
  if (!tags.is_array()) {
    throw Error(ErrorKind::input, str_cat(subject, ": spec.tags is not a list"));
  }
  for (const nlohmann::json& tag : tags) {
    const auto from = tag.is_object() ? tag.find("from") : tag.end();
    const std::string name = from != tag.end()
                                 ? util::json_text(*from, "name", str_cat(subject, ": spec.tags"))
                                 : std::string();
    if (name.empty()) {
      throw Error(ErrorKind::input, str_cat(subject, ": a spec.tags entry has no from.name"));
    }
    images.push_back(name);
  }
  return images;
}

std::vector<std::string> read_catalog_images(walk::EntryContent& content,
                                             std::string_view subject) {
  std::vector<std::string> images;
  EntryStreamBuffer buffer(content);
  std::istream input(&buffer);
  input.exceptions(std::ios::badbit); // let read errors from the entry reach the caller
  BundleImageCollector collector(images);
  // A catalog file is a stream of JSON objects, one after another.
  while (!(input >> std::ws).eof()) {
    if (!nlohmann::json::sax_parse(
            input, &collector, nlohmann::json::input_format_t::json, false)) {
      throw Error(ErrorKind::input, str_cat(subject, ": ", collector.error()));
    }
  }
  return images;
}

} // namespace zbundle::ocmirror
