// hcp-create-cluster.sh: `hcp create cluster agent` for the mirrored release, pinned by
// digest, with the rendered image content sources and CA, the procedure's SingleReplica
// control plane (or HighlyAvailable), the hosted cluster's default OLM catalogs pointed at the
// mirrored ones by digest, and placeholders for what only the site knows. The script refuses
// to run while a placeholder is left; --render writes the manifests for review instead.

#include "core/artifacts/renderers.hpp"
#include "core/ics/image_ref.hpp"
#include "core/ics/mirror_scope.hpp"
#include "core/ocmirror/derive_sources.hpp"
#include "core/util/error.hpp"
#include "core/util/str_cat.hpp"

#include <algorithm>
#include <array>
#include <cctype>

namespace zbundle::artifacts::detail {
namespace {

using util::str_cat;

constexpr std::string_view k_release_repository = "quay.io/openshift-release-dev/ocp-release";

struct SiteFlag {
  std::string_view variable;
  std::string_view flag;
  std::string_view placeholder;
};
constexpr std::array<SiteFlag, 8> k_site_flags{{
    {"NAME", "--name", "<cluster-name>"},
    {"PULL_SECRET", "--pull-secret", "<pull-secret-file>"},
    {"AGENT_NAMESPACE", "--agent-namespace", "<agent-namespace>"},
    {"BASE_DOMAIN", "--base-domain", "<base-domain>"},
    {"API_SERVER_ADDRESS", "--api-server-address", "<api-server-address>"},
    {"ETCD_STORAGE_CLASS", "--etcd-storage-class", "<etcd-storage-class>"},
    {"SSH_KEY", "--ssh-key", "<ssh-public-key-file>"},
    {"NAMESPACE", "--namespace", "<hosted-cluster-namespace>"},
}};

// Numbers compare as numbers: 4.16.10 is newer than 4.16.9.
bool is_older(std::string_view a, std::string_view b) {
  std::size_t i = 0;
  std::size_t j = 0;
  while (i < a.size() && j < b.size()) {
    if (std::isdigit(static_cast<unsigned char>(a[i])) != 0
        && std::isdigit(static_cast<unsigned char>(b[j])) != 0) {
      std::size_t i_end = i;
      std::size_t j_end = j;
      while (i_end < a.size() && std::isdigit(static_cast<unsigned char>(a[i_end])) != 0) {
        ++i_end;
      }
      while (j_end < b.size() && std::isdigit(static_cast<unsigned char>(b[j_end])) != 0) {
        ++j_end;
      }
      const std::string_view x = a.substr(i, i_end - i);
      const std::string_view y = b.substr(j, j_end - j);
      if (x.size() != y.size() || x != y) {
        return x.size() != y.size() ? x.size() < y.size() : x < y;
      }
      i = i_end;
      j = j_end;
    } else if (a[i] != b[j]) {
      return a[i] < b[j];
    } else {
      ++i;
      ++j;
    }
  }
  return a.size() - i < b.size() - j;
}

// The release `wanted` names ("4.16.5-s390x", or "4.16.5" when one architecture variant
// matches), or the newest; only releases with a digest can be pinned.
const model::ReleaseImage* chosen_release(const model::SignedModel& model,
                                          const std::string& wanted) {
  std::vector<const model::ReleaseImage*> candidates;
  for (const model::ReleaseImage& release : model.releases) {
    const bool matches =
        wanted.empty() || release.name == wanted || release.name.starts_with(str_cat(wanted, "-"));
    if (matches && ics::is_sha256_digest(release.digest)) {
      candidates.push_back(&release);
    }
  }
  const auto exact = std::find_if(
      candidates.begin(), candidates.end(), [&](const auto* r) { return r->name == wanted; });
  if (exact != candidates.end()) {
    return *exact;
  }
  if (!wanted.empty() && candidates.size() != 1) {
    std::string names;
    for (const model::ReleaseImage& release : model.releases) {
      names += str_cat(names.empty() ? "" : ", ", release.name);
    }
    throw Error(ErrorKind::input,
                str_cat("--release ",
                        wanted,
                        candidates.empty() ? ": no mirrored release with a digest matches"
                                           : ": names several releases",
                        " (mirrored: ",
                        names.empty() ? "none" : names,
                        ")"));
  }
  const auto newest = std::max_element(candidates.begin(), candidates.end(), [](auto* a, auto* b) {
    return is_older(a->name, b->name);
  });
  return newest == candidates.end() ? nullptr : *newest;
}

// The release image's source repository, as the run named it.
std::string release_repository(const model::SignedModel& model,
                               const model::ReleaseImage& release) {
  for (const model::CollectedImage& image : model.images) {
    if (image.category != model::ImageCategory::release) {
      continue;
    }
    const ics::ImageRef ref = ics::parse_image_ref(image.source);
    if (ref.tag == release.name || ref.digest == release.digest) {
      return ref.location();
    }
  }
  return std::string(k_release_repository);
}

// HyperShift's default catalogs (the hypershift.openshift.io/<name>-catalog-image annotations),
// by the last component of the repository oc-mirror mirrors them from.
struct DefaultCatalog {
  std::string_view repository;
  std::string_view name;
};
constexpr std::array<DefaultCatalog, 4> k_default_catalogs{{
    {"redhat-operator-index", "redhat-operators"},
    {"certified-operator-index", "certified-operators"},
    {"community-operator-index", "community-operators"},
    {"redhat-marketplace-index", "redhat-marketplace"},
}};

// "hypershift.openshift.io/<name>-catalog-image=<mirror>/<repository>@<digest>" for each
// default catalog the model mirrored and knows the digest of (HyperShift takes them by digest
// only), from the registry the bundle carries.
std::vector<std::string> catalog_annotations(const Context& context) {
  std::vector<std::string> annotations;
  for (const model::CollectedImage& image : context.model.images) {
    if (image.category != model::ImageCategory::catalog) {
      continue;
    }
    const ics::ImageRef source = ics::parse_image_ref(image.source);
    const std::string_view last =
        std::string_view(source.repository).substr(source.repository.rfind('/') + 1);
    const auto known = std::find_if(k_default_catalogs.begin(),
                                    k_default_catalogs.end(),
                                    [&](const DefaultCatalog& c) { return c.repository == last; });
    if (known == k_default_catalogs.end()) {
      continue;
    }
    const ocmirror::MirroredLocation location = ocmirror::mirrored_location(image, source);
    std::string digest;
    for (const model::RepositoryRecord& repository : context.model.repositories) {
      if (repository.name == location.repository) {
        digest = ocmirror::find_manifest(repository, location);
      }
    }
    if (!ics::is_sha256_digest(digest)) {
      continue;
    }
    const std::string reference = ics::limit_reference_nested_paths(
        str_cat(context.options.mirror.location(), "/", location.repository, "@", digest),
        context.model.max_nested_paths);
    annotations.push_back(
        str_cat("hypershift.openshift.io/", known->name, "-catalog-image=", reference));
  }
  std::sort(annotations.begin(), annotations.end());
  annotations.erase(std::unique(annotations.begin(), annotations.end()), annotations.end());
  return annotations;
}

constexpr std::string_view k_options = R"sh(
usage() {
  echo "usage: hcp-create-cluster.sh [--availability-policy SingleReplica|HighlyAvailable]" >&2
  echo "         [--olm-catalog-placement management|guest] [--render]" >&2
  exit 2
}
AVAILABILITY=SingleReplica
PLACEMENT=management
RENDER=false
while [ $# -gt 0 ]; do
  case $1 in
  --availability-policy)
    [ $# -ge 2 ] || usage
    AVAILABILITY=$2
    shift
    ;;
  --olm-catalog-placement)
    [ $# -ge 2 ] || usage
    PLACEMENT=$2
    shift
    ;;
  --render) RENDER=true ;;
  *) usage ;;
  esac
  shift
done
case $AVAILABILITY in SingleReplica | HighlyAvailable) ;; *) usage ;; esac
case $PLACEMENT in management | guest) ;; *) usage ;; esac
)sh";

