// zbundle-extract receipt: what the site's registry holds below a namespace, signed with the
// bastion's key, for `zbundle create --receipt` on the connected side (docs/day-2.md).

#include "bundle_commands.hpp"
#include "cli_support.hpp"
#include "core/extract/tree_registry.hpp"
#include "core/pki/signing_key.hpp"
#include "core/receipt/receipt.hpp"
#include "core/registry/registry_auth.hpp"
#include "core/registry/registry_client.hpp"
#include "core/registry/take_receipt.hpp"
#include "core/util/error.hpp"
#include "core/util/free_space.hpp"
#include "core/util/text_file.hpp"
#include "push_command.hpp"

#include <iostream>

namespace zbundle::cli {

namespace fs = std::filesystem;
namespace po = boost::program_options;

int run_receipt(const std::vector<std::string>& args) {
  po::options_description options(
      "zbundle-extract receipt --to HOST[:PORT][/NAMESPACE] [--from DIR] --sign-key BASTION.key "
      "-o RECEIPT.json [--ca CA.pem] [--authfile FILE]\n"
      "Lists the repositories, tags, manifests and blobs the registry holds below the "
      "namespace (each blob confirmed by the registry) and the bundles pushed there, signed "
      "with the bastion's key; with --from, those of an expanded tree served as --to names");
  options.add_options()("to", po::value<std::string>(), "the registry and namespace to list")(
      "from",
      po::value<std::string>(),
      "an expanded tree (expand --to DIR) to list instead, no registry asked; --to names where "
      "it is served")(
      "sign-key", po::value<std::string>(), "the bastion's private key (PEM), which signs it")(
      "output,o", po::value<std::string>(), "where the receipt goes")(
      "state-dir",
      po::value<std::string>(),
      "where push recorded its bundles (default: $ZBUNDLE_STATE_DIR, else /var/lib/zbundle)")(
      "no-space-check", "write even when the receipt may not fit (a full disk still fails clean)")(
      "help,h", "show this help");
  add_passphrase_options(options);
  add_registry_access_options(options);
  if (wants_help(args, options)) {
    return 0;
  }
  const po::variables_map values = parse_options(args, options, {});
  if (!values.count("to") || !values.count("sign-key") || !values.count("output")) {
    throw Error(ErrorKind::usage,
                "receipt: --to HOST[:PORT][/NAMESPACE], --sign-key KEY and -o RECEIPT.json are "
                "required");
  }
  // The key first: a wrong passphrase is said before the registry is walked.
  const pki::SigningKey key(values["sign-key"].as<std::string>(),
                            read_secret(values, "passphrase"));
  const ics::MirrorName target = ics::parse_mirror_name(values["to"].as<std::string>());
  const fs::path state_dir = state_dir_from(values, "/var/lib/zbundle");
  receipt::Receipt taken;
  if (values.count("from")) {
    taken =
        extract::take_tree_receipt(values["from"].as<std::string>(), target, state_dir, unix_now());
  } else {
    registry::TakeOptions take;
    take.target = target;
    RegistryLogin login = registry_login(registry_access_from(values, take.target), take.target);
    take.endpoint = std::move(login.endpoint);
    take.basic_auth = std::move(login.basic_auth);
    take.state_dir = state_dir;
    take.now = unix_now();
    taken = registry::take_receipt(take);
  }
  const std::string document = receipt::write_receipt(taken, key);
  const std::string output = values["output"].as<std::string>();
  if (values.count("no-space-check") == 0 && output != "-") {
    // Its size is known once the registry was walked; the file system block it may round up
    // to is the margin.
    constexpr std::uint64_t k_block_margin = std::uint64_t{64} << 10;
    const fs::path directory = fs::path(output).parent_path();
    util::require_free_space(directory.empty() ? fs::path(".") : directory,
                             document.size() + k_block_margin,
                             "the receipt");
  }
  write_output(output, document);
  std::cout << "receipt of " << target.location() << ": " << taken.inventory.repositories.size()
            << " repositories, " << taken.inventory.manifests << " manifests, "
            << taken.inventory.blobs << " blobs confirmed; " << taken.bundles.size()
            << " bundles recorded; signed by key " << key.key_id() << '\n';
  return 0;
}

} // namespace zbundle::cli
