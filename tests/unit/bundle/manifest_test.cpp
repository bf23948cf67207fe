#include "core/bundle/entry_path.hpp"
#include "core/bundle/manifest.hpp"
#include "core/pki/certificate_file.hpp"
#include "core/util/str_cat.hpp"
#include "test_support.hpp"

#include <nlohmann/json.hpp>

namespace zbundle::bundle {
namespace {

Manifest sample_manifest() {
  Manifest manifest;
  manifest.bundle_id = std::string(32, 'a');
  manifest.created = "2026-11-25T06:00:00Z";
  manifest.key_id = std::string(64, 'b');
  manifest.source_kind = "oc-mirror-v2";
  manifest.source_names = {"mirror_000001.tar"};
  manifest.base_bundles = {std::string(32, 'c')};
  manifest.receipt = Manifest::ReceiptRef{test::fake_digest('9'), std::string(64, 'd')};
  manifest.mirror = "registry.example.com:5000";
  manifest.max_nested_paths = 2;
  manifest.image_content_sources.add("quay.io/openshift-release-dev/ocp-release",
                                     "registry.example.com:5000/openshift/release-images",
                                     ics::MirrorKind::digest);
  manifest.image_content_sources.add(
      "registry.redhat.io/ubi9", "registry.example.com:5000/ubi9", ics::MirrorKind::tag);
  manifest.image_content_sources.set_policy("registry.redhat.io/ubi9",
                                            ics::SourcePolicy::never_contact_source);
  manifest.releases = {{"4.16.5-s390x", test::fake_digest('1')}};
  manifest.images = {{"registry.redhat.io/ubi9/ubi:9",
                      model::ImageCategory::generic,
                      ics::MappingRules::oc_mirror_v2},
                     {"registry.redhat.io/redhat/redhat-operator-index:v4.16",
                      model::ImageCategory::catalog,
                      ics::MappingRules::oc_mirror_v2,
                      {"my/ns/custom-index", "v16"}}};
  manifest.catalogs = {{"redhat-operator-index", "CatalogSource", "registry.redhat.io/index:v4.16"},
                       {"registry.redhat.io/redhat/redhat-operator-index:v4.16",
                        "ImageSetConfiguration",
                        "registry.redhat.io/redhat/redhat-operator-index:v4.16",
                        {"my/ns/custom-index", "v16"}}};
  manifest.cluster_resources = {
      {"UpdateService", "update-service-oc-mirror", {}, "kind: UpdateService\n"}};
  manifest.waivers = {{model::ProblemKind::missing_image, {"quay.io/a/b:1: not in the mirror"}}};
  manifest.repositories = {{"ubi9/ubi",
                            {{"9", test::fake_digest('2')}},
                            {test::fake_digest('2')},
                            {test::fake_digest('3')}}};
  manifest.prune = {{"openshift/release-images", test::fake_digest('4'), {"4.16.4-multi"}},
                    {"ubi9/ubi", test::fake_digest('5'), {}}};
  const std::string pem = test::self_signed_pem("Mirror CA");
  const pki::CertificateInfo info =
      pki::describe_certificate(pki::parse_certificates(pem, "test").front().get());
  manifest.ca_certificates = {{info.subject, info.not_after, info.fingerprint, pem}};
  manifest.entries = {
      {blob_entry_path(test::fake_digest('3')),
       10,
       *util::Sha256Digest::from_hex(std::string(64, '3'))},
      {"oc-mirror/working-dir/x", 4, *util::Sha256Digest::from_hex(std::string(64, 'e'))}};
  manifest.volumes = {{"b.zb.002", 100, std::string(64, 'f')}};
  return manifest;
}

// Re-serializes `text` after `edit` changed the JSON.
template <class Edit> std::string edited(const Manifest& manifest, Edit edit) {
  nlohmann::ordered_json document = nlohmann::ordered_json::parse(serialize_manifest(manifest));
  edit(document);
  return document.dump();
}

TEST(BundleManifest, RoundTripsEveryField) {
  const Manifest manifest = sample_manifest();
  const std::string text = serialize_manifest(manifest);
  EXPECT_EQ(parse_manifest(text), manifest);
  EXPECT_EQ(serialize_manifest(parse_manifest(text)), text);
  EXPECT_EQ(manifest.total_bytes(), 14U);
}

// The entries are written as text, not through the JSON tree: the bytes must be what the tree
// would have written, since the signature and the index bind them.
TEST(BundleManifest, EntriesAreWrittenAsTheJsonTreeWouldWriteThem) {
  Manifest manifest = sample_manifest();
  manifest.entries.push_back({"oc-mirror/working-dir/a \"quoted\" \\ name \u00e9",
                              0,
                              *util::Sha256Digest::from_hex(std::string(64, '0'))});
  const std::string text = serialize_manifest(manifest);
  EXPECT_EQ(nlohmann::ordered_json::parse(text).dump() + "\n", text);
  nlohmann::ordered_json tree = nlohmann::ordered_json::array();
  for (const Entry& entry : manifest.entries) {
    tree.push_back({{"path", entry.path}, {"size", entry.size}, {"sha256", entry.sha256.hex()}});
  }
  EXPECT_NE(text.find(R"("entries":)" + tree.dump() + R"(,"totals":)"), std::string::npos);
  manifest.entries.clear();
  manifest.volumes.clear();
  const std::string empty = serialize_manifest(manifest);
  EXPECT_EQ(nlohmann::ordered_json::parse(empty).dump() + "\n", empty);
  EXPECT_NE(empty.find(R"("entries":[],"totals":{"entries":0,"bytes":0})"), std::string::npos);
}

TEST(BundleManifest, RefusesUnknownFieldsWrongTypesAndBadTotals) {
  const Manifest manifest = sample_manifest();
  EXPECT_ZB_ERROR(parse_manifest(edited(manifest, [](auto& j) { j["smuggled"] = 1; })),
                  ErrorKind::check,
                  "manifest.smuggled: unknown field");
  EXPECT_ZB_ERROR(parse_manifest(edited(manifest, [](auto& j) { j["entries"][0]["size"] = "10"; })),
                  ErrorKind::check,
                  "size: not a number");
  EXPECT_ZB_ERROR(parse_manifest(edited(manifest, [](auto& j) { j["totals"]["bytes"] = 15; })),
                  ErrorKind::check,
                  "totals: do not match");
  EXPECT_ZB_ERROR(parse_manifest(edited(manifest, [](auto& j) { j["format"] = "zbundle/v2"; })),
                  ErrorKind::check,
                  "unsupported format zbundle/v2");
  EXPECT_ZB_ERROR(parse_manifest(edited(manifest, [](auto& j) { j.erase("volumes"); })),
                  ErrorKind::check,
                  "manifest.volumes: missing");
  // Found by fuzz_bundle_resigned (2026-12-03): without "mirror", nlohmann's out_of_range
  // escaped the parser and ended zbundle-extract.
  EXPECT_ZB_ERROR(parse_manifest(edited(manifest, [](auto& j) { j.erase("mirror"); })),
                  ErrorKind::check,
                  "manifest.mirror: missing");
  EXPECT_ZB_ERROR(
      parse_manifest(edited(manifest, [](auto& j) { j["receipt"]["id"] = "sha256:ABC"; })),
      ErrorKind::check,
      "receipt.id");
  EXPECT_ZB_ERROR(parse_manifest(edited(manifest, [](auto& j) { j["receipt"]["url"] = "x"; })),
                  ErrorKind::check,
                  "receipt.url: unknown field");
  EXPECT_ZB_ERROR(parse_manifest(edited(manifest, [](auto& j) { j["bundle_id"] = "ABC"; })),
                  ErrorKind::check,
                  "bundle_id: not 32 lower-case hex");
  EXPECT_ZB_ERROR(parse_manifest(edited(
                      manifest, [](auto& j) { j["repositories"][0]["tags"]["9"] = "latest"; })),
                  ErrorKind::check,
                  "repositories[ubi9/ubi].tags.9: not a sha256");
  EXPECT_ZB_ERROR(parse_manifest(edited(
                      manifest, [](auto& j) { j["cluster_resources"][0]["kind"] = "Secret"; })),
                  ErrorKind::check,
                  "cluster_resources[].kind: unknown value Secret");
  // the entries list is parsed as it streams by, with the same strictness
  EXPECT_ZB_ERROR(parse_manifest(edited(manifest, [](auto& j) { j["entries"][0]["mode"] = 420; })),
                  ErrorKind::check,
                  "entries[].mode: unknown field");
  EXPECT_ZB_ERROR(
      parse_manifest(edited(manifest, [](auto& j) { j["entries"][1].erase("sha256"); })),
      ErrorKind::check,
      "entries[].sha256: missing");
  EXPECT_ZB_ERROR(parse_manifest(edited(manifest, [](auto& j) { j["entries"][0] = "registry/x"; })),
                  ErrorKind::check,
                  "entries[]: not an object");
  EXPECT_ZB_ERROR(parse_manifest(edited(manifest,
                                        [](auto& j) {
                                          j["entries"][0]["path"] = {"a", "b"};
                                        })),
                  ErrorKind::check,
                  "entries[].path: not a string");
  EXPECT_ZB_ERROR(parse_manifest(edited(manifest,
                                        [](auto& j) {
                                          j["entries"] = {{"path", 1}};
                                        })),
                  ErrorKind::check,
                  "entries");
  EXPECT_ZB_ERROR(parse_manifest("{not json"), ErrorKind::check, "ZBUNDLE/manifest.json: JSON");
}

// A rename target is a repository path and a tag, or it is refused; an empty one is left out.
// The prune list is what the bastion deletes: each item in its grammar, sorted, once, and
// never a manifest the bundle itself keeps.
TEST(BundleManifest, PruneItemsAreCheckedSortedAndNotContradicted) {
  const Manifest manifest = sample_manifest();
  EXPECT_ZB_ERROR(
      parse_manifest(edited(manifest, [](auto& j) { j["prune"][0]["repository"] = "../x"; })),
      ErrorKind::check,
      "prune[].repository: not a repository name");
  EXPECT_ZB_ERROR(
      parse_manifest(edited(manifest, [](auto& j) { j["prune"][0]["tags"][0] = "a b"; })),
      ErrorKind::check,
      "prune[openshift/release-images].tags: not a tag");
  EXPECT_ZB_ERROR(
      parse_manifest(edited(manifest, [](auto& j) { std::swap(j["prune"][0], j["prune"][1]); })),
      ErrorKind::check,
      "prune: not sorted by repository and digest, or an item twice");
  EXPECT_ZB_ERROR(parse_manifest(edited(
                      manifest, [](auto& j) { j["prune"][1]["digest"] = test::fake_digest('2'); })),
                  ErrorKind::check,
                  util::str_cat("prune[ubi9/ubi].digest: ",
                                test::fake_digest('2'),
                                " is also in the bundle's own repository"));
  EXPECT_ZB_ERROR(
      parse_manifest(edited(manifest, [](auto& j) { j["prune"][0]["digest"] = "sha256:1"; })),
      ErrorKind::check,
      "prune[openshift/release-images].digest: not a sha256");
  EXPECT_ZB_ERROR(
      parse_manifest(edited(manifest, [](auto& j) { j["prune"] = nlohmann::json::array(); })),
      ErrorKind::check,
      "prune: empty");
  Manifest without = manifest;
  without.prune.clear(); // an older reader's manifest: the field is not written at all
  EXPECT_EQ(serialize_manifest(without).find("\"prune\""), std::string::npos);
}

TEST(BundleManifest, RefusesTargetsOutsideTheirGrammar) {
  const Manifest manifest = sample_manifest();
  EXPECT_ZB_ERROR(
      parse_manifest(
          edited(manifest, [](auto& j) { j["catalogs"][1]["target"]["repository"] = "../../x"; })),
      ErrorKind::check,
      "catalogs[].target.repository: not a repository path");
  EXPECT_ZB_ERROR(
      parse_manifest(edited(manifest, [](auto& j) { j["images"][1]["target"]["tag"] = "a:b"; })),
      ErrorKind::check,
      "images[].target.tag: not a tag");
  EXPECT_ZB_ERROR(
      parse_manifest(edited(manifest,
                            [](auto& j) {
                              j["images"][1]["target"] = {{"repository", ""}, {"tag", ""}};
                            })),
      ErrorKind::check,
      "leave the target out");
  EXPECT_ZB_ERROR(
      parse_manifest(edited(manifest, [](auto& j) { j["images"][1]["target"]["x"] = "y"; })),
      ErrorKind::check,
      "images[].target.x: unknown field");
  EXPECT_EQ(serialize_manifest(manifest).find("\"target\"", 0) != std::string::npos, true);
  EXPECT_EQ(nlohmann::json::parse(serialize_manifest(manifest))["images"][0].contains("target"),
            false);
}

// A hostile signer cannot claim to have waived a fault of the bytes, or nothing at all.
TEST(BundleManifest, WaiversAreWaivableKindsEachOnce) {
  const Manifest manifest = sample_manifest();
  EXPECT_ZB_ERROR(parse_manifest(edited(
                      manifest, [](auto& j) { j["waivers"][0]["kind"] = "digest-mismatch"; })),
                  ErrorKind::check,
                  "waivers[].kind: not a kind that can be waived: digest-mismatch");
  EXPECT_ZB_ERROR(
      parse_manifest(edited(manifest, [](auto& j) { j["waivers"].push_back(j["waivers"][0]); })),
      ErrorKind::check,
      "missing-image twice");
  EXPECT_ZB_ERROR(
      parse_manifest(
          edited(manifest, [](auto& j) { j["waivers"][0]["problems"] = nlohmann::json::array(); })),
      ErrorKind::check,
      "names no problem");
  EXPECT_ZB_ERROR(parse_manifest(edited(
                      manifest, [](auto& j) { j["waivers"][0]["problems"][0] = "a\u001b[2Jb"; })),
                  ErrorKind::check,
                  "waivers[].problems");
  // bundles made before the gate have no waivers field
  EXPECT_TRUE(
      parse_manifest(edited(manifest, [](auto& j) { j.erase("waivers"); })).waivers.empty());
}

// oc-mirror's path limit: recorded only when given, 1 to 64.
TEST(BundleManifest, MaxNestedPathsIsOptionalAndBounded) {
  Manifest manifest = sample_manifest();
  EXPECT_ZB_ERROR(parse_manifest(edited(manifest, [](auto& j) { j["max_nested_paths"] = 0; })),
                  ErrorKind::check,
                  "max_nested_paths: not between 1 and 64");
  EXPECT_ZB_ERROR(parse_manifest(edited(manifest, [](auto& j) { j["max_nested_paths"] = 65; })),
                  ErrorKind::check,
                  "max_nested_paths: not between 1 and 64");
  EXPECT_ZB_ERROR(parse_manifest(edited(manifest, [](auto& j) { j["max_nested_paths"] = -1; })),
                  ErrorKind::check,
                  "max_nested_paths: not a number");
  manifest.max_nested_paths = 0;
  EXPECT_FALSE(nlohmann::json::parse(serialize_manifest(manifest)).contains("max_nested_paths"));
  EXPECT_EQ(parse_manifest(serialize_manifest(manifest)).max_nested_paths, 0U);
}

TEST(BundleManifest, RefusesUnsafeAndDuplicatePaths) {
  const Manifest manifest = sample_manifest();
  for (const std::string path : {"../etc/passwd",
                                 "/etc/passwd",
                                 "registry/../../x",
                                 "registry//x",
                                 "registry/./x",
                                 "registry/a\\b",
                                 "other/x",
                                 "registry/x/"}) {
    SCOPED_TRACE(path);
    EXPECT_ZB_ERROR(
        parse_manifest(edited(manifest, [&](auto& j) { j["entries"][0]["path"] = path; })),
        ErrorKind::check,
        "bad path");
  }
  EXPECT_ZB_ERROR(parse_manifest(edited(manifest,
                                        [](auto& j) {
                                          j["entries"][1]["path"] = j["entries"][0]["path"];
                                          j["entries"][1]["size"] = 10;
                                          j["totals"]["bytes"] = 20;
                                        })),
                  ErrorKind::check,
                  "listed twice");
}

TEST(EntryPath, AcceptsTheThreeTreesOnly) {
  EXPECT_EQ(payload_path_problem("registry/docker/registry/v2/blobs/sha256/ab/abc/data"), "");
  EXPECT_EQ(payload_path_problem("oc-mirror/isc_2025-01-01T00:00:00Z"), "");
  EXPECT_EQ(payload_path_problem("artifacts/icsp.yaml"), "");
  EXPECT_NE(payload_path_problem("ZBUNDLE/manifest.json"), "");
  EXPECT_NE(payload_path_problem(std::string("oc-mirror/a\nb")), "");
  EXPECT_EQ(payload_path_problem("oc-mirror/logs/\xc3\xbc"
                                 "n\xc3\xaf"
                                 "code-\xe6\x97\xa5"
                                 ".log"),
            "");
  EXPECT_NE(payload_path_problem("oc-mirror/\xc3"), "");         // truncated sequence
  EXPECT_NE(payload_path_problem("oc-mirror/\xc0\xaf"), "");     // overlong '/'
  EXPECT_NE(payload_path_problem("oc-mirror/\xed\xa0\x80"), ""); // a surrogate
  EXPECT_NE(payload_path_problem("oc-mirror/" + std::string(256, 'x')), "");
  EXPECT_NE(payload_path_problem("oc-mirror/" + std::string(4100, 'x')), "");
  EXPECT_EQ(blob_entry_path(test::fake_digest('a')),
            "registry/docker/registry/v2/blobs/sha256/aa/" + std::string(64, 'a') + "/data");
}

} // namespace
} // namespace zbundle::bundle

