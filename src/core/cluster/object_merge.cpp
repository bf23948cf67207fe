#include "core/cluster/object_merge.hpp"

#include "core/cluster/kind_merge.hpp"
#include "core/util/bounded_parse.hpp"
#include "core/util/error.hpp"
#include "core/util/str_cat.hpp"
#include "core/util/untrusted_text.hpp"

namespace zbundle::cluster {
namespace {

using detail::Json;
using util::str_cat;

// A YAML node as JSON; every scalar a string, as our rendered manifests are.
Json to_json(const YAML::Node& node, std::string_view what) {
  if (node.IsMap()) {
    Json object = Json::object();
    for (const auto& item : node) {
      if (!item.first.IsScalar()) {
        throw Error(ErrorKind::input, str_cat(what, ": a map key is not a string"));
      }
      object[item.first.as<std::string>()] = to_json(item.second, what);
    }
    return object;
  }
  if (node.IsSequence()) {
    Json list = Json::array();
    for (const YAML::Node& item : node) {
      list.push_back(to_json(item, what));
    }
    return list;
  }
  return node.IsScalar() ? Json(node.as<std::string>()) : Json();
}

const Json* string_at(const Json& object, std::initializer_list<std::string_view> path) {
  const Json* at = &object;
  for (const std::string_view key : path) {
    if (!at->is_object()) {
      return nullptr;
    }
    const auto found = at->find(std::string(key));
    if (found == at->end()) {
      return nullptr;
    }
    at = &*found;
  }
  return at->is_string() ? at : nullptr;
}

std::string field(const Json& object, std::initializer_list<std::string_view> path) {
  const Json* value = string_at(object, path);
  return value == nullptr ? std::string() : value->get<std::string>();
}

// "ConfigMap openshift-config/site-ca", printable.
std::string object_name(const Json& object) {
  const std::string name_space = field(object, {"metadata", "namespace"});
  return util::printable(str_cat(field(object, {"kind"}),
                                 " ",
                                 name_space,
                                 name_space.empty() ? "" : "/",
                                 field(object, {"metadata", "name"})));
}

// An image content sources list: [{source: string, mirrors: [string...]}...].
bool is_source_list(const Json& list) {
  return list.is_array() && std::all_of(list.begin(), list.end(), [](const Json& entry) {
           const Json mirrors = entry.is_object() ? entry.value("mirrors", Json()) : Json();
           return string_at(entry, {"source"}) != nullptr && mirrors.is_array()
                  && std::all_of(
                      mirrors.begin(), mirrors.end(), [](const Json& m) { return m.is_string(); });
         });
}

bool is_image_list(const Json& images) {
  return images.is_array() && std::all_of(images.begin(), images.end(), [](const Json& image) {
           return string_at(image, {"openshiftVersion"}) != nullptr
                  && string_at(image, {"version"}) != nullptr
                  && string_at(image, {"url"}) != nullptr
                  && (!image.contains("cpuArchitecture")
                      || string_at(image, {"cpuArchitecture"}) != nullptr);
         });
}

bool is_string_map(const Json& data) {
  return data.is_object()
         && std::all_of(data.begin(), data.end(), [](const Json& v) { return v.is_string(); });
}

// Why one of our documents cannot be merged, or empty: the fields its kind's rule reads must
// have the types the rule expects.
std::string shape_problem(const Json& document) {
  const bool is_object = string_at(document, {"kind"}) != nullptr
                         && string_at(document, {"metadata", "name"}) != nullptr;
  if (!is_object) {
    return is_source_list(document)
               ? std::string()
               : "neither a Kubernetes object nor an image content sources list";
  }
  const std::string kind = field(document, {"kind"});
  const Json spec = document.value("spec", Json::object());
  const std::string_view list_field = detail::mirror_list_field(kind);
  if (!detail::has_merge_rule(kind)) {
    return str_cat("no merge rule for kind ", util::printable(kind));
  }
  if ((kind == "ConfigMap" || kind == "Secret")
      && !is_string_map(document.value("data", Json::object()))) {
    return "data is not a map of strings";
  }
  if (kind == "AgentServiceConfig"
      && !(spec.is_object() && is_image_list(spec.value("osImages", Json::array())))) {
    return "spec.osImages is not a list of images";
  }
  if (!list_field.empty()
      && !(spec.is_object() && is_source_list(spec.value(std::string(list_field), Json())))) {
    return str_cat("spec.", list_field, " is not a source list");
  }
  return {};
}

// Our documents, each an object with a kind we merge and a name, or one source list.
std::vector<Json> parse_ours(const artifacts::NamedText& ours) {
  std::vector<Json> documents;
  for (const YAML::Node& node : util::load_bounded_yaml(ours.text, ours.name)) {
    Json document = to_json(node, ours.name);
    if (document.is_null()) {
      continue;
    }
    if (const std::string problem = shape_problem(document); !problem.empty()) {
      throw Error(ErrorKind::input, str_cat(ours.name, ": ", problem));
    }
    documents.push_back(std::move(document));
  }
  if (documents.empty()) {
    throw Error(ErrorKind::input, str_cat(ours.name, ": no object in it"));
  }
  return documents;
}

// Our document that goes into `live`, or nullptr.
const Json* match(const std::vector<Json>& ours, const Json& live, bool by_name) {
  for (const Json& document : ours) {
    if (document.is_array()) {
      if (field(live, {"kind"}) == "HostedCluster") {
        return &document;
      }
      continue;
    }
    if (field(document, {"kind"}) == field(live, {"kind"})
        && (!by_name
            || field(document, {"metadata", "name"}) == field(live, {"metadata", "name"}))) {
      return &document;
    }
  }
  return nullptr;
}

// Merges into one live object; true when it changed.
bool merge_one(Json& live,
               const Json& ours,
               std::string_view what,
               std::vector<std::string>& changes) {
  if (!live.is_object() || string_at(live, {"kind"}) == nullptr) {
    throw Error(ErrorKind::input, str_cat(what, ": an item is not a Kubernetes object"));
  }
  const std::string name = object_name(live);
  std::vector<std::string> own;
  detail::merge_kind(live, ours, str_cat(what, ": ", name), own);
  for (const std::string& change : own) {
    changes.push_back(str_cat(name, ": ", change));
  }
  if (own.empty()) {
    return false;
  }
  // what the server keeps for itself; resourceVersion stays, so a change made meanwhile conflicts
  live.erase("status");
  if (live.contains("metadata") && live["metadata"].is_object()) {
    live["metadata"].erase("managedFields");
  }
  return true;
}

// Bounded as every outside JSON is, then parsed again keeping the cluster's key order.
Json parse_ordered(const artifacts::NamedText& file) {
  (void)util::parse_bounded_json(file.text, file.name);
  return Json::parse(file.text);
}

Json as_list(std::vector<Json> items) {
  return Json{{"apiVersion", "v1"}, {"kind", "List"}, {"items", std::move(items)}};
}

} // namespace

ObjectMerge merge_objects(const artifacts::NamedText& ours,
                          const std::optional<artifacts::NamedText>& live) {
  const std::vector<Json> documents = parse_ours(ours);
  ObjectMerge result;
  std::vector<Json> changed;
  std::vector<Json> created;
  const bool has_live = live && live->text.find_first_not_of(" \t\r\n") != std::string::npos;
  Json cluster = has_live ? parse_ordered(*live) : Json(Json::array());
  const bool is_list = !cluster.is_object() || field(cluster, {"kind"}) == "List";
  if (!is_list) {
    const Json* mine = match(documents, cluster, false);
    if (mine == nullptr) {
      throw Error(ErrorKind::input,
                  str_cat(ours.name, ": has nothing for the live ", object_name(cluster)));
    }
    if (merge_one(cluster, *mine, live->name, result.changes)) {
      result.replaced = cluster.dump(2) + "\n";
    }
    return result;
  }
  Json& items = cluster.is_object() ? cluster["items"] : cluster;
  if (!items.is_array()) {
    throw Error(ErrorKind::input, str_cat(live->name, ": a List without items"));
  }
  for (Json& item : items) {
    const Json* mine = match(documents, item, true);
    if (mine != nullptr
        && merge_one(item, *mine, has_live ? live->name : ours.name, result.changes)) {
      changed.push_back(item);
    }
  }
  for (const Json& document : documents) {
    const bool exists = std::any_of(items.begin(), items.end(), [&](const Json& item) {
      return !document.is_array() && match({document}, item, true) != nullptr;
    });
    if (!document.is_array() && !exists) {
      created.push_back(document);
      result.changes.push_back(str_cat(object_name(document), ": created"));
    }
  }
  if (!changed.empty()) {
    result.replaced = as_list(std::move(changed)).dump(2) + "\n";
  }
  if (!created.empty()) {
    result.created = as_list(std::move(created)).dump(2) + "\n";
  }
  return result;
}

} // namespace zbundle::cluster
