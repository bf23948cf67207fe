#include "core/bundle/bundle_index.hpp"

#include "core/util/error.hpp"
#include "core/util/str_cat.hpp"

#include <nlohmann/json.hpp>

namespace zbundle::bundle {
namespace {

using Json = nlohmann::ordered_json;
using util::str_cat;

constexpr std::string_view k_index_format = "zbundle-index/v1";

[[noreturn]] void refuse(std::string_view why) {
  throw Error(ErrorKind::check, str_cat(k_index_member, ": ", why));
}

} // namespace

std::string serialize_index(const Manifest& manifest, const std::vector<FramePosition>& positions) {
  Json frames = Json::array();
  for (std::size_t i = 0; i < positions.size() && i < manifest.entries.size(); ++i) {
    frames.push_back({{"path", manifest.entries[i].path},
                      {"volume", positions[i].volume},
                      {"offset", positions[i].offset}});
  }
  const Json document = {
      {"format", k_index_format}, {"bundle_id", manifest.bundle_id}, {"frames", std::move(frames)}};
  return document.dump() + "\n";
}

std::vector<IndexFrame> parse_index(std::string_view json, const Manifest& manifest) {
  std::vector<IndexFrame> frames;
  try {
    const Json document = Json::parse(json);
    if (document.at("format").get<std::string>() != k_index_format) {
      refuse("unknown format");
    }
    if (document.at("bundle_id").get<std::string>() != manifest.bundle_id) {
      refuse("belongs to another bundle");
    }
    const Json& list = document.at("frames");
    if (!list.is_array() || list.size() != manifest.entries.size()) {
      refuse("does not list one frame per entry");
    }
    for (std::size_t i = 0; i < list.size(); ++i) {
      IndexFrame frame{
          list[i].at("path").get<std::string>(),
          {list[i].at("volume").get<std::uint32_t>(), list[i].at("offset").get<std::uint64_t>()}};
      if (frame.path != manifest.entries[i].path) {
        refuse(str_cat(
            "frame ", i, " names ", frame.path, ", the manifest ", manifest.entries[i].path));
      }
      frames.push_back(std::move(frame));
    }
  } catch (const Json::exception& error) {
    refuse(str_cat("malformed: ", error.what()));
  }
  return frames;
}

} // namespace zbundle::bundle
