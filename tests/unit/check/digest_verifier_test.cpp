#include "core/check/digest_verifier.hpp"
#include "core/util/sha256.hpp"
#include "core/util/str_cat.hpp"
#include "test_support.hpp"

#include <algorithm>

namespace zbundle::check {
namespace {

using test::TarBuilder;
using test::TempDir;

using test::blob_path;
using test::Image;
using test::sha256;
using test::tag_path;

std::vector<std::string> kinds(const DigestReport& report) {
  std::vector<std::string> names;
  for (const model::Problem& problem : report.problems) {
    names.emplace_back(model::problem_kind_name(problem.kind));
  }
  return names;
}

TEST(VerifyDigests, CleanMirrorHasNoProblems) {
  const TempDir dir;
  const Image image;
  TarBuilder(dir / "mirror_000001.tar")
      .file(tag_path("ubi9/ubi", "9"), sha256(image.manifest()))
      .file(blob_path(sha256(image.manifest())), image.manifest())
      .file(blob_path(sha256(image.config)), image.config)
      .file(blob_path(sha256(image.layer)), image.layer)
      .close();
  const DigestReport report =
      verify_digests({dir / "mirror_000001.tar"}, {.architectures = {{"s390x"}, {}}});
  EXPECT_TRUE(report.problems.empty()) << report.problems.at(0).subject;
  EXPECT_EQ(report.blob_count, 3U);
  EXPECT_EQ(report.tag_count, 1U);
}

// An ImageSetConfiguration that renames its catalog (targetCatalog, targetTag) and an
// additional image (targetRepo): each is looked for where oc-mirror put it, so a run that holds
// them there is clean, and one that holds them under their source names is not.
TEST(VerifyDigests, RenamedImagesAreLookedForWhereTheRunPutThem) {
  const TempDir dir;
  const Image image;
  const std::string isc = R"(kind: ImageSetConfiguration
apiVersion: mirror.openshift.io/v2alpha1
mirror:
  operators:
  - catalog: registry.redhat.io/redhat/redhat-operator-index:v4.16
    targetCatalog: my/ns/custom-index
    targetTag: v16
  additionalImages:
  - name: registry.redhat.io/ubi9/ubi:9
    targetRepo: base/ubi
)";
  const auto write_run =
      [&](const std::filesystem::path& tar, const std::string& catalog, const std::string& ubi) {
        TarBuilder(tar)
            .file("working-dir/.history/.history-2025", "")
            .file("isc_2025-01-01T00:00:00Z", isc)
            .file(tag_path(catalog, catalog == "my/ns/custom-index" ? "v16" : "v4.16"),
                  sha256(image.manifest()))
            .file(tag_path(ubi, "9"), sha256(image.manifest()))
            .file(blob_path(sha256(image.manifest())), image.manifest())
            .file(blob_path(sha256(image.config)), image.config)
            .file(blob_path(sha256(image.layer)), image.layer)
            .close();
      };
  write_run(dir / "renamed/mirror_000001.tar", "my/ns/custom-index", "base/ubi");
  const DigestReport clean = verify_digests({dir / "renamed/mirror_000001.tar"}, {});
  EXPECT_TRUE(clean.problems.empty()) << model::to_text(clean.problems.at(0));
  EXPECT_EQ(clean.image_count, 2U);

