// apply-cluster.sh: the management cluster's steps, in order, for the files rendered beside
// it. Written, never run by zbundle. Every step runs with --dry-run=server first and for real
// only when all passed; a cluster that already names its own trust ConfigMap or mirror
// registry ConfigMap gets our entries added to those, never replaced; a re-run changes
// nothing (the CA and the registries.conf tables it adds carry a marker line it looks for).

#include "core/artifacts/renderers.hpp"
#include "core/util/str_cat.hpp"

#include <algorithm>

namespace zbundle::artifacts::detail {
namespace {

using util::str_cat;

bool has(const Artifacts& out, std::string_view name) {
  return std::any_of(out.begin(), out.end(), [&](const Artifact& a) { return a.name == name; });
}

constexpr std::string_view k_prologue = R"sh(set -eu
here=$(CDPATH='' cd -- "$(dirname -- "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
say() { echo "apply-cluster.sh: $*" >&2; }
)sh";

// Adds our CA and registries.conf tables to the ConfigMap an AgentServiceConfig already
// names, unless a marker says they are there; stops when a source of ours is configured
// there already, since containers/image refuses a registry defined twice.
constexpr std::string_view k_merge_mirror_config = R"sh(
merge_mirror_config() {
  ref=$1 dry=$2
  oc get configmap "$ref" -n multicluster-engine -o jsonpath='{.data.ca-bundle\.crt}' >"$work/ca"
  oc get configmap "$ref" -n multicluster-engine -o jsonpath='{.data.registries\.conf}' >"$work/conf"
  if ! grep -qxF "$marker" "$work/ca"; then
    printf '\n%s\n' "$marker" >>"$work/ca"
    cat "$here/ca-bundle.crt" >>"$work/ca"
  fi
  if ! grep -qxF "$marker" "$work/conf"; then
    for source in $sources; do
      if tr -d ' \t' <"$work/conf" | grep -qxF -e "location=\"$source\"" -e "prefix=\"$source\""; then
        say "ConfigMap $ref already configures $source: merge $here/registries.conf by hand"
        exit 1
      fi
    done
    printf '\n%s\n' "$marker" >>"$work/conf"
    cat "$here/registries.conf" >>"$work/conf"
  fi
  oc set data "configmap/$ref" -n multicluster-engine "$dry" \
    --from-file=ca-bundle.crt="$work/ca" --from-file=registries.conf="$work/conf"
}
)sh";

std::string trust_step(const Context& context, const Artifacts& out) {
  if (!has(out, "registry-config.yaml")) {
    return str_cat("  # The mirror ",
                   context.options.mirror.registry(),
                   " is an IPv6 address, which no ConfigMap key can spell:\n"
                   "  # add ca-bundle.crt to the cluster's trust by hand.\n");
  }
  return R"sh(  # 1. The mirror's CA, trusted cluster-wide (image.config additionalTrustedCA).
  trust=$(oc get image.config.openshift.io/cluster -o jsonpath='{.spec.additionalTrustedCA.name}')
  if [ -z "$trust" ] || [ "$trust" = registry-config ]; then
    oc apply "$dry" -f "$here/registry-config.yaml"
    oc patch image.config.openshift.io/cluster --type=merge "$dry" \
      --patch-file="$here/image-config-patch.yaml"
  else
    say "image.config trusts ConfigMap $trust already: adding the mirror's CA to it"
    oc patch "configmap/$trust" -n openshift-config --type=merge "$dry" \
      --patch-file="$here/registry-config-data-patch.yaml"
  fi
)sh";
}

std::string pull_secret_step(const Artifacts& out) {
  if (has(out, "pull-secret.json")) {
    return R"sh(
  # 2. The mirror's credentials, merged into the cluster's pull secret.
  oc set data secret/pull-secret -n openshift-config "$dry" \
    --from-file=.dockerconfigjson="$here/pull-secret.json"
)sh";
  }
  return "\n  # 2. Pull secret: not rendered (give --pull-secret and --mirror-auth to merge the\n"
         "  # mirror's credentials into it).\n";
}

std::string resource_steps(const Artifacts& out) {
  std::string steps =
      "\n  # 3. Image content sources (the ICSP file is for clusters older than 4.13).\n";
  for (const char* name : {"imagedigestmirrorset.yaml", "imagetagmirrorset.yaml"}) {
    if (has(out, name)) {
      steps += str_cat(R"(  oc apply "$dry" -f "$here/)", name, "\"\n");
    }
  }
  steps += "\n  # 4. Catalogs, release signatures, the update service.\n";
  for (const Artifact& artifact : out) {
    const std::string path = str_cat("\"$here/", artifact.name, "\"");
    if (artifact.name.starts_with("catalogsource-")
        || artifact.name.starts_with("release-signatures-")) {
      steps += str_cat("  oc apply \"$dry\" -f ", path, "\n");
    } else if (artifact.name.starts_with("clustercatalog-")) {
      steps += str_cat("  if oc get crd clustercatalogs.olm.operatorframework.io >/dev/null 2>&1; "
                       "then oc apply \"$dry\" -f ",
                       path,
                       "; fi\n");
    } else if (artifact.name.starts_with("updateservice-")) {
      steps += str_cat("  if oc get crd updateservices.updateservice.operator.openshift.io "
                       ">/dev/null 2>&1; then oc apply \"$dry\" -f ",
                       path,
                       "; fi\n");
    }
  }
  return steps;
}

constexpr std::string_view k_agent_step = R"sh(
  # 5. assisted-service: the mirror's CA and registries.conf (mirrorRegistryRef).
  if oc get agentserviceconfig agent >/dev/null 2>&1; then
    ref=$(oc get agentserviceconfig agent -o jsonpath='{.spec.mirrorRegistryRef.name}')
    if [ -z "$ref" ] || [ "$ref" = mirror-config ]; then
      oc apply "$dry" -f "$here/mirror-config.yaml"
      oc patch agentserviceconfig agent --type=merge "$dry" \
        --patch-file="$here/agentserviceconfig-patch.yaml"
    else
      say "AgentServiceConfig names ConfigMap $ref already: adding the mirror to it"
      merge_mirror_config "$ref" "$dry"
    fi
  else
    say "no AgentServiceConfig 'agent': skipping the assisted-service mirror configuration"
  fi
}
)sh";

} // namespace

void add_apply_script(const Context& context, Artifacts& out) {
  std::string sources;
  for (const ics::ContentSource& entry : context.sources.sources()) {
    sources += str_cat(sources.empty() ? "" : " ", entry.source);
  }
  std::string script = str_cat(
      script_header(context, "apply-cluster.sh"),
      "# The management cluster's steps of the hosted control planes procedure, in order.\n",
      "# zbundle writes this script and never runs it: review it, log in to the management\n",
      "# cluster with oc, then run it. Every step runs with --dry-run=server first, and for\n",
      "# real only when all of them passed. Running it again changes nothing.\n",
      k_prologue,
      "marker=",
      shell_quote(str_cat("# zbundle: mirror ", context.options.mirror.location())),
      "\nsources=",
      shell_quote(sources),
      "\n",
      k_merge_mirror_config,
      "\napply_all() {\n  dry=$1\n",
      trust_step(context, out),
      pull_secret_step(out),
      resource_steps(out),
      k_agent_step,
      "\napply_all --dry-run=server\napply_all --dry-run=none\nsay \"applied\"\n");
  out.push_back({"apply-cluster.sh", std::move(script), FileMode::script});
}

} // namespace zbundle::artifacts::detail
