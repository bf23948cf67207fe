#include "core/ocmirror/derive_sources.hpp"
#include "core/ocmirror/reader.hpp"
#include "test_support.hpp"

namespace zbundle::ocmirror {
namespace {

using test::TarBuilder;
using test::TempDir;

using test::fake_digest;
using test::fake_hex;

const std::string& k_storage = test::k_registry_storage;
const std::string k_isc = R"(kind: ImageSetConfiguration
apiVersion: mirror.openshift.io/v2alpha1
mirror:
  platform:
    channels:
    - name: stable-4.16
      type: ocp
  operators:
  - catalog: registry.redhat.io/redhat/redhat-operator-index:v4.16
  additionalImages:
  - name: registry.redhat.io/rhel9/postgresql-15:latest
  - name: registry.redhat.io/ubi9/ubi@)"
                          + fake_digest('2') + R"(
  - name: quay.io/single:1.0
)";

std::string release_references() {
  return R"({"kind":"ImageStream","spec":{"tags":[{"name":"etcd","from":{"name":"quay.io/openshift-release-dev/ocp-v4.0-art-dev@)"
         + fake_digest('3') + R"("}}]}})";
}

std::string catalog_json(const std::string& related) {
  return R"({"schema":"olm.bundle","image":"registry.redhat.io/compliance/bundle@)"
         + fake_digest('b') + R"(","relatedImages":[{"image":")" + related + R"("}]})";
}

// A v2 mirror-to-disk archive with every record derivation reads.
void write_m2d(const std::filesystem::path& tar_path, bool with_release_records) {
  TarBuilder tar(tar_path);
  tar.file(k_storage
               + "repositories/openshift/release-images/_manifests/tags/4.16.5-s390x/current/link",
           fake_digest('1'));
  if (with_release_records) {
    tar.file("working-dir/hold-release/ocp-release/4.16.5-s390x/release-manifests/image-references",
             release_references());
  }
  const std::string catalog_dir =
      "working-dir/operator-catalogs/redhat-operator-index/" + fake_hex('c') + "/";
  // The full catalog names more than was mirrored; the filtered one is what the run used.
  tar.file(catalog_dir + "catalog-config/other-operator/catalog.json",
           catalog_json("registry.redhat.io/other/op@" + fake_digest('4')))
      .file(catalog_dir + "filtered-catalogs/f1/catalog-config/compliance-operator/catalog.json",
            catalog_json("registry.redhat.io/compliance/op@" + fake_digest('5')))
      .file("isc_2025-01-01T00:00:00Z", k_isc)
      .close();
}

// Written from oc-mirror v2's rules (oc-mirror-formats.md 2.3), not by running the code under test.
ics::ImageContentSources expected_v2(const std::string& mirror) {
  using ics::MirrorKind;
  ics::ImageContentSources expected;
  expected.add("quay.io/openshift-release-dev/ocp-release",
               mirror + "/openshift/release-images",
               MirrorKind::digest);
  expected.add("quay.io/openshift-release-dev/ocp-release",
               mirror + "/openshift/release-images",
               MirrorKind::tag);
  expected.add("quay.io/openshift-release-dev/ocp-v4.0-art-dev",
               mirror + "/openshift/release",
               MirrorKind::digest);
  expected.add("registry.redhat.io/compliance", mirror + "/compliance", MirrorKind::digest);
  expected.add("registry.redhat.io/rhel9", mirror + "/rhel9", MirrorKind::tag);
  expected.add("registry.redhat.io/ubi9", mirror + "/ubi9", MirrorKind::digest);
  // No namespace in the source: the scope is the registry itself.
  expected.add("quay.io", mirror, MirrorKind::tag);
  return expected;
}

