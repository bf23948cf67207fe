#include "core/ics/render.hpp"

#include "core/util/error.hpp"
#include "core/util/str_cat.hpp"

#include <nlohmann/json.hpp>
#include <yaml-cpp/yaml.h>

#include <array>

namespace zbundle::ics {
namespace {

using util::str_cat;

struct FormatName {
  IcsFormat format;
  std::string_view name;
};
constexpr std::array k_format_names{
    FormatName{IcsFormat::hcp, "hcp"},
    FormatName{IcsFormat::icsp, "icsp"},
    FormatName{IcsFormat::idms, "idms"},
    FormatName{IcsFormat::itms, "itms"},
    FormatName{IcsFormat::registries_conf, "registries-conf"},
    FormatName{IcsFormat::json, "json"},
};

std::string_view policy_name(SourcePolicy policy) noexcept {
  switch (policy) {
  case SourcePolicy::never_contact_source:
    return "NeverContactSource";
  case SourcePolicy::allow_contacting_source:
    return "AllowContactingSource";
  case SourcePolicy::unset:
    break;
  }
  return {};
}

// `- mirrors: [...]  source: ...` entries; keys sorted as the Kubernetes serializers write them.
void emit_entries(YAML::Emitter& out, const ImageContentSources& sources, bool with_policy) {
  out << YAML::BeginSeq;
  for (const ContentSource& entry : sources.sources()) {
    out << YAML::BeginMap;
    if (with_policy && entry.policy != SourcePolicy::unset) {
      out << YAML::Key << "mirrorSourcePolicy" << YAML::Value
          << std::string(policy_name(entry.policy));
    }
    out << YAML::Key << "mirrors" << YAML::Value << YAML::BeginSeq;
    for (const Mirror& mirror : entry.mirrors) {
      out << mirror.location;
    }
    out << YAML::EndSeq << YAML::Key << "source" << YAML::Value << entry.source << YAML::EndMap;
  }
  out << YAML::EndSeq;
}

std::string render_hcp(const ImageContentSources& sources) {
  YAML::Emitter out;
  out << YAML::BeginSeq;
  for (const ContentSource& entry : sources.sources()) {
    out << YAML::BeginMap << YAML::Key << "source" << YAML::Value << entry.source;
    out << YAML::Key << "mirrors" << YAML::Value << YAML::BeginSeq;
    for (const Mirror& mirror : entry.mirrors) {
      out << mirror.location;
    }
    out << YAML::EndSeq << YAML::EndMap;
  }
  out << YAML::EndSeq;
  return str_cat(out.c_str(), "\n");
}

std::string render_mirror_set(const ImageContentSources& sources,
                              std::string_view api_version,
                              std::string_view kind,
                              std::string_view name,
                              std::string_view list_field) {
  const bool with_policy = kind != "ImageContentSourcePolicy";
  YAML::Emitter out;
  out << YAML::BeginMap;
  out << YAML::Key << "apiVersion" << YAML::Value << std::string(api_version);
  out << YAML::Key << "kind" << YAML::Value << std::string(kind);
  out << YAML::Key << "metadata" << YAML::Value << YAML::BeginMap << YAML::Key << "name"
      << YAML::Value << std::string(name) << YAML::EndMap;
  out << YAML::Key << "spec" << YAML::Value << YAML::BeginMap << YAML::Key
      << std::string(list_field) << YAML::Value;
  emit_entries(out, sources, with_policy);
  out << YAML::EndMap << YAML::EndMap;
  return str_cat("---\n", out.c_str(), "\n");
}

std::string render_json(const ImageContentSources& sources) {
  nlohmann::ordered_json list = nlohmann::ordered_json::array();
  for (const ContentSource& entry : sources.sources()) {
    nlohmann::ordered_json mirrors = nlohmann::ordered_json::array();
    for (const Mirror& mirror : entry.mirrors) {
      mirrors.push_back(
          {{"location", mirror.location}, {"digest", mirror.by_digest}, {"tag", mirror.by_tag}});
    }
    nlohmann::ordered_json item = {{"source", entry.source}, {"mirrors", std::move(mirrors)}};
    if (entry.policy != SourcePolicy::unset) {
      item["mirrorSourcePolicy"] = policy_name(entry.policy);
    }
    list.push_back(std::move(item));
  }
  const nlohmann::ordered_json document = {{"kind", "ImageContentSources"},
                                           {"sources", std::move(list)}};
  return str_cat(document.dump(2), "\n");
}

void require_some(const ImageContentSources& sources, IcsFormat format, std::string_view kind) {
  if (sources.empty()) {
    throw Error(ErrorKind::input,
                str_cat("image content sources: nothing to render as ",
                        ics_format_name(format),
                        ": no source is mirrored by ",
                        kind));
  }
}

} // namespace

IcsFormat parse_ics_format(std::string_view name) {
  for (const FormatName& entry : k_format_names) {
    if (entry.name == name) {
      return entry.format;
    }
  }
  throw Error(ErrorKind::usage,
              str_cat("--format ",
                      name,
                      ": unknown format: use hcp, icsp, idms, itms, registries-conf or json"));
}

std::string_view ics_format_name(IcsFormat format) noexcept {
  for (const FormatName& entry : k_format_names) {
    if (entry.format == format) {
      return entry.name;
    }
  }
  return {};
}

std::string
render_ics(const ImageContentSources& sources, IcsFormat format, std::string_view name) {
  const auto named = [&](std::string_view fallback) { return name.empty() ? fallback : name; };
  switch (format) {
  case IcsFormat::hcp: {
    const ImageContentSources digest = sources.only(MirrorKind::digest);
    require_some(digest, format, "digest");
    return render_hcp(digest);
  }
  case IcsFormat::icsp: {
    const ImageContentSources digest = sources.only(MirrorKind::digest);
    require_some(digest, format, "digest");
    return render_mirror_set(digest,
                             "operator.openshift.io/v1alpha1",
                             "ImageContentSourcePolicy",
                             named("zbundle"),
                             "repositoryDigestMirrors");
  }
  case IcsFormat::idms: {
    const ImageContentSources digest = sources.only(MirrorKind::digest);
    require_some(digest, format, "digest");
    return render_mirror_set(digest,
                             "config.openshift.io/v1",
                             "ImageDigestMirrorSet",
                             named("zbundle-digest-mirrors"),
                             "imageDigestMirrors");
  }
  case IcsFormat::itms: {
    const ImageContentSources tag = sources.only(MirrorKind::tag);
    require_some(tag, format, "tag");
    return render_mirror_set(tag,
                             "config.openshift.io/v1",
                             "ImageTagMirrorSet",
                             named("zbundle-tag-mirrors"),
                             "imageTagMirrors");
  }
  case IcsFormat::registries_conf:
    require_some(sources, format, "digest or tag");
    return render_registries_conf(sources);
  case IcsFormat::json:
    require_some(sources, format, "digest or tag");
    return render_json(sources);
  }
  throw Error(ErrorKind::usage, "image content sources: unknown format");
}

} // namespace zbundle::ics
