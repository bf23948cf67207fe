#include "core/util/bounded_parse.hpp"

#include "core/util/error.hpp"
#include "core/util/str_cat.hpp"

#include <yaml-cpp/eventhandler.h>

#include <sstream>
#include <string>

namespace zbundle::util {
namespace {

[[noreturn]] void refuse(std::string_view what, std::string_view why) {
  throw Error(ErrorKind::input, str_cat(what, ": ", why));
}

void check_size(std::string_view text, std::string_view what, const ParseBounds& bounds) {
  if (text.size() > bounds.max_bytes) {
    refuse(what, str_cat("larger than ", bounds.max_bytes, " bytes"));
  }
}

// Counts the nodes a walk or an emitter visits, an alias as often as it is used, and stops at
// the first bound passed: a bomb of nested anchors is refused after max_nodes visits.
class YamlBudget {
public:
  YamlBudget(std::string_view what, const ParseBounds& bounds) : m_what(what), m_bounds(bounds) {}

  void visit(const YAML::Node& node, int depth) {
    if (++m_nodes > m_bounds.max_nodes) {
      refuse(m_what,
             str_cat("more than ", m_bounds.max_nodes, " YAML nodes once aliases are expanded"));
    }
    if (depth > m_bounds.max_depth) {
      refuse(m_what, str_cat("YAML nested deeper than ", m_bounds.max_depth, " levels"));
    }
    if (node.IsMap()) {
      for (const auto& item : node) {
        visit(item.first, depth + 1);
        visit(item.second, depth + 1);
      }
    } else if (node.IsSequence()) {
      for (const auto& item : node) {
        visit(item, depth + 1);
      }
    }
  }

private:
  std::string_view m_what;
  const ParseBounds& m_bounds;
  std::size_t m_nodes = 0;
};

// yaml-cpp 0.7 answers a token that cannot begin a node at the top of a document (a ',' after
// a root collection, or alone) with an empty document that does not consume it, so LoadAll
// appends empty documents until memory runs out (tests/fuzz/regressions/mirror_sets). A pass
// over the events first stops where a document begins where the previous one began.
class DocumentProgress final : public YAML::EventHandler {
public:
  explicit DocumentProgress(std::string_view what) : m_what(what) {}

  void OnDocumentStart(const YAML::Mark& mark) override {
    if (m_documents++ > 0 && mark.pos == m_last_start) {
      refuse(m_what,
             str_cat(mark.line + 1,
                     ": malformed YAML: a token no node can begin with (a ',' outside any "
                     "[ ] or { } collection?)"));
    }
    m_last_start = mark.pos;
  }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
  void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
  void
  OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t, const std::string&) override {}
  void OnSequenceStart(const YAML::Mark&,
                       const std::string&,
                       YAML::anchor_t,
                       YAML::EmitterStyle::value) override {}
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark&,
                  const std::string&,
                  YAML::anchor_t,
                  YAML::EmitterStyle::value) override {}
  void OnMapEnd() override {}

private:
  std::string_view m_what;
  std::size_t m_documents = 0;
  int m_last_start = -1;
};

} // namespace

std::string json_text(const nlohmann::json& object, std::string_view key, std::string_view what) {
  if (!object.is_object()) {
    return {};
  }
  const auto found = object.find(key);
  if (found == object.end() || found->is_null()) {
    return {};
  }
  if (!found->is_string()) {
    refuse(what, str_cat(key, " is not a string"));
  }
  return found->get<std::string>();
}

nlohmann::json
parse_bounded_json(std::string_view text, std::string_view what, const ParseBounds& bounds) {
  check_size(text, what, bounds);
  // The parser itself keeps its own stack; refusing depth here keeps every later copy,
  // comparison and dump of the tree (all recursive) within bounds.
  const auto depth_check = [&](int depth, nlohmann::json::parse_event_t event, nlohmann::json&) {
    if ((event == nlohmann::json::parse_event_t::object_start
         || event == nlohmann::json::parse_event_t::array_start)
        && depth >= bounds.max_depth) {
      refuse(what, str_cat("JSON nested deeper than ", bounds.max_depth, " levels"));
    }
    return true;
  };
  nlohmann::json document = nlohmann::json::parse(text, depth_check, false);
  if (document.is_discarded()) {
    refuse(what, "malformed JSON");
  }
  return document;
}

std::vector<YAML::Node>
load_bounded_yaml(std::string_view text, std::string_view what, const ParseBounds& bounds) {
  check_size(text, what, bounds);
  std::vector<YAML::Node> documents;
  try {
    std::istringstream stream{std::string(text)};
    YAML::Parser parser(stream);
    DocumentProgress progress(what);
    while (parser.HandleNextDocument(progress)) {
    }
    documents = YAML::LoadAll(std::string(text));
  } catch (const YAML::Exception& error) {
    throw Error(ErrorKind::input,
                str_cat(what, ":", error.mark.line + 1, ": malformed YAML: ", error.msg));
  }
  YamlBudget budget(what, bounds);
  for (const YAML::Node& document : documents) {
    budget.visit(document, 0);
  }
  return documents;
}

} // namespace zbundle::util