TEST(DeriveContentSources, V2MirrorToDiskRun) {
  const TempDir dir;
  write_m2d(dir / "mirror_000001.tar", true);
  const MirrorContent content = read_mirror({dir / "mirror_000001.tar"}, {});
  const DerivedSources derived =
      derive_content_sources(content,
                             ics::parse_mirror_name("mirror.example:8443/zone"),
                             ics::ScopeRule::namespace_when_paths_match);
  EXPECT_EQ(derived.sources, expected_v2("mirror.example:8443/zone"));
  EXPECT_TRUE(derived.unmapped.empty());
}

TEST(DeriveContentSources, MaxNestedPathsForcesRepositoryScope) {
  const TempDir dir;
  write_m2d(dir / "mirror_000001.tar", true);
  const DerivedSources derived =
      derive_content_sources(read_mirror({dir / "mirror_000001.tar"}, {}),
                             ics::parse_mirror_name("m.example"),
                             ics::ScopeRule::repository);
  std::vector<std::string> sources;
  for (const auto& entry : derived.sources.sources()) {
    sources.push_back(entry.source + " -> " + entry.mirrors.at(0).location);
  }
  EXPECT_EQ(sources,
            (std::vector<std::string>{
                "quay.io/openshift-release-dev/ocp-release -> m.example/openshift/release-images",
                "quay.io/openshift-release-dev/ocp-v4.0-art-dev -> m.example/openshift/release",
                "quay.io/single -> m.example/single",
                "registry.redhat.io/compliance/bundle -> m.example/compliance/bundle",
                "registry.redhat.io/compliance/op -> m.example/compliance/op",
                "registry.redhat.io/rhel9/postgresql-15 -> m.example/rhel9/postgresql-15",
                "registry.redhat.io/ubi9/ubi -> m.example/ubi9/ubi"}));
}

// additionalImages[].targetRepo puts the image elsewhere than its source path: the mirror set
// maps the whole repository there (oc-mirror v2's scope rule: the destination does not end with
// the source path), where CRI-O will look for it.
TEST(DeriveContentSources, ATargetRepoIsWhereTheMirrorSetPoints) {
  const TempDir dir;
  TarBuilder(dir / "mirror_000001.tar")
      .file("working-dir/.history/.history-2025", "")
      .file("docker/registry/v2/repositories/base/ubi/_manifests/tags/9/current/link",
            fake_digest('9'))
      .file("isc_2025-01-01T00:00:00Z",
            "mirror:\n  additionalImages:\n  - name: registry.redhat.io/ubi9/ubi:9\n"
            "    targetRepo: base/ubi\n")
      .close();
  const MirrorContent content = read_mirror({dir / "mirror_000001.tar"}, {});
  const DerivedSources derived = derive_content_sources(
      content, ics::parse_mirror_name("m.example"), ics::ScopeRule::namespace_when_paths_match);
  ASSERT_EQ(derived.sources.sources().size(), 1U);
  EXPECT_EQ(derived.sources.sources()[0].source, "registry.redhat.io/ubi9/ubi");
  EXPECT_EQ(derived.sources.sources()[0].mirrors.at(0).location, "m.example/base/ubi");
}

// docker.io/nginx is mirrored (by oc-mirror) and pulled (by CRI-O) as docker.io/library/nginx:
// the mirror set says so, and a note tells the user the name was not kept as written.
TEST(DeriveContentSources, ADockerHubSingleNameIsMappedAsLibrary) {
  const TempDir dir;
  TarBuilder(dir / "mirror_000001.tar")
      .file("working-dir/.history/.history-2025", "")
      .file("docker/registry/v2/repositories/library/nginx/_manifests/tags/1.25/current/link",
            fake_digest('9'))
      .file("isc_2025-01-01T00:00:00Z",
            "mirror:\n  additionalImages:\n  - name: docker.io/nginx:1.25\n")
      .close();
  const DerivedSources derived =
      derive_content_sources(read_mirror({dir / "mirror_000001.tar"}, {}),
                             ics::parse_mirror_name("m.example"),
                             ics::ScopeRule::namespace_when_paths_match);
  ASSERT_EQ(derived.sources.sources().size(), 1U);
  EXPECT_EQ(derived.sources.sources()[0].source, "docker.io/library");
  EXPECT_EQ(derived.sources.sources()[0].mirrors.at(0).location, "m.example/library");
  EXPECT_EQ(derived.notes,
            std::vector<std::string>{"docker.io/nginx:1.25: mapped as docker.io/library/nginx, "
                                     "the name CRI-O and oc-mirror give it"});
}