  write_run(dir / "source-names/mirror_000001.tar", "redhat/redhat-operator-index", "ubi9/ubi");
  const DigestReport misplaced = verify_digests({dir / "source-names/mirror_000001.tar"}, {});
  std::vector<std::string> missing;
  for (const model::Problem& problem : misplaced.problems) {
    EXPECT_EQ(problem.kind, model::ProblemKind::missing_image) << model::to_text(problem);
    missing.push_back(problem.expected);
  }
  std::sort(missing.begin(), missing.end());
  EXPECT_EQ(missing, (std::vector<std::string>{"base/ubi:9", "my/ns/custom-index:v16"}));
}

TEST(VerifyDigests, EachTamperingIsReportedWithItsKindAndPath) {
  const TempDir dir;
  const Image image;
  std::string flipped = image.layer;
  flipped[100] = 'X';
  TarBuilder(dir / "mirror_000001.tar")
      .file(tag_path("ubi9/ubi", "9"), sha256(image.manifest()))
      .file(tag_path("ubi9/ubi", "gone"), test::fake_digest('e'))
      .file(tag_path("ubi9/ubi", "broken"), "sha256:nothex")
      .file(blob_path(sha256(image.manifest())), image.manifest())
      .file(blob_path(sha256(image.layer)), flipped) // flipped byte, config missing
      .close();
  const DigestReport report =
      verify_digests({dir / "mirror_000001.tar"}, {.architectures = {{"amd64"}, {}}});
  std::vector<std::string> found = kinds(report);
  std::sort(found.begin(), found.end());
  EXPECT_EQ(found,
            (std::vector<std::string>{"dangling-tag",
                                      "dangling-tag",
                                      "digest-mismatch",
                                      "missing-arch",
                                      "missing-blob",
                                      "missing-blob"}));
  const auto mismatch =
      std::find_if(report.problems.begin(), report.problems.end(), [](const model::Problem& p) {
        return p.kind == model::ProblemKind::digest_mismatch;
      });
  EXPECT_NE(mismatch->subject.find(blob_path(sha256(image.layer))), std::string::npos);
  EXPECT_EQ(mismatch->actual, sha256(flipped));
}

TEST(VerifyDigests, OciImageLayout) {
  const TempDir dir;
  const Image image;
  const auto write_blob = [&](const std::string& content) {
    test::write_file(dir / ("layout/blobs/sha256/" + sha256(content).substr(7)), content);
  };
  write_blob(image.manifest());
  write_blob(image.config);
  write_blob(image.layer);
  test::write_file(dir / "layout/oci-layout", R"({"imageLayoutVersion":"1.0.0"})");
  test::write_file(
      dir / "layout/index.json",
      R"({"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":")"
          + sha256(image.manifest()) + R"(","size":)" + std::to_string(image.manifest().size())
          + R"(,"annotations":{"org.opencontainers.image.ref.name":"latest"}}]})");
  const DigestReport clean = verify_digests({dir / "layout"}, {.architectures = {{"s390x"}, {}}});
  EXPECT_TRUE(clean.problems.empty());
  EXPECT_EQ(clean.tag_count, 1U);
  std::filesystem::remove(dir / ("layout/blobs/sha256/" + sha256(image.config).substr(7)));
  const DigestReport missing = verify_digests({dir / "layout"}, {});
  ASSERT_EQ(missing.problems.size(), 1U);
  EXPECT_EQ(missing.problems[0].subject, "layout:latest config");
}

// The size an OCI layout's index.json declares is checked too: registries and CRI-O refuse a
// manifest whose descriptor lies about it (seen in a real layout: 743 declared, 741 stored).
TEST(VerifyDigests, OciImageLayoutIndexSizeIsChecked) {
  const TempDir dir;
  const Image image;
  for (const std::string& content : {image.manifest(), image.config, image.layer}) {
    test::write_file(dir / ("layout/blobs/sha256/" + sha256(content).substr(7)), content);
  }
  test::write_file(dir / "layout/oci-layout", R"({"imageLayoutVersion":"1.0.0"})");
  test::write_file(
      dir / "layout/index.json",
      R"({"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":")"
          + sha256(image.manifest()) + R"(","size":)" + std::to_string(image.manifest().size() + 2)
          + R"(,"annotations":{"org.opencontainers.image.ref.name":"latest"}}]})");
  const DigestReport report = verify_digests({dir / "layout"}, {});
  ASSERT_EQ(report.problems.size(), 1U);
  EXPECT_EQ(report.problems[0].kind, model::ProblemKind::size_mismatch);
  EXPECT_EQ(report.problems[0].subject,
            util::str_cat("layout:latest -> ", sha256(image.manifest())));
  EXPECT_EQ(report.problems[0].expected, std::to_string(image.manifest().size() + 2));
  EXPECT_EQ(report.problems[0].actual, std::to_string(image.manifest().size()));
}

