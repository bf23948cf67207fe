#include "core/ocmirror/cluster_resource.hpp"

#include "core/util/bounded_parse.hpp"
#include "core/util/error.hpp"
#include "core/util/str_cat.hpp"
#include "core/util/untrusted_text.hpp"

#include <algorithm>
#include <vector>

namespace zbundle::ocmirror {
namespace {

using util::str_cat;

// The kinds' names joined for a message: "ConfigMap or UpdateService".
std::string kinds_text(std::initializer_list<std::string_view> kinds) {
  std::string text;
  for (const std::string_view kind : kinds) {
    text += str_cat(text.empty() ? "" : " or ", kind);
  }
  return text;
}

void emit_node(YAML::Emitter& out, const YAML::Node& node) {
  switch (node.Type()) {
  case YAML::NodeType::Map:
    out << YAML::BeginMap;
    for (const auto& item : node) {
      out << YAML::Key;
      emit_node(out, item.first);
      out << YAML::Value;
      emit_node(out, item.second);
    }
    out << YAML::EndMap;
    break;
  case YAML::NodeType::Sequence:
    out << YAML::BeginSeq;
    for (const auto& item : node) {
      emit_node(out, item);
    }
    out << YAML::EndSeq;
    break;
  case YAML::NodeType::Scalar:
    if (node.Tag() == "!") {
      out << YAML::DoubleQuoted;
    }
    out << node.Scalar();
    break;
  case YAML::NodeType::Null:
  case YAML::NodeType::Undefined:
    out << YAML::Null;
    break;
  }
}

} // namespace

YAML::Node parse_single_resource(std::string_view text,
                                 std::string_view where,
                                 std::initializer_list<std::string_view> kinds) {
  std::vector<YAML::Node> documents = util::load_bounded_yaml(text, where);
  std::erase_if(documents, [](const YAML::Node& document) { return document.IsNull(); });
  if (documents.size() != 1) {
    throw Error(ErrorKind::input,
                str_cat(where,
                        ": holds ",
                        documents.size(),
                        " documents, where one ",
                        kinds_text(kinds),
                        " belongs"));
  }
  const YAML::Node& document = documents.front();
  const YAML::Node kind = document.IsMap() ? document["kind"] : YAML::Node();
  const std::string name = kind && kind.IsScalar() ? kind.Scalar() : std::string();
  if (std::find(kinds.begin(), kinds.end(), name) == kinds.end()) {
    throw Error(
        ErrorKind::input,
        str_cat(where, ": not a ", kinds_text(kinds), " (kind ", util::printable(name), ")"));
  }
  return document;
}

std::string emit_resource(const YAML::Node& node) {
  YAML::Emitter out;
  emit_node(out, node);
  return std::string(out.c_str()) + "\n";
}

} // namespace zbundle::ocmirror
