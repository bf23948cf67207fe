#include "core/ocmirror/reader.hpp"
#include "test_support.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>

namespace zbundle::ocmirror {
namespace {

using test::TarBuilder;
using test::TempDir;

using test::fake_digest;
using test::fake_hex;

const std::string& k_storage = test::k_registry_storage;

// A v2 registry tree with a release image and one additional image, as m2d archives it.
void add_v2_storage(TarBuilder& tar) {
  const std::string release = k_storage + "repositories/openshift/release-images/_manifests/";
  tar.file(release + "tags/4.16.5-s390x/current/link", fake_digest('a'))
      .file(release + "tags/4.16.5-s390x/index/sha256/" + fake_hex('a') + "/link", fake_digest('a'))
      .file(release + "revisions/sha256/" + fake_hex('a') + "/link", fake_digest('a'))
      .file(k_storage + "repositories/openshift/release-images/_layers/sha256/" + fake_hex('b')
                + "/link",
            fake_digest('b'))
      .file(k_storage + "repositories/rhel9/postgresql-15/_manifests/tags/latest/current/link",
            fake_digest('c'))
      .file(k_storage + "repositories/rhel9/postgresql-15/_manifests/revisions/sha256/"
                + fake_hex('c') + "/link",
            fake_digest('c'))
      .file(k_storage + "repositories/rhel9/postgresql-15/_manifests/revisions/sha256/"
                + fake_hex('d') + "/link",
            fake_digest('d'))
      .file(k_storage + "blobs/sha256/aa/" + fake_hex('a') + "/data", "manifest-a")
      .file(k_storage + "blobs/sha256/bb/" + fake_hex('b') + "/data", std::string(1000, 'b'))
      .file(k_storage + "blobs/sha256/cc/" + fake_hex('c') + "/data", "index-c");
}

MirrorContent read_one(const std::filesystem::path& path, ReadOptions options = {}) {
  return read_mirror({path}, options);
}

TEST(ReadMirror, V2MirrorToDiskArchive) {
  const TempDir dir;
  TarBuilder tar(dir / "mirror_000001.tar");
  add_v2_storage(tar);
  tar.file("working-dir/.history/.history-2025-01-01T00:00:00Z", fake_digest('a') + "\n")
      .file("isc_2025-01-01T00:00:00Z", test::test_data("ocmirror/v2/imageset-config.yaml"))
      .close();
  const MirrorContent content = read_one(dir / "mirror_000001.tar");
  ASSERT_EQ(content.inputs.size(), 1U);
  EXPECT_EQ(content.inputs[0].format, SourceFormat::oc_mirror_v2);
  EXPECT_EQ(content.inputs[0].layout, SourceLayout::archive_set);
  EXPECT_EQ(content.repositories.size(), 2U);
  EXPECT_EQ(content.repositories.at("openshift/release-images").tags.at("4.16.5-s390x"),
            fake_digest('a'));
  EXPECT_EQ(content.repositories.at("rhel9/postgresql-15").manifests,
            (std::set{fake_digest('c'), fake_digest('d')}));
  EXPECT_EQ(content.image_count(), 3U);
  EXPECT_EQ(content.tag_count(), 2U);
  EXPECT_EQ(content.blobs.size(), 3U);
  EXPECT_EQ(content.blob_bytes(), 10U + 1000U + 7U);
  EXPECT_EQ(content.releases, (std::set{model::ReleaseImage{"4.16.5-s390x", fake_digest('a')}}));
  EXPECT_EQ(content.catalog_names(), std::set<std::string>{"redhat-operator-index:v4.16"});
  EXPECT_EQ(content.image_set_configs.size(), 1U);
  // A mirror-to-disk run carries no mirror sets (oc-mirror-formats.md 0).
  EXPECT_TRUE(content.image_content_sources.empty());
}

// `graph: true`: oc-mirror builds the update graph image and writes an UpdateService after
// disk-to-mirror; a mirror-to-disk run names the image (where oc-mirror pushes it) and gets
// the UpdateService, pointing at the placeholder mirror that rendering moves.
TEST(ReadMirror, AnIscWithGraphWantsTheGraphImageAndAnUpdateService) {
  const TempDir dir;
  TarBuilder(dir / "mirror_000001.tar")
      .file("isc_2025-01-01T00:00:00Z",
            "kind: ImageSetConfiguration\napiVersion: mirror.openshift.io/v2alpha1\nmirror:\n"
            "  platform:\n    graph: true\n    channels:\n    - name: stable-4.16\n")
      .close();
  const MirrorContent content = read_one(dir / "mirror_000001.tar");
  const auto graph =
      std::find_if(content.collected_images.begin(),
                   content.collected_images.end(),
                   [](const auto& image) { return image.category == model::ImageCategory::graph; });
  ASSERT_NE(graph, content.collected_images.end());
  EXPECT_EQ(graph->source, "localhost:55000/openshift/graph-image:latest");
  ASSERT_EQ(content.cluster_resources.size(), 1U);
  const YAML::Node update = YAML::Load(content.cluster_resources.begin()->text);
  EXPECT_EQ(update["kind"].as<std::string>(), "UpdateService");
  EXPECT_EQ(update["spec"]["graphDataImage"].as<std::string>(),
            "mirror.invalid/openshift/graph-image:latest");
  EXPECT_EQ(update["spec"]["releases"].as<std::string>(),
            "mirror.invalid/openshift/release-images");

  TarBuilder(dir / "nograph/mirror_000001.tar")
      .file("isc_2025-01-01T00:00:00Z",
            "kind: ImageSetConfiguration\napiVersion: mirror.openshift.io/v2alpha1\nmirror:\n"
            "  platform:\n    channels:\n    - name: stable-4.16\n")
      .close();
  EXPECT_TRUE(read_one(dir / "nograph/mirror_000001.tar").cluster_resources.empty());
}

TEST(ReadMirror, ArchiveSetsInADirectoryAreReadTogether) {
  const TempDir dir;
  std::filesystem::create_directory(dir / "run");
  TarBuilder first(dir / "run/mirror_000001.tar");
  add_v2_storage(first);
  first.close();
  TarBuilder(dir / "run/mirror_000002.tar")
      .file("working-dir/cluster-resources/idms-oc-mirror.yaml",
            test::test_data("ocmirror/v2/idms-oc-mirror.yaml"))
      .close();
  test::write_file(dir / "run/xmirror_000003.tar.bak", "not part of the set");
  const MirrorContent content = read_one(dir / "run");
  ASSERT_EQ(content.inputs[0].archives.size(), 2U);
  EXPECT_EQ(content.blobs.size(), 3U);
  EXPECT_EQ(content.image_content_sources.sources().size(), 5U);
  ASSERT_EQ(content.ics_origins.size(), 1U);
  EXPECT_NE(content.ics_origins[0].find(
                "mirror_000002.tar: working-dir/cluster-resources/idms-oc-mirror.yaml"),
            std::string::npos);
}

TEST(ReadMirror, V2WorkingDirMirrorSetsWinOverMapping) {
  const TempDir dir;
  const auto resources = dir / "ws/working-dir/cluster-resources";
  test::write_file(resources / "idms-oc-mirror.yaml",
                   test::test_data("ocmirror/v2/idms-oc-mirror.yaml"));
  test::write_file(resources / "itms-oc-mirror.yaml",
                   test::test_data("ocmirror/v2/itms-oc-mirror.yaml"));
  test::write_file(resources / "cs-redhat-operator-index-v4-16.yaml",
                   test::test_data("ocmirror/v2/cs-redhat-operator-index-v4-16.yaml"));
  test::write_file(resources / "cc-redhat-operator-index-v4-16.yaml",
                   test::test_data("ocmirror/v2/cc-redhat-operator-index-v4-16.yaml"));
  test::write_file(dir / "ws/working-dir/dry-run/mapping.txt",
                   "docker://quay.io/x/y:1=docker://other.example/x/y:1\n");
  for (const auto& path : {dir / "ws", dir / "ws/working-dir"}) {
    const MirrorContent content = read_one(path);
    EXPECT_EQ(content.inputs[0].format, SourceFormat::oc_mirror_v2);
    EXPECT_EQ(content.image_content_sources.sources().size(), 6U);
    EXPECT_EQ(content.ics_origins.size(), 2U);
    EXPECT_EQ(content.catalogs.size(), 2U);
    EXPECT_EQ(content.catalog_names(), std::set<std::string>{"redhat-operator-index:v4.16"});
  }
}

TEST(ReadMirror, KeepsSignatureConfigMapsAndUpdateService) {
  const TempDir dir;
  const auto resources = dir / "working-dir/cluster-resources";
  test::write_file(resources / "signature-configmap.yaml",
                   test::test_data("ocmirror/v2/signature-configmap.yaml"));
  test::write_file(resources / "signature-configmap.json", "{}");
  test::write_file(resources / "updateService.yaml",
                   test::test_data("ocmirror/v2/updateService.yaml"));
  const MirrorContent v2 = read_one(dir / "working-dir");
  ASSERT_EQ(v2.cluster_resources.size(), 2U);
  EXPECT_EQ(v2.cluster_resources.begin()->kind, "ConfigMap");
  EXPECT_EQ(v2.cluster_resources.begin()->name, "mirrored-release-signatures");
  EXPECT_EQ(v2.cluster_resources.begin()->text,
            test::test_data("ocmirror/v2/signature-configmap.yaml"));
  EXPECT_EQ(std::next(v2.cluster_resources.begin())->kind, "UpdateService");

  const auto results = dir / "oc-mirror-workspace/results-1";
  test::write_file(results / "release-signatures/signature-sha256-3f14a5e1f4d8a6c2.json",
                   test::test_data("ocmirror/v1/signature-sha256-3f14a5e1f4d8a6c2.json"));
  const MirrorContent v1 = read_one(dir / "oc-mirror-workspace");
  ASSERT_EQ(v1.cluster_resources.size(), 1U);
  EXPECT_EQ(v1.cluster_resources.begin()->name.substr(0, 10), "sha256-3f1");

  test::write_file(results / "updateService.yaml", "kind: Deployment\n");
  EXPECT_ZB_ERROR(
      read_one(dir / "oc-mirror-workspace"),
      ErrorKind::input,
      "results-1/updateService.yaml: not a ConfigMap or UpdateService (kind Deployment)");
}

TEST(ReadMirror, V2DryRunMappingWhenNoMirrorSetsExcludesCatalogs) {
  const TempDir dir;
  test::write_file(dir / "working-dir/dry-run/mapping.txt",
                   test::test_data("ocmirror/v2/mapping.txt"));
  test::write_file(dir / "working-dir/cluster-resources/cs-redhat-operator-index-v4-16.yaml",
                   test::test_data("ocmirror/v2/cs-redhat-operator-index-v4-16.yaml"));
  const MirrorContent content = read_one(dir / "working-dir");
  EXPECT_EQ(content.image_content_sources.sources().size(), 4U);
  for (const auto& source : content.image_content_sources.sources()) {
    EXPECT_EQ(source.source.find("redhat-operator-index"), std::string::npos);
  }
}

TEST(ReadMirror, V1ArchiveWithSymlinkTagsAndFlatBlobs) {
  const TempDir dir;
  const std::string metadata =
      R"({"kind":"Metadata","pastMirror":{"associations":[{"name":"quay.io/openshift-release-dev/ocp-release:4.16.5-s390x","id":")"
      + fake_digest('a')
      + R"(","type":"ocpRelease"},{"name":"registry.redhat.io/redhat/redhat-operator-index:v4.16","type":"operatorCatalog"}]}})";
  TarBuilder(dir / "mirror_seq1_000000.tar")
      .directory("./")
      .directory("./publish/")
      .file("./publish/.metadata.json", metadata)
      .file("./v2/openshift/release-images/manifests/" + fake_digest('a'), "manifest")
      .symlink("./v2/openshift/release-images/manifests/4.16.5-s390x", fake_digest('a'))
      .file("./blobs/" + fake_digest('b'), "layer")
      .close();
  const MirrorContent content = read_one(dir / "mirror_seq1_000000.tar");
  EXPECT_EQ(content.inputs[0].format, SourceFormat::oc_mirror_v1);
  EXPECT_EQ(content.repositories.at("openshift/release-images").tags.at("4.16.5-s390x"),
            fake_digest('a'));
  EXPECT_EQ(content.blobs,
            (std::map<std::string, std::uint64_t>{{fake_digest('a'), 8}, {fake_digest('b'), 5}}));
  EXPECT_EQ(content.releases, (std::set{model::ReleaseImage{"4.16.5-s390x", fake_digest('a')}}));
  EXPECT_EQ(content.catalog_names(), std::set<std::string>{"redhat-operator-index:v4.16"});
}

