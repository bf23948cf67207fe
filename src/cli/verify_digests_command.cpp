#include "verify_digests_command.hpp"

#include "cli_support.hpp"
#include "core/check/digest_verifier.hpp"
#include "core/util/error.hpp"
#include "core/util/str_cat.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <iostream>

namespace zbundle::cli {
namespace {

namespace po = boost::program_options;
using util::str_cat;

constexpr std::size_t k_problems_shown = 20;

} // namespace

int run_verify_digests(const std::vector<std::string>& args) {
  po::options_description options("zbundle verify-digests SRC... [options]");
  options.add_options()("source",
                        po::value<std::vector<std::string>>()->composing(),
                        "mirrors to verify")("base",
                                             po::value<std::vector<std::string>>()->composing(),
                                             "earlier runs the bastion already has (repeatable)")(
      "jobs", po::value<unsigned>()->default_value(0), "hashing threads (0: one per core)")(
      "json", "print the report as JSON")("help,h", "show this help");
  add_architecture_options(options);
  po::positional_options_description positional;
  positional.add("source", -1);
  if (wants_help(args, options)) {
    return 0;
  }
  const po::variables_map values = parse_options(args, options, positional);
  std::vector<std::filesystem::path> inputs;
  if (values.count("source")) {
    for (const std::string& source : values["source"].as<std::vector<std::string>>()) {
      inputs.emplace_back(source);
    }
  }
  check::DigestOptions digest_options;
  digest_options.architectures = architecture_rule(values);
  if (values.count("base")) {
    for (const std::string& base : values["base"].as<std::vector<std::string>>()) {
      digest_options.base.emplace_back(base);
    }
  }
  digest_options.jobs = values["jobs"].as<unsigned>();
  const auto started = std::chrono::steady_clock::now();
  const check::DigestReport report = check::verify_digests(inputs, digest_options);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  const double megabytes_per_second =
      seconds > 0 ? static_cast<double>(report.blob_bytes) / 1e6 / seconds : 0;
  if (values.count("json")) {
    nlohmann::ordered_json problems = problems_json(report.problems);
    const nlohmann::ordered_json document = {{"blobs", report.blob_count},
                                             {"bytes", report.blob_bytes},
                                             {"manifests", report.manifest_count},
                                             {"tags", report.tag_count},
                                             {"images", report.image_count},
                                             {"signatures", report.signature_count},
                                             {"seconds", seconds},
                                             {"problems", std::move(problems)}};
    std::cout << document.dump(2) << '\n';
  } else {
    std::cout << report.blob_count << " blobs (" << human_bytes(report.blob_bytes) << "), "
              << report.manifest_count << " manifests, " << report.tag_count << " tags ("
              << report.signature_count << " signatures), " << report.image_count
              << " images of the run verified in " << seconds << " s ("
              << static_cast<std::uint64_t>(megabytes_per_second) << " MB/s); "
              << report.problems.size() << " problems\n";
    for (std::size_t i = 0; i < report.problems.size() && i < k_problems_shown; ++i) {
      const model::Problem& problem = report.problems[i];
      std::cout << "  " << model::problem_kind_name(problem.kind) << ": " << model::to_text(problem)
                << '\n';
    }
    if (report.problems.size() > k_problems_shown) {
      std::cout << "  ... and " << report.problems.size() - k_problems_shown
                << " more (see --json)\n";
    }
  }
  if (!report.problems.empty()) {
    throw Error(ErrorKind::check,
                str_cat("verify-digests: ", report.problems.size(), " problems found"));
  }
  return 0;
}

} // namespace zbundle::cli