// A descriptor's mediaType must be the manifest's own, in an OCI layout's index.json and in an
// index alike: skopeo and CRI-O refuse a manifest list entry that calls a manifest an index.
TEST(VerifyDigests, DescriptorMediaTypesAreChecked) {
  const TempDir dir;
  const Image image;
  const std::string manifest = image.manifest();
  const std::string oci_manifest_type = "application/vnd.oci.image.manifest.v1+json";
  const std::string docker_type = "application/vnd.docker.distribution.manifest.v2+json";
  const auto index_naming = [&](const std::string& media_type) {
    return R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[{"mediaType":")"
           + media_type + R"(","digest":")" + sha256(manifest) + R"(","size":)"
           + std::to_string(manifest.size())
           + R"(,"platform":{"architecture":"s390x","os":"linux"}}]})";
  };
  const std::string good_index = index_naming(oci_manifest_type);
  const std::string lying_index = index_naming(docker_type);
  TarBuilder(dir / "a.tar")
      .file(tag_path("ubi9/ubi", "good"), sha256(good_index))
      .file(tag_path("ubi9/ubi", "lying"), sha256(lying_index))
      .file(blob_path(sha256(good_index)), good_index)
      .file(blob_path(sha256(lying_index)), lying_index)
      .file(blob_path(sha256(manifest)), manifest)
      .file(blob_path(sha256(image.config)), image.config)
      .file(blob_path(sha256(image.layer)), image.layer)
      .close();
  const DigestReport report = verify_digests({dir / "a.tar"}, {});
  ASSERT_EQ(report.problems.size(), 1U);
  EXPECT_EQ(report.problems[0].kind, model::ProblemKind::media_type_mismatch);
  EXPECT_EQ(report.problems[0].subject, util::str_cat("ubi9/ubi:lying -> ", sha256(manifest)));
  EXPECT_EQ(report.problems[0].expected, docker_type);
  EXPECT_EQ(report.problems[0].actual, oci_manifest_type);

  for (const std::string& content : {manifest, image.config, image.layer}) {
    test::write_file(dir / ("layout/blobs/sha256/" + sha256(content).substr(7)), content);
  }
  test::write_file(dir / "layout/oci-layout", R"({"imageLayoutVersion":"1.0.0"})");
  test::write_file(dir / "layout/index.json",
                   R"({"schemaVersion":2,"manifests":[{"mediaType":")" + docker_type
                       + R"(","digest":")" + sha256(manifest) + R"(","size":)"
                       + std::to_string(manifest.size())
                       + R"(,"annotations":{"org.opencontainers.image.ref.name":"latest"}}]})");
  EXPECT_EQ(kinds(verify_digests({dir / "layout"}, {})),
            std::vector<std::string>{"media-type-mismatch"});
}

TEST(VerifyDigests, BaseProvidesBlobsOfDifferentialRuns) {
  const TempDir dir;
  const Image image;
  TarBuilder(dir / "mirror_000001.tar")
      .file(blob_path(sha256(image.layer)), image.layer)
      .file(blob_path(sha256(image.config)), image.config)
      .close();
  std::filesystem::create_directory(dir / "second");
  TarBuilder(dir / "second/mirror_000001.tar")
      .file(tag_path("ubi9/ubi", "9"), sha256(image.manifest()))
      .file(blob_path(sha256(image.manifest())), image.manifest())
      .close();
  EXPECT_EQ(kinds(verify_digests({dir / "second"}, {})),
            (std::vector<std::string>{"missing-blob", "missing-blob"}));
  EXPECT_TRUE(
      verify_digests({dir / "second"}, {.base = {dir / "mirror_000001.tar"}}).problems.empty());
}

