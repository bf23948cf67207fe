#pragma once

// What apply-cluster.sh changes on a live cluster, computed by zbundle-extract: our rendered
// objects merged into the live ones `oc get -o json` printed, so nothing an admin or an earlier
// bundle put there is lost. One rule per kind:
//   ConfigMap           each of our keys added; registries.conf merged table by table
//                       (registries_conf_merge.hpp); a CA bundle gains the certificates it
//                       lacks; any other key of ours replaces the live value; other keys kept
//   Secret              .dockerconfigjson: our auths entries added or updated, others kept
//   AgentServiceConfig  osImages gains ours (by OpenShift version, architecture, RHCOS
//                       version; a known one takes our URL); mirrorRegistryRef set when unset
//   ImageDigestMirrorSet, ImageTagMirrorSet, ImageContentSourcePolicy, HostedCluster
//                       the union of the mirror lists: a new source appended, a known source
//                       gains the mirrors it lacks, in order after its own
// Objects of ours the live side lacks are created as rendered.

#include "core/artifacts/artifacts.hpp"

#include <optional>
#include <string>
#include <vector>

namespace zbundle::cluster {

struct ObjectMerge {
  // JSON for `oc replace -f`: the live objects that change, each with the resourceVersion it
  // was read at (so an edit made meanwhile conflicts instead of being lost), one object or a
  // List as the live side was; nullopt when none changes. Replace, not apply: apply would copy
  // the whole object (a pull secret too) into its last-applied annotation.
  std::optional<std::string> replaced;
  // JSON for `oc create -f`: a List of our objects the live side lacks; nullopt when none.
  std::optional<std::string> created;
  std::vector<std::string> changes; // "ConfigMap openshift-config/site-ca: data.x added", ...
};

// `ours`: YAML, one or more objects, or the `[{source, mirrors}]` list of icsp.yaml, merged into
// each HostedCluster. `live`: `oc get -o json` output, one object or a List; absent or empty:
// the cluster has none. A single live object takes our object of its kind whatever its name
// (the cluster's name wins); a List is matched by kind and name. Throws Error{input} naming the
// file that does not parse, a kind without a merge rule, or a live value of the wrong type.
[[nodiscard]] ObjectMerge merge_objects(const artifacts::NamedText& ours,
                                        const std::optional<artifacts::NamedText>& live);

} // namespace zbundle::cluster
