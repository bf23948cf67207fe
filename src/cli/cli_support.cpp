#include "cli_support.hpp"

#include "commit.hpp"
#include "core/ics/mirror_name.hpp"
#include "core/ics/mirror_scope.hpp"
#include "core/util/atomic_file.hpp"
#include "core/util/error.hpp"
#include "core/util/str_cat.hpp"
#include "core/util/text_file.hpp"
#include "core/util/versions.hpp"

#include <unistd.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <chrono>
#include <cstdlib>
#include <iostream>
#include <sstream>

namespace zbundle::cli {

namespace po = boost::program_options;
using util::str_cat;

int run_guarded(std::string_view program, const std::function<int()>& body) {
  try {
    return body();
  } catch (const Error& error) {
    std::cerr << program << ": error: " << error.what() << '\n';
    return exit_code_for(error.kind());
  } catch (const std::exception& error) {
    // Not one of ours: a bug or resource exhaustion. Still one line and a non-zero exit.
    std::cerr << program << ": error: internal: " << error.what() << '\n';
    return exit_code_for(ErrorKind::io);
  }
}

po::variables_map parse_options(const std::vector<std::string>& args,
                                const po::options_description& options,
                                const po::positional_options_description& positional) {
  po::variables_map values;
  try {
    po::store(po::command_line_parser(args).options(options).positional(positional).run(), values);
    po::notify(values);
  } catch (const po::error& error) {
    throw Error(ErrorKind::usage, error.what());
  }
  return values;
}

nlohmann::ordered_json problems_json(const std::vector<model::Problem>& problems) {
  nlohmann::ordered_json list = nlohmann::ordered_json::array();
  for (const model::Problem& problem : problems) {
    list.push_back({{"kind", model::problem_kind_name(problem.kind)},
                    {"path", problem.subject},
                    {"detail", problem.detail},
                    {"expected", problem.expected},
                    {"actual", problem.actual}});
  }
  return list;
}

std::string version_line(std::string_view program) {
  return util::str_cat(program, ' ', ZBUNDLE_VERSION, " (commit ", ZBUNDLE_COMMIT, ')');
}

void print_version(std::string_view program) {
  std::cout << version_line(program) << '\n'
            << "linked with " << util::linked_library_versions() << '\n';
}

void write_output(const std::string& path, std::string_view text) {
  if (path.empty() || path == "-") {
    std::cout << text;
    std::cout.flush();
    if (!std::cout) {
      throw Error(ErrorKind::io, "stdout: cannot write");
    }
    return;
  }
  util::AtomicFile file(path, 0644);
  file.write(text);
  file.commit();
}

std::int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

bool wants_help(const std::vector<std::string>& args, const po::options_description& options) {
  if (std::find(args.begin(), args.end(), "--help") != args.end()
      || std::find(args.begin(), args.end(), "-h") != args.end()) {
    std::cout << options;
    return true;
  }
  return false;
}

std::string environment_value(const char* name) {
  const char* value = std::getenv(name); // NOLINT(concurrency-mt-unsafe): read before threads start
  return value != nullptr ? std::string(value) : std::string();
}

void add_passphrase_options(po::options_description& options) {
  options.add_options()("passphrase-file",
                        po::value<std::string>(),
                        "read the key file's passphrase from this file (first line)")(
      "passphrase-env",
      po::value<std::string>(),
      "read the key file's passphrase from this environment variable");
}

std::string read_secret(const po::variables_map& values, const std::string& name) {
  constexpr std::size_t k_secret_limit = 4096;
  if (const std::string file = util::str_cat(name, "-file"); values.count(file)) {
    const std::string text = util::read_text_file(values[file].as<std::string>(), k_secret_limit);
    return text.substr(0, text.find_first_of("\r\n"));
  }
  if (const std::string env = util::str_cat(name, "-env"); values.count(env)) {
    const std::string variable = values[env].as<std::string>();
    const char* value = std::getenv(variable.c_str());
    if (value == nullptr) {
      throw Error(ErrorKind::usage, util::str_cat("--", env, " ", variable, ": not set"));
    }
    return value;
  }
  return {};
}

std::vector<std::string> split_commas(const std::string& text) {
  std::vector<std::string> parts;
  std::istringstream stream(text);
  for (std::string part; std::getline(stream, part, ',');) {
    if (!part.empty()) {
      parts.push_back(part);
    }
  }
  return parts;
}

void add_max_nested_paths_option(po::options_description& options) {
  options.add_options()("max-nested-paths",
                        po::value<unsigned>()->default_value(0),
                        "as oc-mirror's flag, for a registry that limits path depth: repository "
                        "paths below the mirror keep N-1 components and join the rest with '-'; "
                        "repository scope");
}

unsigned max_nested_paths(const po::variables_map& values) {
  const unsigned limit = values["max-nested-paths"].as<unsigned>();
  if (limit > ics::k_max_nested_paths) {
    throw Error(ErrorKind::usage,
                str_cat("--max-nested-paths ", limit, ": at most ", ics::k_max_nested_paths));
  }
  return limit;
}

void add_architecture_options(po::options_description& options) {
  options.add_options()("arch",
                        po::value<std::string>()->default_value("s390x"),
                        "the nodes' platforms every tagged image must carry, e.g. s390x or "
                        "s390x,amd64 (none: not checked)")(
      "management-arch",
      po::value<std::string>()->default_value("amd64"),
      "the management cluster's platform, which release images must carry too, since a hosted "
      "control plane runs there (none: no separate management cluster)");
}

oci::ArchitectureRule architecture_rule(const po::variables_map& values) {
  const auto platforms = [&values](const char* option) {
    const std::string text = values[option].as<std::string>();
    return text == "none" ? std::vector<std::string>{} : split_commas(text);
  };
  return {platforms("arch"), platforms("management-arch"), std::string(ics::k_release_images_path)};
}

void add_release_key_option(po::options_description& options) {
  options.add_options()("release-key",
                        po::value<std::vector<std::string>>()->composing(),
                        "a public key (PEM, ECDSA P-256 or Ed25519) the release images' sigstore "
                        "signatures must verify with (repeatable)")(
      "release-keyring",
      po::value<std::string>(),
      "an OpenPGP keyring (gpg --export) the release images' OpenPGP release signatures must "
      "verify with, through gpgv");
}

std::filesystem::path release_keyring(const po::variables_map& values) {
  if (!values.count("release-keyring")) {
    return {};
  }
  std::filesystem::path path = values["release-keyring"].as<std::string>();
  std::error_code error;
  if (!std::filesystem::is_regular_file(path, error) || ::access(path.c_str(), R_OK) != 0) {
    throw Error(ErrorKind::input,
                str_cat(path.string(), ": --release-keyring: not a readable file"));
  }
  return path;
}

std::vector<pki::VerifyingKey> release_keys(const po::variables_map& values) {
  std::vector<pki::VerifyingKey> keys;
  if (values.count("release-key")) {
    for (const std::string& path : values["release-key"].as<std::vector<std::string>>()) {
      keys.emplace_back(std::filesystem::path(path));
    }
  }
  return keys;
}

Progress::Progress()
    : m_is_shown(::isatty(STDERR_FILENO) == 1), m_start(std::chrono::steady_clock::now()) {}

void Progress::operator()(std::uint64_t done, std::uint64_t total) {
  const auto elapsed = std::chrono::steady_clock::now() - m_start;
  if (!m_is_shown || elapsed - m_last_shown < std::chrono::milliseconds(250)) {
    return;
  }
  m_last_shown = elapsed;
  const double seconds = std::chrono::duration<double>(elapsed).count();
  const double rate = seconds > 0 ? static_cast<double>(done) / seconds : 0;
  const auto eta = rate > 0 && total > done
                       ? static_cast<std::uint64_t>(static_cast<double>(total - done) / rate)
                       : 0;
  std::cerr << "\r  " << human_bytes(done) << " / " << human_bytes(total) << ", "
            << static_cast<std::uint64_t>(rate / 1e6) << " MB/s, ETA " << eta << " s   "
            << std::flush;
}

Progress::~Progress() {
  if (m_is_shown) {
    std::cerr << "\r\033[K" << std::flush;
  }
}

} // namespace zbundle::cli