TEST(VerifyDigests, SizeMismatchSchema1AndTruncatedArchive) {
  const TempDir dir;
  const Image image;
  std::string manifest = image.manifest();
  manifest.replace(manifest.find(R"("size":3000)"), 11, R"("size":3001)");
  const std::string schema1 = R"({"schemaVersion":1,"name":"old"})";
  TarBuilder(dir / "a.tar")
      .file(tag_path("ubi9/ubi", "9"), sha256(manifest))
      .file(tag_path("old/image", "1"), sha256(schema1))
      .file(blob_path(sha256(manifest)), manifest)
      .file(blob_path(sha256(schema1)), schema1)
      .file(blob_path(sha256(image.config)), image.config)
      .file(blob_path(sha256(image.layer)), image.layer)
      .close();
  EXPECT_EQ(kinds(verify_digests({dir / "a.tar"}, {})),
            (std::vector<std::string>{"size-mismatch", "schema1"}));
  std::filesystem::resize_file(dir / "a.tar", 3000);
  const DigestReport truncated = verify_digests({dir / "a.tar"}, {});
  ASSERT_FALSE(truncated.problems.empty());
  EXPECT_EQ(truncated.problems.front().kind, model::ProblemKind::unreadable);
  EXPECT_NE(truncated.problems.front().subject.find("a.tar"), std::string::npos);
}

// A cosign signature is tagged sha256-<hex>.sig and carries no platform: counted as a
// signature and verified like any manifest, never reported as lacking an architecture.
TEST(VerifyDigests, CosignSignatureTagsAreTheirOwnKind) {
  const TempDir dir;
  const Image image;
  Image signature;
  signature.config = R"({"critical":{"image":{"docker-manifest-digest":"x"}}})";
  signature.layer = R"({"payload":"signed"})";
  const std::string sig_tag = "sha256-" + sha256(image.manifest()).substr(7) + ".sig";
  TarBuilder(dir / "mirror_000001.tar")
      .file(tag_path("ubi9/ubi", "9"), sha256(image.manifest()))
      .file(tag_path("ubi9/ubi", sig_tag), sha256(signature.manifest()))
      .file(blob_path(sha256(image.manifest())), image.manifest())
      .file(blob_path(sha256(image.config)), image.config)
      .file(blob_path(sha256(image.layer)), image.layer)
      .file(blob_path(sha256(signature.manifest())), signature.manifest())
      .file(blob_path(sha256(signature.config)), signature.config)
      .file(blob_path(sha256(signature.layer)), signature.layer)
      .close();
  const DigestReport report =
      verify_digests({dir / "mirror_000001.tar"}, {.architectures = {{"s390x"}, {}}});
  EXPECT_TRUE(report.problems.empty()) << report.problems.at(0).subject;
  EXPECT_EQ(report.signature_count, 1U);
  EXPECT_EQ(report.tag_count, 2U);
}

// Many blobs of mixed sizes (some spanning several hand-over chunks), one of them corrupt:
// every thread count finds the same single problem, from an archive and from a directory.
TEST(VerifyDigests, SameReportForEveryThreadCount) {
  const TempDir dir;
  std::vector<std::string> blobs;
  for (std::size_t i = 0; i < 40; ++i) {
    blobs.push_back(std::string(i % 7 == 0 ? (std::size_t{3} << 20) + i : 100 + i * 37,
                                static_cast<char>('a' + i % 26)));
  }
  {
    TarBuilder tar(dir / "mirror_000001.tar");
    for (std::size_t i = 0; i < blobs.size(); ++i) {
      std::string content = blobs[i];
      if (i == 21) {
        content[5] = '!';
      }
      tar.file(blob_path(sha256(blobs[i])), content);
      const std::filesystem::path file = dir / "tree" / blob_path(sha256(blobs[i]));
      std::filesystem::create_directories(file.parent_path());
      test::write_file(file, content);
    }
    tar.close();
  }
  for (const std::filesystem::path& input : {dir / "mirror_000001.tar", dir / "tree"}) {
    for (const unsigned jobs : {1U, 2U, 5U}) {
      DigestOptions options;
      options.jobs = jobs;
      const DigestReport report = verify_digests({input}, options);
      EXPECT_EQ(report.blob_count, blobs.size()) << input << " jobs " << jobs;
      ASSERT_EQ(kinds(report), std::vector<std::string>{"digest-mismatch"}) << input;
      EXPECT_NE(report.problems[0].subject.find(sha256(blobs[21]).substr(7)), std::string::npos);
    }
  }
}

} // namespace
} // namespace zbundle::check