// What fuzz_ocmirror_archive found (2026-12-03): an association whose name, type or id is not
// text made nlohmann's type_error escape the reader and end the process. Now the file is named.
TEST(ReadMirror, V1AssociationFieldsMustBeText) {
  const TempDir dir;
  for (const char* association : {R"({"name":["a"],"type":"ocpRelease"})",
                                  R"({"name":"a","type":7})",
                                  R"({"name":"r.io/a:1","type":"ocpRelease","id":{}})"}) {
    TarBuilder(dir / "mirror_seq1_000000.tar")
        .file("publish/.metadata.json",
              std::string(R"({"pastMirror":{"associations":[)") + association + "]}}")
        .close();
    EXPECT_ZB_ERROR(read_one(dir / "mirror_seq1_000000.tar"),
                    ErrorKind::input,
                    "publish/.metadata.json: association: ");
  }
}

// v1 keeps the ImageSetConfiguration's mirror block in pastMirror.mirror: its catalog renames
// (targetCatalog/targetTag, and the deprecated targetName) decide where the catalog is served.
TEST(ReadMirror, V1CatalogRenamesComeFromTheRecordedMirrorBlock) {
  const TempDir dir;
  const std::string metadata = R"({"kind":"Metadata","pastMirror":{
    "mirror":{"operators":[
      {"catalog":"registry.redhat.io/redhat/redhat-operator-index:v4.16",
       "targetCatalog":"my/ns/custom-index","targetTag":"v16"},
      {"catalog":"registry.redhat.io/redhat/certified-operator-index:v4.16",
       "targetName":"certified-mirror"}]},
    "associations":[
      {"name":"registry.redhat.io/redhat/redhat-operator-index:v4.16","type":"operatorCatalog"},
      {"name":"registry.redhat.io/redhat/certified-operator-index:v4.16","type":"operatorCatalog"},
      {"name":"registry.redhat.io/redhat/community-operator-index:v4.16","type":"operatorCatalog"}]}})";
  TarBuilder(dir / "mirror_seq1_000000.tar").file("publish/.metadata.json", metadata).close();
  const MirrorContent content = read_one(dir / "mirror_seq1_000000.tar");
  std::map<std::string, model::MirrorTarget> targets;
  for (const model::CatalogSource& catalog : content.catalogs) {
    targets[catalog.image] = catalog.target;
  }
  EXPECT_EQ(targets,
            (std::map<std::string, model::MirrorTarget>{
                {"registry.redhat.io/redhat/certified-operator-index:v4.16",
                 {"redhat/certified-mirror", ""}},
                {"registry.redhat.io/redhat/community-operator-index:v4.16", {}},
                {"registry.redhat.io/redhat/redhat-operator-index:v4.16",
                 {"my/ns/custom-index", "v16"}}}));
  TarBuilder(dir / "bad/mirror_seq1_000000.tar")
      .file(
          "publish/.metadata.json",
          R"({"pastMirror":{"mirror":{"operators":[{"catalog":"r.io/a/b:1","targetCatalog":"../x"}]}}})")
      .close();
  EXPECT_ZB_ERROR(read_one(dir / "bad/mirror_seq1_000000.tar"),
                  ErrorKind::input,
                  "pastMirror.mirror: targetCatalog ../x: not a repository path");
}

