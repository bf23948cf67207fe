#include "core/cluster/kind_merge.hpp"

#include "core/cluster/registries_conf_merge.hpp"
#include "core/util/base64.hpp"
#include "core/util/bounded_parse.hpp"
#include "core/util/error.hpp"
#include "core/util/str_cat.hpp"
#include "core/util/untrusted_text.hpp"

#include <algorithm>
#include <array>

namespace zbundle::cluster::detail {
namespace {

using util::str_cat;

constexpr std::string_view k_begin_certificate = "-----BEGIN CERTIFICATE-----";
constexpr std::string_view k_end_certificate = "-----END CERTIFICATE-----";
constexpr std::size_t k_max_pull_secret = std::size_t{1} << 20;

struct MirrorListKind {
  std::string_view kind;
  std::string_view field;
};
constexpr std::array k_mirror_lists{
    MirrorListKind{"ImageDigestMirrorSet", "imageDigestMirrors"},
    MirrorListKind{"ImageTagMirrorSet", "imageTagMirrors"},
    MirrorListKind{"ImageContentSourcePolicy", "repositoryDigestMirrors"},
    MirrorListKind{"HostedCluster", "imageContentSources"},
};

[[noreturn]] void refuse(std::string_view what, std::string_view why) {
  throw Error(ErrorKind::input, str_cat(what, ": ", why));
}

// live[key] as an object, created when missing; refused when it is something else.
Json& object_member(Json& live, std::string_view key, std::string_view what) {
  Json& member = live[std::string(key)];
  if (member.is_null()) {
    member = Json::object();
  }
  if (!member.is_object()) {
    refuse(what, str_cat(key, " is not an object"));
  }
  return member;
}

// The certificates of a PEM bundle, whitespace removed, to compare them by content.
std::vector<std::string> certificates(std::string_view pem) {
  std::vector<std::string> found;
  std::size_t at = 0;
  while ((at = pem.find(k_begin_certificate, at)) != std::string_view::npos) {
    const std::size_t end = pem.find(k_end_certificate, at);
    if (end == std::string_view::npos) {
      break;
    }
    std::string block(pem.substr(at, end + k_end_certificate.size() - at));
    at = end + k_end_certificate.size();
    found.push_back(std::move(block));
  }
  return found;
}

std::string compact(std::string_view text) {
  std::string out;
  std::copy_if(text.begin(), text.end(), std::back_inserter(out), [](char c) {
    return c != ' ' && c != '\t' && c != '\r' && c != '\n';
  });
  return out;
}

void add_certificates(std::string& live, std::string_view ours, std::vector<std::string>& added) {
  std::vector<std::string> known;
  for (const std::string& block : certificates(live)) {
    known.push_back(compact(block));
  }
  for (const std::string& block : certificates(ours)) {
    if (std::find(known.begin(), known.end(), compact(block)) != known.end()) {
      continue;
    }
    if (!live.empty() && !live.ends_with('\n')) {
      live += '\n';
    }
    live += str_cat(block, "\n");
    known.push_back(compact(block));
    added.push_back(block);
  }
}

void merge_config_map(Json& live,
                      const Json& ours,
                      std::string_view what,
                      std::vector<std::string>& changes) {
  if (const auto labels = ours["metadata"].find("labels"); labels != ours["metadata"].end()) {
    Json& live_labels = object_member(object_member(live, "metadata", what), "labels", what);
    for (const auto& [key, value] : labels->items()) {
      if (!live_labels.contains(key)) {
        live_labels[key] = value;
        changes.push_back(str_cat("label ", key, " added"));
      }
    }
  }
  Json& data = object_member(live, "data", what);
  const Json ours_data = ours.value("data", Json::object());
  for (const auto& [key, value] : ours_data.items()) {
    const std::string ours_text = value.get<std::string>();
    const auto found = data.find(key);
    if (found == data.end()) {
      data[key] = ours_text;
      changes.push_back(str_cat("data.", key, " added"));
      continue;
    }
    if (!found->is_string()) {
      refuse(what, str_cat("data.", util::printable(key), " is not a string"));
    }
    std::string text = found->get<std::string>();
    if (key == "registries.conf") {
      const TextMerge merged =
          merge_registries_conf(text, ours_text, str_cat(what, ": data.registries.conf"));
      for (const std::string& change : merged.changes) {
        changes.push_back(str_cat("data.registries.conf: ", change));
      }
      text = merged.text;
    } else if (ours_text.find(k_begin_certificate) != std::string::npos) {
      std::vector<std::string> added;
      add_certificates(text, ours_text, added);
      if (!added.empty()) {
        changes.push_back(str_cat("data.", key, ": ", added.size(), " certificate(s) added"));
      }
    } else if (text != ours_text) {
      text = ours_text;
      changes.push_back(str_cat("data.", key, " replaced"));
    }
    *found = text;
  }
}

void merge_pull_secret(Json& live,
                       const Json& ours,
                       std::string_view what,
                       std::vector<std::string>& changes) {
  constexpr std::string_view k_key = ".dockerconfigjson";
  const auto decode = [&](const Json& object, std::string_view side) {
    const Json data = object.value("data", Json::object());
    const auto found = data.find(k_key);
    if (found == data.end() || !found->is_string()) {
      return Json{{"auths", Json::object()}};
    }
    const std::optional<std::string> text =
        util::decode_base64(found->get<std::string>(), k_max_pull_secret);
    if (!text) {
      refuse(what, str_cat(side, " data..dockerconfigjson is not base64"));
    }
    (void)util::parse_bounded_json(*text, str_cat(what, ": ", side, " .dockerconfigjson"));
    Json document = Json::parse(*text); // again, keeping the order of the entries
    if (!document.is_object() || !document.value("auths", Json::object()).is_object()) {
      refuse(what, str_cat(side, " .dockerconfigjson has no \"auths\" object"));
    }
    if (!document.contains("auths")) { // "{}": no credentials yet, as an absent key is read
      document["auths"] = Json::object();
    }
    return document;
  };
  Json secret = decode(live, "the live");
  const Json wanted = decode(ours, "our");
  const Json& wanted_auths = wanted.at("auths");
  Json& auths = object_member(secret, "auths", what);
  bool changed = false;
  for (const auto& [registry, credential] : wanted_auths.items()) {
    const auto found = auths.find(registry);
    if (found != auths.end() && *found == credential) {
      continue;
    }
    changes.push_back(
        str_cat("auths.", util::printable(registry), found == auths.end() ? " added" : " updated"));
    auths[registry] = credential;
    changed = true;
  }
  if (changed) {
    object_member(live, "data", what)[std::string(k_key)] = util::encode_base64(secret.dump());
  }
}

void merge_mirror_list(Json& live,
                       const Json& ours,
                       std::string_view field,
                       std::string_view what,
                       std::vector<std::string>& changes) {
  Json& list = object_member(live, "spec", what)[std::string(field)];
  if (list.is_null()) {
    list = Json::array();
  }
  if (!list.is_array()) {
    refuse(what, str_cat("spec.", field, " is not a list"));
  }
  for (const Json& entry : ours) {
    const std::string source = entry.at("source").get<std::string>();
    const auto same = std::find_if(list.begin(), list.end(), [&](const Json& item) {
      return item.is_object() && item.value("source", Json()) == source;
    });
    if (same == list.end()) {
      list.push_back(entry);
      changes.push_back(str_cat("source ", source, " added"));
      continue;
    }
    Json& mirrors = (*same)["mirrors"];
    if (mirrors.is_null()) {
      mirrors = Json::array();
    }
    if (!mirrors.is_array()) {
      refuse(what, str_cat("the mirrors of ", util::printable(source), " are not a list"));
    }
    for (const Json& mirror : entry.value("mirrors", Json::array())) {
      if (std::find(mirrors.begin(), mirrors.end(), mirror) == mirrors.end()) {
        mirrors.push_back(mirror);
        changes.push_back(
            str_cat("source ", source, ": mirror ", mirror.get<std::string>(), " added"));
      }
    }
    if (entry.contains("mirrorSourcePolicy") && !same->contains("mirrorSourcePolicy")) {
      (*same)["mirrorSourcePolicy"] = entry.at("mirrorSourcePolicy");
      changes.push_back(str_cat("source ", source, ": mirrorSourcePolicy set"));
    }
  }
}

// osImages gains ours, matched by OpenShift version, architecture and RHCOS version (a known
// one takes our URL); mirrorRegistryRef is set when it names nothing. The storage claims and
// everything else the site chose stay.
void merge_agent_service_config(Json& live,
                                const Json& ours,
                                std::string_view what,
                                std::vector<std::string>& changes) {
  Json& spec = object_member(live, "spec", what);
  const Json ours_spec = ours.value("spec", Json::object());
  const Json reference = ours_spec.value("mirrorRegistryRef", Json());
  if (reference.is_object() && !spec.contains("mirrorRegistryRef")) {
    spec["mirrorRegistryRef"] = reference;
    changes.emplace_back("mirrorRegistryRef set");
  }
  Json& images = spec["osImages"];
  if (images.is_null()) {
    images = Json::array();
  }
  if (!images.is_array()) {
    refuse(what, "spec.osImages is not a list");
  }
  const Json ours_images = ours_spec.value("osImages", Json::array());
  for (const Json& image : ours_images) {
    const auto same = std::find_if(images.begin(), images.end(), [&](const Json& item) {
      return item.is_object()
             && item.value("openshiftVersion", Json()) == image.value("openshiftVersion", Json())
             && item.value("cpuArchitecture", Json()) == image.value("cpuArchitecture", Json())
             && item.value("version", Json()) == image.value("version", Json());
    });
    const std::string label = str_cat("osImages ",
                                      util::json_text(image, "openshiftVersion", what),
                                      " ",
                                      util::json_text(image, "cpuArchitecture", what),
                                      " ",
                                      util::json_text(image, "version", what));
    if (same == images.end()) {
      images.push_back(image);
      changes.push_back(str_cat(label, " added"));
    } else if (same->value("url", Json()) != image.value("url", Json())) {
      (*same)["url"] = image.value("url", Json());
      changes.push_back(str_cat(label, ": url updated"));
    }
  }
}

} // namespace

std::string_view mirror_list_field(std::string_view kind) {
  for (const MirrorListKind& entry : k_mirror_lists) {
    if (entry.kind == kind) {
      return entry.field;
    }
  }
  return {};
}

bool has_merge_rule(std::string_view kind) {
  return kind == "ConfigMap" || kind == "Secret" || kind == "AgentServiceConfig"
         || !mirror_list_field(kind).empty();
}

void merge_kind(Json& live,
                const Json& ours,
                std::string_view what,
                std::vector<std::string>& changes) {
  const std::string kind = util::json_text(live, "kind", what);
  if (kind == "ConfigMap") {
    merge_config_map(live, ours, what, changes);
  } else if (kind == "Secret") {
    merge_pull_secret(live, ours, what, changes);
  } else if (kind == "AgentServiceConfig") {
    merge_agent_service_config(live, ours, what, changes);
  } else if (const std::string_view field = mirror_list_field(kind); !field.empty()) {
    // ours is an object of the same kind, or (for a HostedCluster) the hcp list itself
    const Json& list = ours.is_array() ? ours
                                       : ours.at("spec").at(std::string(
                                           mirror_list_field(ours.at("kind").get<std::string>())));
    merge_mirror_list(live, list, field, what, changes);
  } else {
    refuse(what, str_cat("no merge rule for kind ", util::printable(kind)));
  }
}

} // namespace zbundle::cluster::detail
