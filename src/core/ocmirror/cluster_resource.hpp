#pragma once

// The objects of oc-mirror's cluster-resources files, read as objects: a file that should hold
// one CatalogSource, ClusterCatalog, signature ConfigMap or UpdateService holds exactly one
// document of that kind, or it is refused. What reaches the cluster is emitted again from the
// parsed object, never copied as text, so a second document appended to a file (a
// ClusterRoleBinding, say) cannot ride along into `oc apply`.

#include <yaml-cpp/yaml.h>

#include <initializer_list>
#include <string>
#include <string_view>

namespace zbundle::ocmirror {

// The one document of `text` (YAML or JSON), parsed within bounds, a mapping whose `kind` is
// one of `kinds`. Throws Error{input} naming `where` and what is wrong.
[[nodiscard]] YAML::Node parse_single_resource(std::string_view text,
                                               std::string_view where,
                                               std::initializer_list<std::string_view> kinds);

// `node` as YAML, scalars that were quoted quoted again: yaml-cpp would otherwise drop the
// quotes oc-mirror put around a value such as createdAt, which YAML 1.1 readers then take for
// a timestamp instead of the string an annotation must be.
[[nodiscard]] std::string emit_resource(const YAML::Node& node);

} // namespace zbundle::ocmirror
