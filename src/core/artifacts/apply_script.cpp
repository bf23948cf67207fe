// apply-cluster.sh: the management cluster's steps, in the procedure's order, for the files
// rendered beside it. Written, never run by zbundle. Nothing is replaced: every object is read
// live and our part merged into it by `zbundle-extract merge` (core/cluster/object_merge.hpp),
// so the script needs nothing on the bastion but oc and zbundle-extract. It plans every change
// first, tries them all with --dry-run=server, saves each live object it changes to a backup
// directory, then applies; a second run finds nothing to change; --dry-run stops after the
// server's dry run.

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
say() { echo "apply-cluster.sh: $*" >&2; }
usage() {
  echo "usage: apply-cluster.sh [--dry-run] [--backup-dir DIR]" >&2
  exit 2
}
dry_run=false
backup=$here/backup/$(date -u +%Y%m%dT%H%M%SZ)
while [ $# -gt 0 ]; do
  case $1 in
  --dry-run) dry_run=true ;;
  --backup-dir)
    [ $# -ge 2 ] || usage
    backup=$2
    shift
    ;;
  *) usage ;;
  esac
  shift
done
zx=${ZBUNDLE_EXTRACT:-zbundle-extract}
if ! command -v "$zx" >/dev/null 2>&1; then
  say "zbundle-extract is not on PATH (or set ZBUNDLE_EXTRACT): it does the merges"
  exit 2
fi
umask 077
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
: >"$work/actions"
: >"$work/changed"
n=0

# plan LABEL OURS GET_ARGS...: reads the live object (or List) `oc get GET_ARGS` names, merges
# OURS into it, and queues the result when something changes.
plan() {
  label=$1 ours=$2
  shift 2
  n=$((n + 1))
  oc get "$@" -o json --ignore-not-found >"$work/live-$n.json"
  "$zx" merge "$here/$ours" --live "$work/live-$n.json" -o "$work/replace-$n.json" \
    --new "$work/create-$n.json" >"$work/changes-$n"
  if [ -s "$work/changes-$n" ]; then
    sed 's/^/  /' "$work/changes-$n"
    echo "$n $label" >>"$work/changed"
  fi
  # replace, with the resourceVersion read: an edit made meanwhile conflicts, and no
  # last-applied annotation copies the object (a pull secret) into itself
  if [ -e "$work/replace-$n.json" ]; then
    echo "replace - $work/replace-$n.json" >>"$work/actions"
  fi
  if [ -e "$work/create-$n.json" ]; then
    echo "create - $work/create-$n.json" >>"$work/actions"
  fi
}

# queue DESCRIPTION VERB RESOURCE PATH: a change that is not a merge: `apply - FILE` (an object
# only zbundle makes), or `patch RESOURCE PATCH_FILE` (a merge patch of a field that was empty)
queue() {
  echo "  $1"
  echo "$2 $3 $4" >>"$work/actions"
}

# run_actions DRY_RUN: every queued change, with --dry-run=DRY_RUN
run_actions() {
  while read -r verb resource path; do
    case $verb in
    apply | replace | create) oc "$verb" --dry-run="$1" -f "$path" ;;
    patch)
      if [ "$1" = none ]; then
        oc get "$resource" -o json >"$backup/patched-$(echo "$resource" | tr -c 'A-Za-z0-9\n' '-').json"
      fi
      oc patch "$resource" --type=merge --dry-run="$1" --patch-file="$path"
      ;;
    esac
  done <"$work/actions"
}

# own FILE: an object only zbundle makes (by its name), applied when the live one differs
own() {
  status=0
  oc diff -f "$here/$1" >"$work/diff" 2>&1 || status=$?
  case $status in
  0) ;;
  1) queue "$1: differs from the live object" apply - "$here/$1" ;;
  *)
    cat "$work/diff" >&2
    exit 1
    ;;
  esac
}
)sh";

