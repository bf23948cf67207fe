#include "core/check/openpgp_signatures.hpp"
#include "core/util/error.hpp"

#include <gtest/gtest.h>

#include <string>

namespace zbundle::check {
namespace {

const std::string k_hex(64, 'a');

model::ClusterResource resource(const std::string& text) {
  return {"ConfigMap", "mirrored-release-signatures", "test.yaml", text};
}

std::string configmap(const std::string& data, const std::string& label) {
  return "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n  labels:\n    " + label
         + ": \"\"\nbinaryData:\n" + data;
}

const std::string k_label = "release.openshift.io/verification-signatures";

TEST(OpenPgpSignatures, ReadsEveryNumberedSignatureOfALabelledConfigMap) {
  // "b25l" and "dHdv" are base64 of "one" and "two"
  const OpenPgpSignatures found = openpgp_signatures_in({resource(
      configmap("  sha256-" + k_hex + "-1: b25l\n  sha256-" + k_hex + "-2: dHdv\n", k_label))});
  ASSERT_EQ(found.size(), 1U);
  EXPECT_EQ(found.at("sha256:" + k_hex), (std::vector<std::string>{"one", "two"}));
}

TEST(OpenPgpSignatures, ReadsTheJsonOfAVersion1Archive) {
  const std::string json = R"({"kind":"ConfigMap","apiVersion":"v1","metadata":{"name":"sha256-x",)"
                           R"("labels":{")"
                           + k_label + R"(":""}},"binaryData":{"sha256-)" + k_hex
                           + R"(-1":"b25l"}})";
  EXPECT_EQ(openpgp_signatures_in({resource(json)}).at("sha256:" + k_hex).at(0), "one");
}

TEST(OpenPgpSignatures, LeavesOtherConfigMapsAndKindsAlone) {
  EXPECT_TRUE(openpgp_signatures_in({resource(configmap("  anything: b25l\n", "app"))}).empty());
  model::ClusterResource service = resource("kind: UpdateService\nbinaryData: 3\n");
  service.kind = "UpdateService";
  EXPECT_TRUE(openpgp_signatures_in({service}).empty());
}

TEST(OpenPgpSignatures, RefusesNamesAndValuesOutsideTheGrammar) {
  for (const std::string& data : {"  sha256-" + k_hex + ": b25l\n",
                                  "  sha256-" + k_hex + "-01: b25l\n",
                                  "  sha256-" + k_hex.substr(1) + "A-1: b25l\n",
                                  "  ../sha256-" + k_hex + "-1: b25l\n",
                                  "  sha256-" + k_hex + "-1: '!!'\n",
                                  "  sha256-" + k_hex + "-1: ''\n",
                                  "  sha256-" + k_hex + "-1: [b25l]\n"}) {
    try {
      (void)openpgp_signatures_in({resource(configmap(data, k_label))});
      ADD_FAILURE() << "accepted " << data;
    } catch (const Error& error) {
      EXPECT_EQ(error.kind(), ErrorKind::input) << data;
      EXPECT_EQ(std::string(error.what()).rfind("test.yaml: binaryData", 0), 0U) << error.what();
    }
  }
}

TEST(OpenPgpSignatures, JudgesMissingAndUnverifiedWithoutRunningGpgv) {
  const auto missing = judge_openpgp_signatures("r:t", "sha256:" + k_hex, nullptr, "k.gpg");
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->kind, model::ProblemKind::missing_signature);
  const std::vector<std::string> present{"bytes"};
  const auto unverified = judge_openpgp_signatures("r:t", "sha256:" + k_hex, &present, {});
  ASSERT_TRUE(unverified);
  EXPECT_EQ(unverified->kind, model::ProblemKind::unverified_signature);
  EXPECT_EQ(unverified->subject, "r:t -> release signature");
}

} // namespace
} // namespace zbundle::check
