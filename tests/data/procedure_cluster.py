#!/usr/bin/env python3
"""Writes the management cluster of the hosted control planes procedure, as the stand-in `oc`
(fake_oc.py) keeps it, to the file named by the first argument: what an admin made by hand
before zbundle came (registry-config, mirror-config with the multicluster-engine entry the
discovery ISO needs, an AgentServiceConfig naming it), a pull secret with other entries, an
oc-mirror v1 ICSP, and HyperShift with one hosted cluster. Used by tests/cli/apply_cluster.sh
and scripts/demo.sh.
"""

import base64
import json
import sys

ps = {"auths": {"cloud.openshift.com": {"auth": "b3BlbjpzaGlmdA==", "email": "a@example.com"},
                "registry.redhat.io": {"auth": "cmg6cGFzcw=="}}}
conf = ('unqualified-search-registries = ["registry.access.redhat.com"]\n\n'
        '[[registry]]\n  prefix = ""\n  location = "registry.redhat.io/multicluster-engine"\n'
        '  mirror-by-digest-only = true\n\n  [[registry.mirror]]\n'
        '    location = "mirror.test:8443/multicluster-engine"\n')
site_pem = "-----BEGIN CERTIFICATE-----\nU0lURQ==\n-----END CERTIFICATE-----\n"
def cm(name, ns, data, labels=None):
    meta = {"name": name, "namespace": ns, "resourceVersion": "7"}
    if labels:
        meta["labels"] = labels
    return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": meta, "data": data}
state = {
  "Image//cluster": {"apiVersion": "config.openshift.io/v1", "kind": "Image", "metadata": {"name": "cluster"}, "spec": {}},
  "ConfigMap/openshift-config/registry-config": cm("registry-config", "openshift-config", {"other.site..5000": site_pem}),
  "ConfigMap/multicluster-engine/mirror-config": cm("mirror-config", "multicluster-engine",
      {"ca-bundle.crt": site_pem, "registries.conf": conf}, {"app": "assisted-service"}),
  "AgentServiceConfig//agent": {"apiVersion": "agent-install.openshift.io/v1beta1", "kind": "AgentServiceConfig",
      "metadata": {"name": "agent"}, "spec": {"mirrorRegistryRef": {"name": "mirror-config"},
      "databaseStorage": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "10Gi"}}},
      "filesystemStorage": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "10Gi"}}}}},
  "Secret/openshift-config/pull-secret": {"apiVersion": "v1", "kind": "Secret",
      "metadata": {"name": "pull-secret", "namespace": "openshift-config", "resourceVersion": "3"},
      "type": "kubernetes.io/dockerconfigjson",
      "data": {".dockerconfigjson": base64.b64encode(json.dumps(ps).encode()).decode()}},
  "ImageContentSourcePolicy//redhat-operator-index-0": {"apiVersion": "operator.openshift.io/v1alpha1",
      "kind": "ImageContentSourcePolicy", "metadata": {"name": "redhat-operator-index-0"},
      "spec": {"repositoryDigestMirrors": [{"source": "registry.redhat.io/old", "mirrors": ["mirror.test:8443/old"]}]}},
  "CustomResourceDefinition//hostedclusters.hypershift.openshift.io": {"kind": "CustomResourceDefinition"},
  "Deployment/hypershift/operator": {"kind": "Deployment", "metadata": {"name": "operator", "namespace": "hypershift"}},
  "HostedCluster/clusters/hc1": {"apiVersion": "hypershift.openshift.io/v1beta1", "kind": "HostedCluster",
      "metadata": {"name": "hc1", "namespace": "clusters", "resourceVersion": "5"},
      "spec": {"release": {"image": "quay.io/openshift-release-dev/ocp-release@sha256:" + "1" * 64},
               "imageContentSources": [{"source": "registry.redhat.io/old", "mirrors": ["mirror.test:8443/old"]}]},
      "status": {"version": "4.16.5"}},
}

if __name__ == "__main__":
    with open(sys.argv[1], "w") as out:
        json.dump(state, out, indent=1, sort_keys=True)
