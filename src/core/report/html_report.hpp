#pragma once

// The offline report: one self-contained HTML page (inline CSS and SVG, no script, a policy
// that forbids loading anything) to attach to a change request.

#include "core/report/report_builder.hpp"

#include <cstdint>
#include <string>

namespace zbundle::report {

struct PageFacts {
  std::string generator; // "zbundle 0.1.0 (commit abc1234)"
  std::int64_t now = 0;  // when the report was made, Unix seconds
};

[[nodiscard]] std::string render_html_report(const Report& report, const PageFacts& facts);

} // namespace zbundle::report
