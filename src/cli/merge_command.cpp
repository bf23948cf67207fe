// zbundle-extract merge: the one place apply-cluster.sh decides what a live object becomes, so
// the bastion needs no jq or python to merge (core/cluster/object_merge.hpp has the rules).

#include "cli_support.hpp"
#include "core/cluster/object_merge.hpp"
#include "core/util/atomic_file.hpp"
#include "core/util/error.hpp"
#include "core/util/text_file.hpp"
#include "extract_commands.hpp"

#include <filesystem>
#include <iostream>

namespace zbundle::cli {

namespace po = boost::program_options;

namespace {

constexpr std::size_t k_max_object_file = std::size_t{64} << 20;

artifacts::NamedText read_named(const std::string& path) {
  return {path, util::read_text_file(path, k_max_object_file)};
}

} // namespace

int run_merge(const std::vector<std::string>& args) {
  po::options_description options(
      "zbundle-extract merge OURS [--live LIVE.json] -o REPLACE.json --new CREATE.json\n"
      "Merges our rendered objects (OURS, YAML) into the live ones `oc get -o json` printed;\n"
      "prints one line per change, writes the live objects that change (for oc replace) and\n"
      "ours the cluster lacks (for oc create), each file only when it has something");
  options.add_options()("ours", po::value<std::string>(), "our rendered objects (YAML)")(
      "live",
      po::value<std::string>(),
      "the live object or List (JSON); absent or empty: the cluster has none")(
      "output,o", po::value<std::string>(), "the changed live objects, for oc replace (0600)")(
      "new", po::value<std::string>(), "our objects the cluster lacks, for oc create (0600)")(
      "help,h", "show this help");
  if (wants_help(args, options)) {
    return 0;
  }
  po::positional_options_description positional;
  positional.add("ours", 1);
  const po::variables_map values = parse_options(args, options, positional);
  if (!values.count("ours") || !values.count("output") || !values.count("new")) {
    throw Error(ErrorKind::usage,
                "merge: OURS, -o REPLACE.json and --new CREATE.json are required");
  }
  std::optional<artifacts::NamedText> live;
  if (values.count("live")) {
    live = read_named(values["live"].as<std::string>());
  }
  const cluster::ObjectMerge merge =
      cluster::merge_objects(read_named(values["ours"].as<std::string>()), live);
  for (const std::string& change : merge.changes) {
    std::cout << change << '\n';
  }
  for (const auto& [text, option] :
       {std::pair{&merge.replaced, "output"}, std::pair{&merge.created, "new"}}) {
    if (*text) {
      util::AtomicFile file(values[option].as<std::string>(), 0600);
      file.write(**text);
      file.commit();
    }
  }
  return 0;
}

} // namespace zbundle::cli