std::string trust_step(const Context& context, const Artifacts& out) {
  if (!has(out, "registry-config.yaml")) {
    return str_cat("# The mirror ",
                   context.options.mirror.registry(),
                   " is an IPv6 address, which no ConfigMap key can spell:\n"
                   "# add ca-bundle.crt to the cluster's trust by hand.\n");
  }
  return R"sh(# 1. The mirror's CA, trusted cluster-wide: added to the ConfigMap image.config names (or to
# registry-config, which the procedure creates, and image.config then names it).
trust=$(oc get image.config.openshift.io/cluster -o jsonpath='{.spec.additionalTrustedCA.name}')
if [ -n "$trust" ] && ! oc get configmap "$trust" -n openshift-config -o name >/dev/null; then
  say "image.config trusts ConfigMap $trust, which openshift-config does not have"
  exit 1
fi
plan "trust ConfigMap" registry-config.yaml configmap "${trust:-registry-config}" -n openshift-config
if [ -z "$trust" ]; then
  queue "image.config: additionalTrustedCA set to registry-config" \
    patch image.config.openshift.io/cluster "$here/image-config-patch.yaml"
fi
)sh";
}

std::string pull_secret_step(const Artifacts& out) {
  if (has(out, "pull-secret-mirror-entry.yaml")) {
    return R"sh(
# 2. The mirror's credentials, added to the live pull secret; its other entries stay.
plan "pull secret" pull-secret-mirror-entry.yaml secret pull-secret -n openshift-config
)sh";
  }
  return "\n# 2. Pull secret: not rendered (give --mirror-auth to add the mirror's credentials).\n";
}

std::string mirror_set_steps(const Artifacts& out) {
  std::string steps = R"sh(
# 3. Image content sources: ours live in zbundle-<category> mirror sets, merged with what an
# earlier bundle put there; every HostedCluster gains them in spec.imageContentSources.
sets_from=$(wc -l <"$work/changed")
)sh";
  for (const std::string_view kind : {"imagedigestmirrorset", "imagetagmirrorset"}) {
    if (has(out, str_cat(kind, ".yaml"))) {
      steps += str_cat("plan \"mirror sets\" ", kind, ".yaml ", kind, "\n");
    }
  }
  if (has(out, "icsp.yaml")) {
    steps += R"sh(if oc get crd hostedclusters.hypershift.openshift.io -o name >/dev/null 2>&1; then
  plan "hosted clusters" icsp.yaml hostedclusters -A
fi
)sh";
  }
  steps += R"sh(sets_changed=false
[ "$(wc -l <"$work/changed")" -eq "$sets_from" ] || sets_changed=true
icsps=$(oc get imagecontentsourcepolicy -o name)
if [ -n "$icsps" ]; then
  say "the cluster has ImageContentSourcePolicy objects: $(echo "$icsps" | tr '\n' ' ')"
  say "once an ImageDigestMirrorSet exists HyperShift ignores them (OCPBUGS-29466); convert each:"
  say "  oc get NAME -o yaml >icsp.yaml && oc adm migrate icsp icsp.yaml --dest-dir idms && oc apply -f idms"
fi
)sh";
  return steps;
}

std::string resource_steps(const Artifacts& out) {
  std::string steps = "\n# 4. Catalogs, release signatures, the update service: ours by name.\n";
  for (const Artifact& artifact : out) {
    const std::string apply = str_cat("  own ", artifact.name, "\n");
    if (artifact.name.starts_with("catalogsource-")
        || artifact.name.starts_with("release-signatures-")) {
      steps += apply.substr(2);
    } else if (artifact.name.starts_with("clustercatalog-")) {
      steps += str_cat("if oc get crd clustercatalogs.olm.operatorframework.io -o name >/dev/null "
                       "2>&1; then\n",
                       apply,
                       "fi\n");
    } else if (artifact.name.starts_with("updateservice-")) {
      steps += str_cat("if oc get crd updateservices.updateservice.operator.openshift.io -o name "
                       ">/dev/null 2>&1; then\n",
                       apply,
                       "fi\n");
    }
  }
  return steps;
}

