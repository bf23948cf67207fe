#include "readiness_command.hpp"

#include "cli_support.hpp"
#include "core/check/digest_verifier.hpp"
#include "core/util/error.hpp"
#include "core/util/str_cat.hpp"
#include "core/util/untrusted_text.hpp"

#include <nlohmann/json.hpp>

#include <iostream>

namespace zbundle::cli {
namespace {

namespace po = boost::program_options;
using util::str_cat;

std::string joined(const std::vector<std::string>& parts) {
  std::string text;
  for (const std::string& part : parts) {
    text += str_cat(text.empty() ? "" : ",", part);
  }
  return text;
}

nlohmann::ordered_json readiness_json(const check::DigestReport& report) {
  nlohmann::ordered_json images = nlohmann::ordered_json::array();
  for (const check::ImageStatus& image : report.images) {
    images.push_back(
        {{"category", image.category},
         {"source", image.source},
         {"location", image.location},
         {"present", image.is_present},
         {"digest", image.digest},
         {"platforms", image.platforms},
         {"signature",
          image.signature.empty() ? nlohmann::ordered_json(nullptr)
                                  : nlohmann::ordered_json(image.signature)},
         {"release_signature",
          image.release_signature.empty() ? nlohmann::ordered_json(nullptr)
                                          : nlohmann::ordered_json(image.release_signature)}});
  }
  nlohmann::ordered_json problems = problems_json(report.problems);
  return {{"ready", report.problems.empty()},
          {"images", std::move(images)},
          {"problems", std::move(problems)}};
}

void print_readiness(const check::DigestReport& report) {
  std::cout << (report.problems.empty()
                    ? std::string("readiness: ready")
                    : str_cat("readiness: NOT READY, ", report.problems.size(), " problems"))
            << '\n';
  for (const check::ImageStatus& image : report.images) {
    // the sources and locations come from the run's ImageSetConfiguration: printable only
    std::cout << "  " << image.category << ' ' << util::printable(image.source) << '\n'
              << "    at " << util::printable(image.location) << ": "
              << (image.is_present
                      ? str_cat("present, ",
                                image.platforms.empty() ? "platforms unknown"
                                                        : util::printable(joined(image.platforms)))
                      : std::string("MISSING"))
              << (image.signature.empty() ? "" : str_cat(", signature ", image.signature))
              << (image.release_signature.empty()
                      ? ""
                      : str_cat(", release signature ", image.release_signature))
              << '\n';
  }
  for (const model::Problem& problem : report.problems) {
    std::cout << "  " << model::problem_kind_name(problem.kind) << ": " << model::to_text(problem)
              << '\n';
  }
}

} // namespace

void add_readiness_options(po::options_description& options) {
  options.add_options()("readiness",
                        "report per release, catalog and image what the cluster will find; exit "
                        "1 when create's seal gate would refuse");
  add_architecture_options(options);
  add_release_key_option(options);
}

int run_readiness(const std::vector<std::filesystem::path>& inputs,
                  const po::variables_map& values) {
  const std::vector<pki::VerifyingKey> keys = release_keys(values);
  check::DigestOptions options;
  options.architectures = architecture_rule(values);
  options.with_image_statuses = true;
  options.release_keyring = release_keyring(values);
  for (const pki::VerifyingKey& key : keys) {
    options.release_keys.push_back(&key);
  }
  const check::DigestReport report = check::verify_digests(inputs, options);
  if (values.count("json")) {
    std::cout << readiness_json(report).dump(2) << '\n';
  } else {
    print_readiness(report);
  }
  if (!report.problems.empty()) {
    throw Error(ErrorKind::check, str_cat("readiness: ", report.problems.size(), " problems"));
  }
  return 0;
}

} // namespace zbundle::cli