// A mirror-to-disk run keeps release signatures as files; the ConfigMap the cluster needs is made
// from them (oc-mirror writes it only after disk-to-mirror), and oc-mirror's own wins.
TEST(ReadMirror, ReleaseSignatureFilesBecomeTheSignatureConfigMap) {
  const TempDir dir;
  const std::string hex(64, 'a');
  const std::filesystem::path signatures = dir / "run/working-dir/signatures";
  test::write_file(signatures / ("4.16.5-multi-sha256-" + hex), "sig one");
  test::write_file(signatures / ("4.16.5-multi-sha256-" + hex + "x"), "bad");
  EXPECT_ZB_ERROR(read_one(dir / "run/working-dir"),
                  ErrorKind::input,
                  "not a release signature file: expected <tag>-sha256-<hex>");
  std::filesystem::remove(signatures / ("4.16.5-multi-sha256-" + hex + "x"));
  test::write_file(signatures / ("4.16.6-multi-sha256-" + hex), "sig two");
  const MirrorContent content = read_one(dir / "run/working-dir");
  ASSERT_EQ(content.cluster_resources.size(), 1U);
  const model::ClusterResource& resource = *content.cluster_resources.begin();
  EXPECT_EQ(resource.name, "mirrored-release-signatures");
  const YAML::Node node = YAML::Load(resource.text);
  EXPECT_EQ(node["metadata"]["namespace"].as<std::string>(), "openshift-config-managed");
  EXPECT_EQ(
      node["metadata"]["labels"]["release.openshift.io/verification-signatures"].as<std::string>(),
      "");
  // base64 of "sig one" and "sig two", numbered in file name order
  EXPECT_EQ(node["binaryData"]["sha256-" + hex + "-1"].as<std::string>(), "c2lnIG9uZQ==");
  EXPECT_EQ(node["binaryData"]["sha256-" + hex + "-2"].as<std::string>(), "c2lnIHR3bw==");

  test::write_file(
      dir / "run/working-dir/cluster-resources/signature-configmap.yaml",
      "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: mirrored-release-signatures\n"
      "  namespace: openshift-config-managed\nbinaryData:\n  sha256-"
          + hex + "-1: b2MtbWlycm9y\n");
  const MirrorContent both = read_one(dir / "run/working-dir");
  ASSERT_EQ(both.cluster_resources.size(), 1U);
  EXPECT_NE(both.cluster_resources.begin()->text.find("b2MtbWlycm9y"), std::string::npos);
}

