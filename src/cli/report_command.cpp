#include "report_command.hpp"

#include "bundle_commands.hpp"
#include "cli_support.hpp"
#include "core/bundle/volume_reader.hpp"
#include "core/report/html_report.hpp"
#include "core/util/atomic_file.hpp"
#include "core/util/error.hpp"
#include "core/util/str_cat.hpp"

#include <iostream>

namespace zbundle::cli {
namespace {

namespace po = boost::program_options;
using util::str_cat;

report::Report gather(std::string_view program,
                      const std::vector<std::string>& sources,
                      const po::variables_map& values) {
  const std::int64_t now = unix_now();
  if (sources.size() == 1 && bundle::is_bundle(sources.front())) {
    if (values.count("ca")) {
      throw Error(ErrorKind::usage,
                  "report: --ca is for oc-mirror output: a bundle carries its CA");
    }
    return report::report_on_bundle(sources.front(), trust_from(values, TrustNeed::optional), now);
  }
  if (program != "zbundle") {
    throw Error(ErrorKind::usage,
                str_cat("report: ",
                        sources.front(),
                        ": not a bundle (zbundle-extract reports on "
                        "bundles; zbundle on oc-mirror output)"));
  }
  report::SourceOptions options;
  options.architectures = architecture_rule(values);
  options.release_keyring = release_keyring(values);
  options.now = now;
  if (values.count("ca")) {
    options.ca = values["ca"].as<std::string>();
  }
  const std::vector<pki::VerifyingKey> keys = release_keys(values);
  for (const pki::VerifyingKey& key : keys) {
    options.release_keys.push_back(&key);
  }
  return report::report_on_source({sources.begin(), sources.end()}, options);
}

} // namespace

int run_report(std::string_view program, const std::vector<std::string>& args) {
  const bool reads_sources = program == "zbundle";
  po::options_description options(
      str_cat(program,
              reads_sources ? " report SRC_OR_BUNDLE... -o REPORT.html [options]"
                            : " report B -o REPORT.html [--pubkey PUB.pem | --trust-dir DIR | "
                              "--trust-ca ROOT.pem --signer-name NAME]"));
  options.add_options()("source",
                        po::value<std::vector<std::string>>()->composing(),
                        reads_sources ? "oc-mirror output, or one bundle" : "the bundle")(
      "output,o", po::value<std::string>(), "the HTML file to write")("help,h", "show this help");
  add_trust_options(options);
  if (reads_sources) {
    options.add_options()("ca", po::value<std::string>(), "the mirror registry's CA bundle (PEM)");
    add_architecture_options(options);
    add_release_key_option(options);
  }
  po::positional_options_description positional;
  positional.add("source", -1);
  if (wants_help(args, options)) {
    return 0;
  }
  const po::variables_map values = parse_options(args, options, positional);
  if (!values.count("source") || !values.count("output")) {
    throw Error(ErrorKind::usage, "report: a source and -o REPORT.html are required");
  }
  const std::vector<std::string> sources = values["source"].as<std::vector<std::string>>();
  const report::Report gathered = gather(program, sources, values);
  const std::string html =
      report::render_html_report(gathered, {version_line(program), unix_now()});
  const std::filesystem::path output = values["output"].as<std::string>();
  util::AtomicFile file(output, 0644);
  file.write(html);
  file.commit();
  std::cout << output.string() << '\n';
  if (!gathered.problems.empty()) {
    throw Error(
        ErrorKind::check,
        str_cat(output.string(), ": written; it records ", gathered.problems.size(), " problems"));
  }
  return 0;
}

} // namespace zbundle::cli