// The folder disk-to-mirror leaves: the archive set and working-dir/cluster-resources with
// oc-mirror's own mirror sets. Read as one input, oc-mirror's sets win, with no --mirror needed
// and the payload mapping (ocp-v4.0-art-dev -> openshift/release) kept as oc-mirror wrote it.
TEST(ResolveContentSources, ADiskToMirrorFolderUsesOcMirrorsOwnSets) {
  const TempDir dir;
  write_m2d(dir / "run/mirror_000001.tar", true);
  test::write_file(dir / "run/working-dir/cluster-resources/idms-oc-mirror.yaml",
                   test::test_data("ocmirror/v2/idms-oc-mirror.yaml"));
  const MirrorContent content = read_mirror({dir / "run"}, {});
  const ResolvedSources resolved =
      resolve_content_sources(content, std::nullopt, ics::ScopeRule::namespace_when_paths_match);
  EXPECT_EQ(resolved.origin, SourcesOrigin::mirror_sets);
  bool has_payload = false;
  for (const ics::ContentSource& entry : resolved.result.sources.sources()) {
    if (entry.source == "quay.io/openshift-release-dev/ocp-v4.0-art-dev") {
      has_payload = true;
      EXPECT_EQ(entry.mirrors.at(0).location, "mirror.example.internal:8443/openshift/release");
    }
  }
  EXPECT_TRUE(has_payload);
  // The same folder without cluster-resources: derived, which needs the bastion's registry.
  std::filesystem::remove_all(dir / "run/working-dir");
  EXPECT_ZB_ERROR(resolve_content_sources(read_mirror({dir / "run"}, {}),
                                          std::nullopt,
                                          ics::ScopeRule::namespace_when_paths_match),
                  ErrorKind::usage,
                  "");
}

TEST(DeriveContentSources, SaysWhatCannotBeMapped) {
  const TempDir dir;
  write_m2d(dir / "mirror_000001.tar", false);
  TarBuilder(dir / "isc-only.tar")
      .file("isc_2025-01-01T00:00:00Z",
            "mirror:\n  platform:\n    channels:\n    - name: stable-4.17\n  operators:\n  - "
            "catalog: quay.io/x/community-index:v1\n")
      .close();
  const MirrorContent content = read_mirror({dir / "mirror_000001.tar", dir / "isc-only.tar"}, {});
  const DerivedSources derived = derive_content_sources(
      content, ics::parse_mirror_name("m.example"), ics::ScopeRule::namespace_when_paths_match);
  EXPECT_EQ(
      derived.unmapped,
      (std::vector<std::string>{
          "catalog quay.io/x/community-index:v1: its operator images cannot be mapped: no "
          "file-based catalog in "
          "working-dir/operator-catalogs/community-index",
          "release 4.16.5-s390x: its payload images cannot be mapped: no "
          "working-dir/hold-release/*/4.16.5-s390x/release-manifests/image-references in the input",
          "release channel stable-4.17: no release image in the input"}));
  // What can be mapped still is.
  EXPECT_FALSE(derived.sources.sources().empty());
}

