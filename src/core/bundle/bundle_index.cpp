#include "core/bundle/bundle_index.hpp"

#include "core/util/error.hpp"
#include "core/util/str_cat.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>

namespace zbundle::bundle {
namespace {

using Json = nlohmann::ordered_json;
using util::str_cat;

constexpr std::string_view k_index_format = "zbundle-index/v1";

[[noreturn]] bool refuse(std::string_view why) {
  throw Error(ErrorKind::check, str_cat(k_index_member, ": ", why));
}

// {"format", "bundle_id", "manifest_sha256", "frames": [{"path", "volume", "offset"}...]}, checked
// against the manifest frame by frame; only the positions are kept.
class IndexHandler final : public nlohmann::json_sax<Json> {
public:
  IndexHandler(const Manifest& manifest, std::string_view manifest_sha256)
      : m_manifest(manifest), m_manifest_sha256(manifest_sha256) {
    m_frames.reserve(manifest.entries.size());
  }

  bool null() override { refuse(str_cat(m_key, ": null")); }
  bool boolean(bool /*value*/) override { refuse(str_cat(m_key, ": a boolean")); }
  bool number_integer(number_integer_t value) override {
    if (value < 0) {
      refuse(str_cat(m_key, ": negative"));
    }
    return number_unsigned(static_cast<number_unsigned_t>(value));
  }
  bool number_unsigned(number_unsigned_t value) override {
    if (m_depth != 3 || (m_key != "volume" && m_key != "offset")) {
      refuse(str_cat(m_key, ": a number"));
    }
    if (m_key == "volume") {
      if (value > UINT32_MAX) {
        refuse("volume: out of range");
      }
      m_frame.position.volume = static_cast<std::uint32_t>(value);
    } else {
      m_frame.position.offset = value;
    }
    m_seen |= m_key == "volume" ? 2U : 4U;
    return true;
  }
  bool number_float(number_float_t /*value*/, const string_t& /*text*/) override {
    refuse(str_cat(m_key, ": not an integer"));
  }
  bool string(string_t& value) override {
    if (m_depth == 1 && m_key == "format") {
      if (value != k_index_format) {
        refuse("unknown format");
      }
      m_seen_top |= 1U;
    } else if (m_depth == 1 && m_key == "bundle_id") {
      if (value != m_manifest.bundle_id) {
        refuse("belongs to another bundle");
      }
      m_seen_top |= 2U;
    } else if (m_depth == 1 && m_key == "manifest_sha256") {
      if (value != m_manifest_sha256) {
        refuse("names another manifest (manifest_sha256 differs)");
      }
      m_seen_top |= 8U;
    } else if (m_depth == 3 && m_key == "path") {
      const std::size_t i = m_frames.size();
      if (i >= m_manifest.entries.size()) {
        refuse("does not list one frame per entry");
      }
      if (value != m_manifest.entries[i].path) {
        refuse(
            str_cat("frame ", i, " names ", value, ", the manifest ", m_manifest.entries[i].path));
      }
      m_frame.path = m_manifest.entries[i].path;
      m_seen |= 1U;
    } else {
      refuse(str_cat(m_key, ": unexpected string"));
    }
    return true;
  }
  bool binary(binary_t& /*value*/) override { refuse("binary data"); }
  bool start_object(std::size_t /*size*/) override {
    ++m_depth;
    if (m_depth == 3) {
      m_frame = {};
      m_seen = 0;
    } else if (m_depth != 1) {
      refuse("an object out of place");
    }
    return true;
  }
  bool key(string_t& name) override {
    m_key = std::move(name);
    return true;
  }
  bool end_object() override {
    if (m_depth == 3) {
      if (m_seen != 7U) {
        refuse(str_cat("frame ", m_frames.size(), ": needs path, volume and offset"));
      }
      m_frames.push_back(m_frame);
    }
    --m_depth;
    return true;
  }
  bool start_array(std::size_t /*size*/) override {
    if (++m_depth != 2 || m_key != "frames") {
      refuse("an array out of place");
    }
    m_seen_top |= 4U;
    return true;
  }
  bool end_array() override {
    --m_depth;
    return true;
  }
  bool parse_error(std::size_t /*position*/,
                   const std::string& /*token*/,
                   const nlohmann::detail::exception& error) override {
    refuse(str_cat("malformed: ", error.what()));
  }

  std::vector<IndexFrame> finish() {
    if (m_seen_top != 15U) {
      refuse("needs format, bundle_id, manifest_sha256 and frames");
    }
    if (m_frames.size() != m_manifest.entries.size()) {
      refuse("does not list one frame per entry");
    }
    return std::move(m_frames);
  }

private:
  const Manifest& m_manifest;
  std::string_view m_manifest_sha256;
  std::vector<IndexFrame> m_frames;
  IndexFrame m_frame;
  std::string m_key;
  int m_depth = 0;
  unsigned m_seen = 0;
  unsigned m_seen_top = 0;
};

} // namespace

std::string serialize_index(const Manifest& manifest,
                            std::string_view manifest_sha256,
                            const std::vector<FramePosition>& positions) {
  Json frames = Json::array();
  for (std::size_t i = 0; i < positions.size() && i < manifest.entries.size(); ++i) {
    frames.push_back({{"path", manifest.entries[i].path},
                      {"volume", positions[i].volume},
                      {"offset", positions[i].offset}});
  }
  const Json document = {{"format", k_index_format},
                         {"bundle_id", manifest.bundle_id},
                         {"manifest_sha256", manifest_sha256},
                         {"frames", std::move(frames)}};
  return document.dump() + "\n";
}

std::vector<IndexFrame>
parse_index(std::string_view json, const Manifest& manifest, std::string_view manifest_sha256) {
  IndexHandler handler(manifest, manifest_sha256);
  try {
    if (!Json::sax_parse(json, &handler)) {
      refuse("malformed");
    }
  } catch (const Json::exception& error) {
    refuse(str_cat("malformed: ", error.what()));
  }
  return handler.finish();
}

} // namespace zbundle::bundle
