#include "core/ocmirror/reader.hpp"

#include "core/ics/parse_mapping.hpp"
#include "core/ics/parse_mirror_sets.hpp"
#include "core/ocmirror/entry_classifier.hpp"
#include "core/util/error.hpp"
#include "core/util/str_cat.hpp"
#include "core/util/text_file.hpp"
#include "core/walk/tree_walker.hpp"

namespace zbundle::ocmirror {
namespace {

namespace fs = std::filesystem;
using util::str_cat;

constexpr std::size_t k_text_input_limit = std::size_t{64} << 20;

void read_single_file(const InputPlan& plan, MirrorContent& out) {
  const std::string name = plan.source.path.string();
  const std::string text = util::read_text_file(plan.source.path, k_text_input_limit);
  if (plan.source.format == SourceFormat::mirror_set_file) {
    out.image_content_sources.merge(ics::parse_mirror_sets(text, name));
  } else {
    // v2 writes transport prefixes on both sides; v1 writes bare registry references.
    const ics::MappingRules rules = text.find("docker://") != std::string::npos
                                        ? ics::MappingRules::oc_mirror_v2
                                        : ics::MappingRules::oc_mirror_v1;
    out.image_content_sources.merge(ics::parse_mapping(text, name, rules, {}));
  }
  out.ics_origins.push_back(name);
}

void read_planned(InputPlan plan, MirrorContent& out) {
  EntryClassifier classifier;
  const auto visit = [&classifier](const walk::TreeEntry& entry, walk::EntryContent& content) {
    classifier.visit(entry, content);
  };
  walk::walk_plan(
      plan.walk_plan(),
      [&classifier](const std::string& container) { classifier.set_container(container); },
      visit);
  if (plan.source.layout == SourceLayout::archive_set) {
    if (classifier.saw_v1_layout() == classifier.saw_v2_layout()) {
      throw Error(ErrorKind::input,
                  str_cat(plan.source.path.string(),
                          classifier.saw_v1_layout()
                              ? ": mixes oc-mirror v1 and v2 content"
                              : ": not oc-mirror output: no docker/registry/v2, working-dir, v2/ "
                                "or publish/ entries"));
    }
    plan.source.format =
        classifier.saw_v1_layout() ? SourceFormat::oc_mirror_v1 : SourceFormat::oc_mirror_v2;
  }
  classifier.finish(out);
  out.inputs.push_back(std::move(plan.source));
}

} // namespace

MirrorContent read_mirror(const std::vector<fs::path>& inputs, const ReadOptions& options) {
  if (inputs.empty()) {
    throw Error(ErrorKind::usage,
                "no input: name at least one oc-mirror output (directory or archive)");
  }
  MirrorContent content;
  for (const fs::path& input : inputs) {
    InputPlan plan = plan_input(input, options);
    if (plan.source.layout == SourceLayout::file) {
      read_single_file(plan, content);
      content.inputs.push_back(std::move(plan.source));
    } else {
      read_planned(std::move(plan), content);
    }
  }
  return content;
}

} // namespace zbundle::ocmirror