TEST(DeriveContentSources, V1MetadataAssociations) {
  const TempDir dir;
  const std::string metadata =
      R"({"kind":"Metadata","pastMirror":{"associations":[
    {"name":"quay.io/openshift-release-dev/ocp-release:4.16.5-s390x","id":")"
      + fake_digest('1') + R"(","type":"ocpRelease"},
    {"name":"quay.io/openshift-release-dev/ocp-v4.0-art-dev@)"
      + fake_digest('3') + R"(","id":")" + fake_digest('3') + R"(","type":"ocpReleaseContent"},
    {"name":"registry.redhat.io/redhat/redhat-operator-index:v4.16","id":")"
      + fake_digest('c') + R"(","type":"operatorCatalog"},
    {"name":"registry.redhat.io/compliance/op@)"
      + fake_digest('5') + R"(","id":")" + fake_digest('5') + R"(","type":"operatorRelatedImage"},
    {"name":")"
      + fake_digest('7') + R"(","id":")" + fake_digest('7') + R"(","type":"operatorRelatedImage"}]},
    "pastAssociations":[{"name":"registry.redhat.io/rhel9/postgresql-15:latest","id":")"
      + fake_digest('6') + R"(","type":"generic"}]})";
  TarBuilder(dir / "mirror_seq1_000000.tar").file("./publish/.metadata.json", metadata).close();
  const DerivedSources derived =
      derive_content_sources(read_mirror({dir / "mirror_seq1_000000.tar"}, {}),
                             ics::parse_mirror_name("m.example:8443"),
                             ics::ScopeRule::namespace_when_paths_match);
  // v1 writes ICSPs only: every mirror is a digest mirror (oc-mirror-formats.md 1.3); catalogs are
  // left out, and so is an association named by a digest (an index's child): no docker.io source.
  ics::ImageContentSources expected;
  expected.add("quay.io/openshift-release-dev/ocp-release",
               "m.example:8443/openshift/release-images",
               ics::MirrorKind::digest);
  expected.add("quay.io/openshift-release-dev/ocp-v4.0-art-dev",
               "m.example:8443/openshift/release",
               ics::MirrorKind::digest);
  expected.add(
      "registry.redhat.io/compliance", "m.example:8443/compliance", ics::MirrorKind::digest);
  expected.add("registry.redhat.io/rhel9", "m.example:8443/rhel9", ics::MirrorKind::digest);
  EXPECT_EQ(derived.sources, expected);
}

TEST(ResolveContentSources, MirrorSetsWinAndDerivingNeedsAMirror) {
  const TempDir dir;
  write_m2d(dir / "mirror_000001.tar", true);
  const MirrorContent m2d = read_mirror({dir / "mirror_000001.tar"}, {});
  EXPECT_ZB_ERROR(
      static_cast<void>(
          resolve_content_sources(m2d, std::nullopt, ics::ScopeRule::namespace_when_paths_match)),
      ErrorKind::usage,
      "mirror_000001.tar: image content sources derived from a mirror-to-disk run need --mirror");
  const ResolvedSources derived = resolve_content_sources(
      m2d, ics::parse_mirror_name("m.example"), ics::ScopeRule::namespace_when_paths_match);
  EXPECT_EQ(derived.origin, SourcesOrigin::derived);

  test::write_file(dir / "idms.yaml",
                   "kind: ImageDigestMirrorSet\nspec:\n  imageDigestMirrors:\n  - {source: "
                   "quay.io/a, mirrors: [old.example/a]}\n");
  const MirrorContent both = read_mirror({dir / "mirror_000001.tar", dir / "idms.yaml"}, {});
  const ResolvedSources resolved = resolve_content_sources(
      both, ics::parse_mirror_name("new.example"), ics::ScopeRule::namespace_when_paths_match);
  EXPECT_EQ(resolved.origin, SourcesOrigin::mirror_sets);
  ASSERT_EQ(resolved.result.sources.sources().size(), 1U);
  EXPECT_EQ(resolved.result.sources.sources()[0].mirrors[0].location, "new.example/a");
}