TEST(ReadMirror, V1WorkspaceReadsNewestResultsUnlessNamed) {
  const TempDir dir;
  const auto workspace = dir / "oc-mirror-workspace";
  test::write_file(workspace / "results-1700000000/imageContentSourcePolicy.yaml",
                   "---\nkind: ImageContentSourcePolicy\nspec:\n  repositoryDigestMirrors:\n  - "
                   "{source: old.io/a, mirrors: [m/a]}\n");
  test::write_file(workspace / "results-1735689600/imageContentSourcePolicy.yaml",
                   test::test_data("ocmirror/v1/imageContentSourcePolicy.yaml"));
  test::write_file(workspace / "results-1735689600/catalogSource-cs-redhat-operator-index.yaml",
                   test::test_data("ocmirror/v1/catalogSource-cs-redhat-operator-index.yaml"));
  // more digits than a long long holds: not oc-mirror's (stoll threw out_of_range on it)
  std::filesystem::create_directories(workspace / ("results-" + std::string(40, '9')));
  const MirrorContent newest = read_one(dir.path());
  EXPECT_EQ(newest.inputs[0].format, SourceFormat::oc_mirror_v1);
  EXPECT_EQ(newest.image_content_sources.sources().size(), 5U);
  EXPECT_EQ(newest.catalogs.size(), 1U);
  const MirrorContent named = read_one(workspace, ReadOptions{"results-1700000000"});
  ASSERT_EQ(named.image_content_sources.sources().size(), 1U);
  EXPECT_EQ(named.image_content_sources.sources()[0].source, "old.io/a");
  EXPECT_ZB_ERROR(read_one(workspace, ReadOptions{"results-1"}),
                  ErrorKind::input,
                  "results-1: --results: no such results directory");
}