constexpr std::string_view k_run = R"sh(
if [ "$RENDER" = true ]; then
  # the manifests hold the pull secret and the SSH key: readable by their owner only
  umask 077
  hcp create cluster agent "$@" --render-sensitive --render >"$here/hosted-cluster.yaml"
  echo "hcp-create-cluster.sh: wrote $here/hosted-cluster.yaml: review it, then oc apply -f it" >&2
  exit 0
fi
exec hcp create cluster agent "$@"
)sh";

bool has(const Artifacts& out, std::string_view name) {
  return std::any_of(out.begin(), out.end(), [&](const Artifact& a) { return a.name == name; });
}

} // namespace

void add_hcp_command(const Context& context, Artifacts& out) {
  const model::ReleaseImage* release = chosen_release(context.model, context.options.release);
  if (release == nullptr) {
    return;
  }
  const std::string repository = release_repository(context.model, *release);
  std::string script = str_cat(
      script_header(context, "hcp-create-cluster.sh"),
      "# Creates a hosted cluster on the agent platform from the mirrored release\n",
      "#   ",
      comment_text(str_cat(repository, ":", release->name)),
      "\n# pinned by its digest. Set the site's own values below (each <...>), then run it.\n",
      "set -eu\n",
      "here=$(CDPATH='' cd -- \"$(dirname -- \"$0\")\" && pwd)\n\n");
  for (const SiteFlag& site : k_site_flags) {
    std::string value = shell_quote(site.placeholder);
    if (site.variable == "PULL_SECRET" && has(out, "pull-secret.json")) {
      value = "\"$here/pull-secret.json\"";
    } else if (site.variable == "PULL_SECRET" && has(out, "mirror-pull-secret.json")) {
      value = "\"$here/mirror-pull-secret.json\"";
    }
    script += str_cat(site.variable, "=", value, "\n");
  }
  script += k_options;
  script += "\nfor value in";
  for (const SiteFlag& site : k_site_flags) {
    script += str_cat(" \"$", site.variable, "\"");
  }
  script += "; do\n"
            "  case $value in\n"
            "  '<'*'>')\n"
            "    echo \"hcp-create-cluster.sh: replace the placeholder $value first\" >&2\n"
            "    exit 2\n"
            "    ;;\n"
            "  esac\n"
            "done\n\n"
            "set --";
  for (const SiteFlag& site : k_site_flags) {
    script += str_cat(" \\\n  ", site.flag, " \"$", site.variable, "\"");
  }
  script +=
      str_cat(" \\\n  --release-image ", shell_quote(str_cat(repository, "@", release->digest)));
  if (has(out, "icsp.yaml")) {
    script += " \\\n  --image-content-sources \"$here/icsp.yaml\"";
  }
  script += " \\\n  --additional-trust-bundle \"$here/ca-bundle.crt\""
            " \\\n  --control-plane-availability-policy \"$AVAILABILITY\""
            " \\\n  --olm-catalog-placement \"$PLACEMENT\"\n";
  const std::vector<std::string> annotations = catalog_annotations(context);
  script +=
      "# The hosted cluster's default catalogs, served by the management cluster from the\n"
      "# mirror by digest; a default catalog not mirrored would be pulled from the internet:\n"
      "# with --olm-catalog-placement guest, apply the catalogsource-*.yaml files in the\n"
      "# hosted cluster and disable its default sources instead.\n"
      "if [ \"$PLACEMENT\" = management ]; then\n";
  if (annotations.empty()) {
    script += "  echo \"hcp-create-cluster.sh: no default catalog is mirrored: consider "
              "--olm-catalog-placement guest\" >&2\n";
  }
  for (const std::string& annotation : annotations) {
    script += str_cat("  set -- \"$@\" --annotations ", shell_quote(annotation), "\n");
  }
  script += "fi\n";
  script += k_run;
  out.push_back({"hcp-create-cluster.sh", std::move(script), FileMode::script});
}

} // namespace zbundle::artifacts::detail
