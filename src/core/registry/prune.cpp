#include "core/registry/prune.hpp"

#include "core/registry/inventory.hpp"
#include "core/registry/push_state.hpp"
#include "core/registry/registry_client.hpp"
#include "core/util/str_cat.hpp"

namespace zbundle::registry {
namespace {

class RegistryPruneTarget final : public bundle::PruneTarget {
public:
  explicit RegistryPruneTarget(const PruneOptions& options)
      : m_target(options.target), m_client(options.endpoint, options.basic_auth) {
    m_client.check_api();
  }

  [[nodiscard]] std::string name_of(const std::string& repository,
                                    const bundle::Manifest& manifest) const override {
    return detail::destination(m_target, repository, manifest.max_nested_paths); // as push did
  }
  [[nodiscard]] model::HeldRepository read(const std::string& name) override {
    return read_repository(m_client, name);
  }
  [[nodiscard]] bool remove(const std::string& name, const std::string& digest) override {
    return m_client.delete_manifest(name, digest);
  }

private:
  const ics::MirrorName& m_target;
  RegistryClient m_client;
};

} // namespace

bundle::PruneResult prune_registry(PruneOptions options) {
  options.run.target = util::str_cat("push:", options.target.location());
  options.run.audit_name = options.target.location();
  return bundle::prune(options.run, [&] { return std::make_unique<RegistryPruneTarget>(options); });
}

} // namespace zbundle::registry
