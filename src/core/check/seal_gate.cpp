#include "core/check/seal_gate.hpp"

#include "core/util/error.hpp"
#include "core/util/str_cat.hpp"
#include "core/util/untrusted_text.hpp"

#include <algorithm>
#include <array>
#include <map>
#include <optional>

namespace zbundle::check {
namespace {

using model::ProblemKind;
using util::str_cat;

constexpr std::size_t k_problems_named = 20;

constexpr std::array k_waivable{
    ProblemKind::missing_image,
    ProblemKind::missing_arch,
    ProblemKind::release_arch,
    ProblemKind::missing_signature,
    ProblemKind::unverified_signature,
    ProblemKind::schema1,
};

std::string waivable_names() {
  std::string names;
  for (const ProblemKind kind : k_waivable) {
    names += str_cat(names.empty() ? "" : ", ", model::problem_kind_name(kind));
  }
  return names;
}

} // namespace

bool is_waivable(ProblemKind kind) noexcept {
  return std::find(k_waivable.begin(), k_waivable.end(), kind) != k_waivable.end();
}

std::set<ProblemKind> parse_waivable_kinds(std::string_view list) {
  std::set<ProblemKind> kinds;
  while (!list.empty()) {
    const std::size_t comma = list.find(',');
    const std::string_view name = list.substr(0, comma);
    list = comma == std::string_view::npos ? std::string_view() : list.substr(comma + 1);
    if (name.empty()) {
      continue;
    }
    const std::optional<ProblemKind> kind = model::parse_problem_kind(name);
    if (!kind) {
      throw Error(ErrorKind::usage,
                  str_cat("--allow ",
                          util::printable(name),
                          ": no such problem kind; waivable: ",
                          waivable_names()));
    }
    if (!is_waivable(*kind)) {
      throw Error(ErrorKind::usage,
                  str_cat("--allow ",
                          name,
                          ": cannot be waived (the bastion's registry refuses such content); "
                          "waivable: ",
                          waivable_names()));
    }
    kinds.insert(*kind);
  }
  return kinds;
}

std::vector<model::Waiver> judge(const std::vector<model::Problem>& problems,
                                 const std::set<ProblemKind>& allowed) {
  std::map<ProblemKind, model::Waiver> waivers;
  std::vector<const model::Problem*> refused;
  std::set<ProblemKind> refused_waivable;
  for (const model::Problem& problem : problems) {
    if (allowed.contains(problem.kind)) {
      model::Waiver& waiver = waivers[problem.kind];
      waiver.kind = problem.kind;
      waiver.problems.push_back(model::to_text(problem));
    } else {
      refused.push_back(&problem);
      if (is_waivable(problem.kind)) {
        refused_waivable.insert(problem.kind);
      }
    }
  }
  if (!refused.empty()) {
    std::string named;
    for (std::size_t i = 0; i < refused.size() && i < k_problems_named; ++i) {
      named += str_cat(
          "\n  ", model::problem_kind_name(refused[i]->kind), ": ", model::to_text(*refused[i]));
    }
    if (refused.size() > k_problems_named) {
      named += str_cat("\n  ... and ", refused.size() - k_problems_named, " more");
    }
    std::string advice;
    for (const ProblemKind kind : refused_waivable) {
      advice += str_cat(advice.empty() ? "" : ",", model::problem_kind_name(kind));
    }
    throw Error(ErrorKind::check,
                str_cat("create: not signed: ",
                        refused.size(),
                        " problems would fail the installation (see zbundle verify-digests)",
                        advice.empty() ? "" : str_cat("; to sign anyway: --allow ", advice),
                        ":",
                        named));
  }
  std::vector<model::Waiver> kept;
  kept.reserve(waivers.size());
  for (auto& [kind, waiver] : waivers) {
    kept.push_back(std::move(waiver));
  }
  return kept;
}

} // namespace zbundle::check
