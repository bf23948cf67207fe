#include "core/registry/take_receipt.hpp"

#include "core/bundle/sequence.hpp"
#include "core/pki/certificate_file.hpp"
#include "core/registry/inventory.hpp"
#include "core/util/str_cat.hpp"

namespace zbundle::registry {

receipt::Receipt take_receipt(const TakeOptions& options) {
  RegistryClient client(options.endpoint, options.basic_auth);
  client.check_api();
  receipt::Receipt receipt;
  receipt.registry = options.target.registry();
  receipt.name_space = options.target.name_space;
  receipt.created = pki::format_time(options.now);
  // The key push records under (push.cpp): the target as --to named it.
  for (bundle::RecordedBundle& recorded : bundle::recorded_bundles(
           options.state_dir, util::str_cat("push:", options.target.location()))) {
    receipt.bundles.push_back({std::move(recorded.id), std::move(recorded.created)});
  }
  receipt.inventory = read_inventory(client, options.target.name_space);
  return receipt;
}

} // namespace zbundle::registry