TEST(ReadMirror, V1ResultsMappingUsedWithoutIcsp) {
  const TempDir dir;
  test::write_file(dir / "oc-mirror-workspace/results-1/mapping.txt",
                   test::test_data("ocmirror/v1/mapping.txt"));
  EXPECT_EQ(read_one(dir.path()).image_content_sources.sources().size(), 3U);
}

TEST(ReadMirror, SeveralInputsMerge) {
  const TempDir dir;
  test::write_file(dir / "idms.yaml", test::test_data("ocmirror/v2/idms-oc-mirror.yaml"));
  test::write_file(dir / "itms.yaml", test::test_data("ocmirror/v2/itms-oc-mirror.yaml"));
  const MirrorContent content = read_mirror({dir / "idms.yaml", dir / "itms.yaml"}, {});
  EXPECT_EQ(content.inputs.size(), 2U);
  EXPECT_EQ(content.image_content_sources.sources().size(), 6U);
}

TEST(ReadMirror, RegistryStorageTree) {
  const TempDir dir;
  test::write_file(
      dir / ("storage/docker/registry/v2/blobs/sha256/ab/ab" + std::string(62, '0') + "/data"),
      "x");
  const MirrorContent content = read_one(dir / "storage");
  EXPECT_EQ(content.inputs[0].format, SourceFormat::registry_storage);
  EXPECT_EQ(content.blobs.size(), 1U);
  // named by its own root, as a registry's configuration spells it
  for (const char* root :
       {"storage/docker/registry/v2", "storage/docker/registry/v2/", "storage/docker"}) {
    const MirrorContent same = read_one(dir / root);
    EXPECT_EQ(same.inputs[0].format, SourceFormat::registry_storage) << root;
    EXPECT_EQ(same.blobs.size(), 1U) << root;
  }
  EXPECT_ZB_ERROR(
      read_one(dir / "storage/docker/registry"), ErrorKind::input, "not oc-mirror output");
}

