#pragma once

// The few pieces of HTML the report is made of: escaped text, tables, and a bar chart drawn as
// inline SVG (no script, no external resource, so the page works offline and under a policy
// that forbids both).

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace zbundle::report {

// `text` safe between tags and inside a quoted attribute: & < > " ' as entities, control
// characters as the text \xNN (a bundle's strings are untrusted; none may open markup).
[[nodiscard]] std::string escape_html(std::string_view text);

struct Cell {
  std::string text;             // plain text, escaped when written
  std::string_view css_class{}; // "bad", "warn", "good", or empty
};

// <table id="ID" data-rows="N">: the count is what a reader (and the browser test) checks.
void append_table(std::string& html,
                  std::string_view id,
                  const std::vector<std::string_view>& headers,
                  const std::vector<std::vector<Cell>>& rows);

struct Bar {
  std::string label;
  std::uint64_t value = 0;
  std::string value_text;
};

// Horizontal bars, the longest `value` full width, each labelled; nothing for no bars.
void append_bar_chart(std::string& html,
                      std::string_view id,
                      std::string_view title,
                      const std::vector<Bar>& bars);

} // namespace zbundle::report
