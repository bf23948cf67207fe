#pragma once

// What both CLIs share: option parsing that reports usage errors as zbundle::Error, the
// error-to-exit-code mapping, and output to stdout or a file.

#include "core/model/problem.hpp"
#include "core/oci/reference_graph.hpp"
#include "core/pki/signing_key.hpp"
#include "core/util/human_bytes.hpp"

#include <boost/program_options.hpp>
#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace zbundle::cli {

// Runs `body` and returns its exit status; a zbundle::Error prints
// "<program>: error: <message>" on stderr and returns 1 (check) or 2 (everything else).
[[nodiscard]] int run_guarded(std::string_view program, const std::function<int()>& body);

// Parses a subcommand's arguments. Throws Error{usage} for unknown or malformed options.
[[nodiscard]] boost::program_options::variables_map
parse_options(const std::vector<std::string>& args,
              const boost::program_options::options_description& options,
              const boost::program_options::positional_options_description& positional);

// Problems as --json gives them, for every command: kind, path, detail, expected and actual
// (the last two empty unless the problem is a comparison).
[[nodiscard]] nlohmann::ordered_json problems_json(const std::vector<model::Problem>& problems);

// "<program> <version> (commit <sha>)".
[[nodiscard]] std::string version_line(std::string_view program);
// That line and the libraries linked, for --version.
void print_version(std::string_view program);

// Writes `text` to `path` atomically, or to stdout when `path` is empty or "-".
void write_output(const std::string& path, std::string_view text);

// Prints `options` and returns true when `args` ask for --help or -h.
[[nodiscard]] bool wants_help(const std::vector<std::string>& args,
                              const boost::program_options::options_description& options);

// The environment variable `name`, empty when it is unset. The core never reads the
// environment: the CLIs look values up here and pass them in.
[[nodiscard]] std::string environment_value(const char* name);

// --passphrase-file and --passphrase-env, for a PEM key file's passphrase (read_secret).
void add_passphrase_options(boost::program_options::options_description& options);

// A secret from --NAME-file (its first line) or --NAME-env (the variable's value), else empty;
// never from the command line, which ps and shell history show. Throws Error{usage} for an
// unset variable.
[[nodiscard]] std::string read_secret(const boost::program_options::variables_map& values,
                                      const std::string& name);

// "s390x,amd64" -> {"s390x", "amd64"}; empty parts dropped.
[[nodiscard]] std::vector<std::string> split_commas(const std::string& text);

// --max-nested-paths N as oc-mirror's flag: added to `options`, and read (0 when not given).
// Throws Error{usage} above ics::k_max_nested_paths.
void add_max_nested_paths_option(boost::program_options::options_description& options);
[[nodiscard]] unsigned max_nested_paths(const boost::program_options::variables_map& values);

// --arch (default s390x) and --management-arch (default amd64, or none), as create and
// verify-digests take them: the platforms every image and every release image must carry.
void add_architecture_options(boost::program_options::options_description& options);
[[nodiscard]] oci::ArchitectureRule
architecture_rule(const boost::program_options::variables_map& values);

// --release-key PUB.pem (repeatable), and the keys it names. Throws Error{input} for a file
// that is not a usable public key.
void add_release_key_option(boost::program_options::options_description& options);
[[nodiscard]] std::vector<pki::VerifyingKey>
release_keys(const boost::program_options::variables_map& values);
// --release-keyring, checked to be a readable file; empty when not given.
[[nodiscard]] std::filesystem::path
release_keyring(const boost::program_options::variables_map& values);

// Seconds since the epoch, now.
[[nodiscard]] std::int64_t unix_now();

using util::human_bytes; // "1.5 MiB" style size for people

// A progress line on stderr when it is a terminal (bytes, MB/s, ETA), at most four times a
// second; nothing otherwise. Cleared when it goes.
class Progress {
public:
  Progress();
  void operator()(std::uint64_t done, std::uint64_t total);
  ~Progress();
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

private:
  bool m_is_shown;
  std::chrono::steady_clock::time_point m_start;
  std::chrono::steady_clock::duration m_last_shown{};
};

} // namespace zbundle::cli
