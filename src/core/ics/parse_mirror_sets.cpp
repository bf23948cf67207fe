#include "core/ics/parse_mirror_sets.hpp"

#include "core/util/bounded_parse.hpp"
#include "core/util/error.hpp"
#include "core/util/str_cat.hpp"

#include <yaml-cpp/yaml.h>

#include <string>

namespace zbundle::ics {
namespace {

using util::str_cat;

[[noreturn]] void fail_at(std::string_view subject, const YAML::Node& node, std::string_view why) {
  const YAML::Mark mark = node.Mark();
  const std::string where = mark.is_null() ? std::string() : str_cat(":", mark.line + 1);
  throw Error(ErrorKind::input, str_cat(subject, where, ": ", why));
}

std::string scalar_at(std::string_view subject, const YAML::Node& node, std::string_view what) {
  if (!node.IsScalar()) {
    fail_at(subject, node, str_cat(what, " is not a string"));
  }
  return node.Scalar();
}

SourcePolicy parse_policy(std::string_view subject, const YAML::Node& node) {
  const std::string value = scalar_at(subject, node, "mirrorSourcePolicy");
  if (value == "NeverContactSource") {
    return SourcePolicy::never_contact_source;
  }
  if (value == "AllowContactingSource") {
    return SourcePolicy::allow_contacting_source;
  }
  fail_at(subject, node, str_cat("unknown mirrorSourcePolicy '", value, "'"));
}

void add_entries(std::string_view subject,
                 const YAML::Node& list,
                 std::string_view field,
                 MirrorKind kind,
                 ImageContentSources& out) {
  if (!list.IsDefined() || list.IsNull()) {
    return; // a mirror set may have no entries
  }
  if (!list.IsSequence()) {
    fail_at(subject, list, str_cat(field, " is not a list"));
  }
  for (const YAML::Node& entry : list) {
    if (!entry.IsMap() || !entry["source"]) {
      fail_at(subject, entry, str_cat(field, " entry has no source"));
    }
    const std::string source = scalar_at(subject, entry["source"], "source");
    const YAML::Node mirrors = entry["mirrors"];
    if (!mirrors || mirrors.IsNull()) {
      continue; // a source without mirrors redirects nothing
    }
    if (!mirrors.IsSequence()) {
      fail_at(subject, mirrors, "mirrors is not a list");
    }
    if (mirrors.size() == 0) {
      continue;
    }
    for (const YAML::Node& mirror : mirrors) {
      out.add(source, scalar_at(subject, mirror, "mirror"), kind);
    }
    if (const YAML::Node policy = entry["mirrorSourcePolicy"]; policy && !policy.IsNull()) {
      out.set_policy(source, parse_policy(subject, policy));
    }
  }
}

bool flag_at(std::string_view subject, const YAML::Node& node, std::string_view what) {
  if (!node) {
    return false;
  }
  const std::string value = scalar_at(subject, node, what);
  if (value != "true" && value != "false") {
    fail_at(subject, node, str_cat(what, " is not true or false"));
  }
  return value == "true";
}

// zbundle's own JSON rendering: sources[] of {source, mirrors: [{location, digest, tag}]}.
void add_zbundle_sources(std::string_view subject,
                         const YAML::Node& list,
                         ImageContentSources& out) {
  if (!list.IsSequence()) {
    fail_at(subject, list, "sources is not a list");
  }
  for (const YAML::Node& entry : list) {
    if (!entry.IsMap() || !entry["source"] || !entry["mirrors"].IsSequence()) {
      fail_at(subject, entry, "source entry needs source and mirrors");
    }
    const std::string source = scalar_at(subject, entry["source"], "source");
    for (const YAML::Node& mirror : entry["mirrors"]) {
      const std::string location = scalar_at(subject, mirror["location"], "location");
      if (flag_at(subject, mirror["digest"], "digest")) {
        out.add(source, location, MirrorKind::digest);
      }
      if (flag_at(subject, mirror["tag"], "tag")) {
        out.add(source, location, MirrorKind::tag);
      }
    }
    if (const YAML::Node policy = entry["mirrorSourcePolicy"]; policy && !policy.IsNull()) {
      out.set_policy(source, parse_policy(subject, policy));
    }
  }
}

void add_document(std::string_view subject, const YAML::Node& document, ImageContentSources& out) {
  if (document.IsSequence()) {
    add_entries(subject, document, "image content sources", MirrorKind::digest, out);
    return;
  }
  if (!document.IsMap() || !document["kind"]) {
    fail_at(subject, document, "not a mirror set: no kind");
  }
  const std::string kind = scalar_at(subject, document["kind"], "kind");
  const YAML::Node spec = document["spec"];
  if (kind == "ImageContentSourcePolicy") {
    add_entries(subject,
                spec["repositoryDigestMirrors"],
                "repositoryDigestMirrors",
                MirrorKind::digest,
                out);
  } else if (kind == "ImageDigestMirrorSet") {
    add_entries(subject, spec["imageDigestMirrors"], "imageDigestMirrors", MirrorKind::digest, out);
  } else if (kind == "ImageTagMirrorSet") {
    add_entries(subject, spec["imageTagMirrors"], "imageTagMirrors", MirrorKind::tag, out);
  } else if (kind == "ImageContentSources") {
    add_zbundle_sources(subject, document["sources"], out);
  } else {
    fail_at(subject,
            document,
            str_cat("not an ImageContentSourcePolicy, ImageDigestMirrorSet or ImageTagMirrorSet "
                    "(kind ",
                    kind,
                    ")"));
  }
}

} // namespace

ImageContentSources parse_mirror_sets(std::string_view yaml_text, std::string_view subject) {
  const std::vector<YAML::Node> documents = util::load_bounded_yaml(yaml_text, subject);
  ImageContentSources sources;
  try {
    for (const YAML::Node& document : documents) {
      if (document.IsNull()) {
        continue;
      }
      add_document(subject, document, sources);
    }
  } catch (const YAML::Exception& error) {
    throw Error(ErrorKind::input, str_cat(subject, ":", error.mark.line + 1, ": ", error.msg));
  } catch (const Error& error) {
    throw Error(error.kind(), str_cat(subject, ": ", error.what())); // a name off the grammar
  }
  return sources;
}

} // namespace zbundle::ics