TEST(ReadMirror, BadInputNamesTheFileAndReason) {
  const TempDir dir;
  EXPECT_ZB_ERROR(
      read_one(dir / "absent"), ErrorKind::input, "absent: cannot read: No such file or directory");
  test::write_file(dir / "empty/readme.txt.orig", "x");
  EXPECT_ZB_ERROR(read_one(dir / "empty"), ErrorKind::input, "empty: not oc-mirror output");
  test::write_file(dir / "notes.md", "x");
  EXPECT_ZB_ERROR(read_one(dir / "notes.md"), ErrorKind::input, "notes.md: not oc-mirror output");
  TarBuilder(dir / "other.tar").file("hello.txt", "hi").close();
  EXPECT_ZB_ERROR(read_one(dir / "other.tar"), ErrorKind::input, "other.tar: not oc-mirror output");
}

TEST(ReadMirror, MalformedEntriesInsideArchivesNameArchiveAndEntry) {
  const TempDir dir;
  TarBuilder(dir / "bad-link.tar")
      .file(k_storage + "repositories/a/_manifests/tags/x/current/link", "sha256:zz")
      .close();
  EXPECT_ZB_ERROR(read_one(dir / "bad-link.tar"),
                  ErrorKind::input,
                  "bad-link.tar: docker/registry/v2/repositories/a/_manifests/tags/x/current/link: "
                  "not a digest link");
  TarBuilder(dir / "bad-yaml.tar")
      .file("working-dir/cluster-resources/idms-oc-mirror.yaml",
            "kind: ImageDigestMirrorSet\nspec: [\n")
      .close();
  EXPECT_ZB_ERROR(read_one(dir / "bad-yaml.tar"),
                  ErrorKind::input,
                  "bad-yaml.tar: working-dir/cluster-resources/idms-oc-mirror.yaml:");
  TarBuilder(dir / "bad-blob.tar").file(k_storage + "blobs/sha256/ab/not-hex/data", "x").close();
  EXPECT_ZB_ERROR(read_one(dir / "bad-blob.tar"),
                  ErrorKind::input,
                  "bad-blob.tar: docker/registry/v2/blobs/sha256/ab/not-hex/data: not a blob");
  TarBuilder(dir / "bad-meta.tar").file("publish/.metadata.json", "{not json").close();
  EXPECT_ZB_ERROR(read_one(dir / "bad-meta.tar"),
                  ErrorKind::input,
                  "bad-meta.tar: publish/.metadata.json: malformed JSON");
  TarBuilder(dir / "bad-tag.tar").symlink("v2/r/manifests/latest", "../../../etc/passwd").close();
  EXPECT_ZB_ERROR(read_one(dir / "bad-tag.tar"),
                  ErrorKind::input,
                  "bad-tag.tar: v2/r/manifests/latest: tag symlink points outside");
}

TEST(ReadMirror, TruncatedArchiveIsInputError) {
  const TempDir dir;
  TarBuilder tar(dir / "mirror_000001.tar");
  add_v2_storage(tar);
  tar.close();
  std::filesystem::resize_file(dir / "mirror_000001.tar",
                               std::filesystem::file_size(dir / "mirror_000001.tar") / 2);
  EXPECT_ZB_ERROR(read_one(dir / "mirror_000001.tar"), ErrorKind::input, "mirror_000001.tar: ");
}

TEST(ReadMirror, BothArchiveVersionsInOneDirectoryIsAmbiguous) {
  const TempDir dir;
  TarBuilder(dir / "mirror_000001.tar").file("working-dir/x", "1").close();
  TarBuilder(dir / "mirror_seq1_000000.tar").file("publish/.metadata.json", "{}").close();
  EXPECT_ZB_ERROR(read_one(dir.path()), ErrorKind::input, "holds both oc-mirror v1");
}

} // namespace
} // namespace zbundle::ocmirror
