#pragma once

// What `create` decides before it signs (docs/design.md, "The seal gate"): a bundle is signed
// only when every problem found in its mirror is of a kind its user waived. Byte and structure
// faults (a blob that is not what its name says, a manifest that does not parse) are never
// waivable: the bastion's registry would refuse them whatever anyone says. What is waivable is
// what an installation can be made to do without: an image, a platform, a signature.

#include "core/model/problem.hpp"
#include "core/model/signed_model.hpp"

#include <set>
#include <string_view>
#include <vector>

namespace zbundle::check {

[[nodiscard]] bool is_waivable(model::ProblemKind kind) noexcept;

// The kinds `--allow` names, comma separated ("missing-image,release-arch"). Throws
// Error{usage} for an unknown kind or one that cannot be waived, listing those that can.
[[nodiscard]] std::set<model::ProblemKind> parse_waivable_kinds(std::string_view list);

// The waivers that cover `problems` under `allowed`, one per kind, in kind order. Throws
// Error{check} naming every problem no waiver covers (the first ones, then a count), with the
// --allow that would waive them when they can be.
[[nodiscard]] std::vector<model::Waiver> judge(const std::vector<model::Problem>& problems,
                                               const std::set<model::ProblemKind>& allowed);

} // namespace zbundle::check