namespace zbundle::bundle {
namespace {

using util::str_cat;

constexpr std::string_view k_iso = "rhcos-416.94.202406251923-0-live.s390x.iso";

Manifest with_boot_image() {
  Manifest manifest = sample_manifest();
  manifest.boot_images.push_back(*model::parse_boot_image_name(k_iso));
  manifest.entries.push_back(
      {str_cat("boot/", k_iso),
       4,
       util::Sha256Digest::from_digest(str_cat("sha256:", std::string(64, 'a')))});
  return manifest;
}

// boot_images says what each boot/ entry is, and only what its name says (R6).
TEST(BootImages, RoundTripAndCrossCheckWithTheEntries) {
  const Manifest manifest = with_boot_image();
  EXPECT_EQ(parse_manifest(serialize_manifest(manifest)).boot_images, manifest.boot_images);
  // absent when there are none, so bundles without them stay readable by older extractors
  EXPECT_FALSE(
      nlohmann::json::parse(serialize_manifest(sample_manifest())).contains("boot_images"));
  EXPECT_ZB_ERROR(parse_manifest(edited(
                      manifest, [](auto& j) { j["boot_images"][0]["version"] = "417.94.1-0"; })),
                  ErrorKind::check,
                  "not what its name says");
  EXPECT_ZB_ERROR(parse_manifest(edited(
                      manifest, [](auto& j) { j["boot_images"][0]["architecture"] = "x86_64"; })),
                  ErrorKind::check,
                  "not what its name says");
  EXPECT_ZB_ERROR(parse_manifest(edited(
                      manifest, [](auto& j) { j["boot_images"][0]["file"] = "../../etc/passwd"; })),
                  ErrorKind::check,
                  "not what its name says");
  EXPECT_ZB_ERROR(parse_manifest(edited(
                      manifest, [](auto& j) { j["boot_images"].push_back(j["boot_images"][0]); })),
                  ErrorKind::check,
                  "named twice");
  EXPECT_ZB_ERROR(parse_manifest(edited(manifest, [](auto& j) { j.erase("boot_images"); })),
                  ErrorKind::check,
                  "a boot/ entry no boot image names");
  Manifest without_entry = with_boot_image();
  without_entry.entries.pop_back();
  EXPECT_ZB_ERROR(parse_manifest(serialize_manifest(without_entry)),
                  ErrorKind::check,
                  "names a file the entries do not carry");
}

TEST(BootImages, NamesAsRedHatPublishesThem) {
  const auto iso = model::parse_boot_image_name(k_iso);
  ASSERT_TRUE(iso);
  EXPECT_EQ(iso->kind, model::BootImageKind::iso);
  EXPECT_EQ(iso->version, "416.94.202406251923-0");
  EXPECT_EQ(iso->openshift_version, "4.16");
  EXPECT_EQ(iso->architecture, "s390x");
  EXPECT_EQ(model::parse_boot_image_name("rhcos-412.86.202212081411-0-live-kernel-s390x")->kind,
            model::BootImageKind::kernel);
  EXPECT_EQ(model::parse_boot_image_name("rhcos-412.86.202212081411-0-live-kernel-s390x")
                ->openshift_version,
            "4.12");
  EXPECT_EQ(model::parse_boot_image_name("rhcos-416.94.1-0-live-initramfs.x86_64.img")->kind,
            model::BootImageKind::initramfs);
  EXPECT_EQ(model::parse_boot_image_name("rhcos-416.94.1-0-live-rootfs.s390x.img")->kind,
            model::BootImageKind::rootfs);
  for (const std::string_view bad : {"rhcos-live.s390x.iso",                // no version
                                     "rhcos-416.94.1-live.s390x.iso",       // no build number
                                     "rhcos-416.94.1-0-live.s390.iso",      // no such arch
                                     "rhcos-416.94.1-0-live.s390x.iso.sig", // not the image
                                     "fedora-416.94.1-0-live.s390x.iso",
                                     "rhcos-4x6.94.1-0-live.s390x.iso",
                                     "rhcos-6.94.1-0-live.s390x.iso", // no minor
                                     "rhcos-../1.2-0-live.s390x.iso",
                                     "rhcos-416.94.1-0-live-rootfs.s390x.iso"}) {
    EXPECT_FALSE(model::parse_boot_image_name(bad)) << bad;
  }
}

} // namespace
} // namespace zbundle::bundle