// 5. assisted-service. Without our AgentServiceConfig (no boot images, or no --boot-url): the
// mirror's CA and registries.conf merged into the ConfigMap an existing one names.
constexpr std::string_view k_agent_step = R"sh(
# 5. assisted-service: the mirror's CA and registries.conf added to the ConfigMap the
# AgentServiceConfig names (mirror-config, the procedure's name, when it names none).
if oc get agentserviceconfig agent -o name >/dev/null 2>&1; then
  ref=$(oc get agentserviceconfig agent -o jsonpath='{.spec.mirrorRegistryRef.name}')
  plan "assisted-service mirror ConfigMap" mirror-config.yaml configmap "${ref:-mirror-config}" -n multicluster-engine
  if [ -z "$ref" ]; then
    queue "AgentServiceConfig agent: mirrorRegistryRef set to mirror-config" \
      patch agentserviceconfig/agent "$here/agentserviceconfig-patch.yaml"
  fi
else
  say "no AgentServiceConfig 'agent': skipping the assisted-service mirror configuration"
fi
)sh";

// With our AgentServiceConfig: merged into the cluster's (osImages, mirrorRegistryRef), or
// created when there is none, once the site has filled in the storage class.
constexpr std::string_view k_agent_step_with_images = R"sh(
# 5. assisted-service: the mirror's CA and registries.conf added to the ConfigMap the
# AgentServiceConfig names (mirror-config when it names none), and the bundle's RHCOS boot
# images added to its osImages; created from agentserviceconfig.yaml when there is none.
ref=
if oc get agentserviceconfig agent -o name >/dev/null 2>&1; then
  ref=$(oc get agentserviceconfig agent -o jsonpath='{.spec.mirrorRegistryRef.name}')
elif grep -q '<storage-class>' "$here/agentserviceconfig.yaml"; then
  say "no AgentServiceConfig 'agent' yet: replace <storage-class> in $here/agentserviceconfig.yaml first"
  exit 1
fi
plan "assisted-service mirror ConfigMap" mirror-config.yaml configmap "${ref:-mirror-config}" -n multicluster-engine
plan "AgentServiceConfig" agentserviceconfig.yaml agentserviceconfig agent
)sh";

constexpr std::string_view k_epilogue = R"sh(
if [ ! -s "$work/actions" ]; then
  say "nothing to change"
  exit 0
fi
run_actions server
if [ "$dry_run" = true ]; then
  say "dry run: the server accepted every change above; nothing was changed"
  exit 0
fi
mkdir -p "$backup"
while read -r number label; do
  if [ -s "$work/live-$number.json" ]; then
    cp "$work/live-$number.json" "$backup/$number-$(echo "$label" | tr -c 'A-Za-z0-9\n' '-').json"
  fi
done <"$work/changed"
say "the live objects changed are saved in $backup"
run_actions none
if [ "$sets_changed" = true ] && [ -n "$(oc get deployment operator -n hypershift -o name --ignore-not-found)" ]; then
  # the HyperShift operator reads the mirror sets at start only (OCPBUGS-29110)
  say "restarting the HyperShift operator, which reads mirror sets only when it starts"
  oc rollout restart deployment/operator -n hypershift
  oc rollout status deployment/operator -n hypershift --timeout=10m
fi
say "applied"
)sh";

} // namespace

void add_apply_script(const Context& context, Artifacts& out) {
  std::string script = str_cat(
      script_header(context, "apply-cluster.sh"),
      "# The management cluster's steps of the hosted control planes procedure, in order.\n",
      "# zbundle writes this script and never runs it: review it, log in to the management\n",
      "# cluster with oc, then run it (zbundle-extract must be on PATH). It merges into what the\n",
      "# cluster has and overwrites nothing it did not merge; every change is tried with\n",
      "# --dry-run=server first and made only when all passed; each live object it changes\n",
      "# is saved first; running it again changes nothing. --dry-run prints the changes and\n",
      "# makes none.\n",
      k_prologue,
      "\n",
      trust_step(context, out),
      pull_secret_step(out),
      mirror_set_steps(out),
      resource_steps(out),
      has(out, "agentserviceconfig.yaml") ? k_agent_step_with_images : k_agent_step,
      k_epilogue);
  out.push_back({"apply-cluster.sh", std::move(script), FileMode::script});
}

} // namespace zbundle::artifacts::detail
