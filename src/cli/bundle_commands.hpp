#pragma once

// The bundle commands: create (zbundle, create_command.cpp), verify, list and inspect (both
// binaries, one implementation over the shared reader), and the trust and sequence options
// every reading command shares.

#include "core/bundle/bundle_reader.hpp"

#include <boost/program_options.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace zbundle::cli {

int run_create(const std::vector<std::string>& args);
int run_verify(std::string_view program, const std::vector<std::string>& args);
int run_list(std::string_view program, const std::vector<std::string>& args);
int run_bundle_inspect(std::string_view program, const std::vector<std::string>& args);

// Whether a command needs a trusted signer (verify, expand, apply, push) or may read without
// one, saying so (inspect).
enum class TrustNeed { required, optional };

// --pubkey, --trust-ca and --signer-name, and the Trust they give; throws Error{usage} when
// `need` is required and none is given, or when they conflict.
void add_trust_options(boost::program_options::options_description& options);
[[nodiscard]] bundle::Trust trust_from(const boost::program_options::variables_map& values,
                                       TrustNeed need);

// --state-dir and --allow-rollback, for the commands that keep a sequence against rollback.
void add_sequence_options(boost::program_options::options_description& options);
// The state directory: --state-dir, else $ZBUNDLE_STATE_DIR, else `fallback`.
[[nodiscard]] std::filesystem::path
state_dir_from(const boost::program_options::variables_map& values,
               const std::filesystem::path& fallback);

// Parses the arguments of a command that reads one bundle (its positional argument, "bundle"):
// adds the bundle and the trust options to `options`. nullopt after --help (printed). Throws
// Error{usage} naming `command` when no bundle is given.
[[nodiscard]] std::optional<boost::program_options::variables_map>
parse_bundle_arguments(std::string_view command,
                       const std::vector<std::string>& args,
                       boost::program_options::options_description& options);

} // namespace zbundle::cli