TEST(CheckDerivation, ReportsEveryDifference) {
  const TempDir dir;
  write_m2d(dir / "mirror_000001.tar", true);
  // What oc-mirror would write, except: ubi9 missing, rhel9 by digest instead of tag, one extra.
  test::write_file(dir / "idms.yaml", R"(---
kind: ImageDigestMirrorSet
spec:
  imageDigestMirrors:
  - {source: quay.io/openshift-release-dev/ocp-release, mirrors: [m.example/openshift/release-images]}
  - {source: quay.io/openshift-release-dev/ocp-v4.0-art-dev, mirrors: [m.example/openshift/release]}
  - {source: registry.redhat.io/compliance, mirrors: [m.example/compliance]}
  - {source: registry.redhat.io/rhel9, mirrors: [m.example/rhel9]}
  - {source: registry.redhat.io/extra, mirrors: [m.example/extra]}
---
kind: ImageTagMirrorSet
spec:
  imageTagMirrors:
  - {source: quay.io/openshift-release-dev/ocp-release, mirrors: [m.example/openshift/release-images]}
  - {source: quay.io, mirrors: [m.example]}
)");
  const MirrorContent content = read_mirror({dir / "mirror_000001.tar", dir / "idms.yaml"}, {});
  EXPECT_EQ(
      check_derivation(content, std::nullopt, 0),
      (std::vector<std::string>{
          "only in oc-mirror's mirror sets: registry.redhat.io/extra -> m.example/extra (digest)",
          "mirrored by other kinds: registry.redhat.io/rhel9 -> m.example/rhel9: oc-mirror by "
          "digest, derived by tag",
          "only derived: registry.redhat.io/ubi9 -> m.example/ubi9 (digest)"}));
  EXPECT_ZB_ERROR(
      static_cast<void>(check_derivation(read_mirror({dir / "idms.yaml"}, {}), std::nullopt, 2)),
      ErrorKind::usage,
      "--check needs a mirror-to-disk run");
}

// A disk-to-mirror run with --max-nested-paths 2 into m.example/zone wrote these sets (by hand
// from oc-mirror's WithMaxNestedPaths: "zone" kept, the rest joined with '-'); the derivation
// under the same limit agrees with them.
TEST(CheckDerivation, AgreesWithARunThatLimitedNestedPaths) {
  const TempDir dir;
  write_m2d(dir / "mirror_000001.tar", true);
  test::write_file(dir / "sets.yaml", R"(---
kind: ImageDigestMirrorSet
spec:
  imageDigestMirrors:
  - {source: quay.io/openshift-release-dev/ocp-release, mirrors: [m.example/zone/openshift-release-images]}
  - {source: quay.io/openshift-release-dev/ocp-v4.0-art-dev, mirrors: [m.example/zone/openshift-release]}
  - {source: registry.redhat.io/compliance/bundle, mirrors: [m.example/zone/compliance-bundle]}
  - {source: registry.redhat.io/compliance/op, mirrors: [m.example/zone/compliance-op]}
  - {source: registry.redhat.io/ubi9/ubi, mirrors: [m.example/zone/ubi9-ubi]}
---
kind: ImageTagMirrorSet
spec:
  imageTagMirrors:
  - {source: quay.io/openshift-release-dev/ocp-release, mirrors: [m.example/zone/openshift-release-images]}
  - {source: quay.io/single, mirrors: [m.example/zone/single]}
  - {source: registry.redhat.io/rhel9/postgresql-15, mirrors: [m.example/zone/rhel9-postgresql-15]}
)");
  const MirrorContent content = read_mirror({dir / "mirror_000001.tar", dir / "sets.yaml"}, {});
  const auto zone = ics::parse_mirror_name("m.example/zone");
  EXPECT_EQ(check_derivation(content, zone, 2), std::vector<std::string>{});
  // without the limit nothing matches: oc-mirror's 7 (source, mirror) pairs, and the 6 derived
  // with whole paths and namespace scope
  EXPECT_EQ(check_derivation(content, zone, 0).size(), 13U);
}

} // namespace
} // namespace zbundle::ocmirror
