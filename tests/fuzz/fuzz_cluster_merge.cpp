// What `oc get -o json` printed, and the registries.conf inside a ConfigMap: a cluster's live
// objects, which an admin (or anyone with write access to them) wrote.
#include "core/cluster/object_merge.hpp"
#include "core/cluster/registries_conf_merge.hpp"
#include "fuzz_target.hpp"

#include <string>

namespace {

constexpr std::string_view k_ours = R"(apiVersion: v1
kind: ConfigMap
metadata:
  name: mirror-config
  namespace: multicluster-engine
  labels:
    app: assisted-service
data:
  ca-bundle.crt: |
    -----BEGIN CERTIFICATE-----
    AAAA
    -----END CERTIFICATE-----
  registries.conf: |
    [[registry]]
    prefix = ""
    location = "registry.redhat.io/ubi9"

    [[registry.mirror]]
    location = "mirror.test:8443/ubi9"
---
apiVersion: v1
kind: Secret
metadata:
  name: pull-secret
  namespace: openshift-config
data:
  .dockerconfigjson: eyJhdXRocyI6IHsibTo1MDAwIjogeyJhdXRoIjogImRUcHcifX19
---
apiVersion: config.openshift.io/v1
kind: ImageDigestMirrorSet
metadata:
  name: zbundle-release
spec:
  imageDigestMirrors:
  - mirrors: [mirror.test:8443/ocp-release]
    source: quay.io/openshift-release-dev/ocp-release
)";

constexpr std::string_view k_hosted = "- source: quay.io/openshift-release-dev/ocp-release\n"
                                      "  mirrors: [mirror.test:8443/ocp-release]\n";

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(zbundle::fuzz::as_text(data, size));
  zbundle::fuzz::refuse_or_accept([&] {
    (void)zbundle::cluster::merge_registries_conf(
        text, "[[registry]]\nlocation = \"a/b\"\n", "live");
  });
  for (const std::string_view ours : {k_ours, k_hosted}) {
    zbundle::fuzz::refuse_or_accept([&] {
      (void)zbundle::cluster::merge_objects({"ours.yaml", std::string(ours)},
                                            zbundle::artifacts::NamedText{"live.json", text});
    });
  }
  return 0;
}
