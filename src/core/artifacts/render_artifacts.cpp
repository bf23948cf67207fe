#include "core/artifacts/artifacts.hpp"
#include "core/artifacts/renderers.hpp"
#include "core/ics/render.hpp"
#include "core/util/error.hpp"
#include "core/util/str_cat.hpp"

#include <algorithm>

namespace zbundle::artifacts {
namespace {

using util::str_cat;

// The registry (and namespace) the model's mirror locations were made for.
ics::MirrorName recorded_mirror(const model::SignedModel& model) {
  return ics::parse_mirror_name(model.mirror ? *model.mirror : ics::k_placeholder_mirror);
}

std::string relocate_location(std::string_view location,
                              const ics::MirrorName& from,
                              const ics::MirrorName& to) {
  const std::string prefix = str_cat(from.location(), "/");
  if (location.starts_with(prefix)) {
    return str_cat(to.location(), "/", location.substr(prefix.size()));
  }
  return ics::rewrite_mirror_location(location, to);
}

} // namespace

ics::ImageContentSources relocated_sources(const model::SignedModel& model,
                                           const ics::MirrorName& mirror) {
  const ics::MirrorName from = recorded_mirror(model);
  return model.image_content_sources.with_locations([&](std::string_view location) {
    return ics::limit_reference_nested_paths(relocate_location(location, from, mirror),
                                             model.max_nested_paths);
  });
}

namespace detail {

std::string Context::relocate(std::string_view reference) const {
  return ics::limit_reference_nested_paths(
      relocate_location(reference, recorded_mirror(model), options.mirror), model.max_nested_paths);
}

} // namespace detail

std::vector<Artifact> render_artifacts(const model::SignedModel& model,
                                       const RenderOptions& options) {
  if (options.ca_pem.find("-----BEGIN CERTIFICATE-----") == std::string::npos) {
    throw Error(ErrorKind::usage, "artifacts: the mirror registry's CA bundle is empty");
  }
  check_boot_url(options.boot_url);
  const detail::Context context{model, options, relocated_sources(model, options.mirror)};
  detail::Artifacts out;
  detail::add_trust(context, out);
  out.push_back(
      {"registries.conf", ics::render_registries_conf(context.sources), FileMode::regular});
  detail::add_mirror_sets(context, out);
  detail::add_cluster_resources(context, out);
  detail::add_credentials(context, out);
  detail::add_agent_service_config(context, out);
  detail::add_hcp_command(context, out);
  detail::add_apply_script(context, out);
  std::sort(
      out.begin(), out.end(), [](const Artifact& a, const Artifact& b) { return a.name < b.name; });
  return out;
}

} // namespace zbundle::artifacts
