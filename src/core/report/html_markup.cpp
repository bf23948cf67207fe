#include "core/report/html_markup.hpp"

#include "core/util/str_cat.hpp"

#include <algorithm>

namespace zbundle::report {

using util::str_cat;

std::string escape_html(std::string_view text) {
  constexpr std::string_view k_hex = "0123456789abcdef";
  std::string escaped;
  escaped.reserve(text.size());
  for (const char character : text) {
    const auto byte = static_cast<unsigned char>(character);
    switch (character) {
    case '&':
      escaped += "&amp;";
      break;
    case '<':
      escaped += "&lt;";
      break;
    case '>':
      escaped += "&gt;";
      break;
    case '"':
      escaped += "&quot;";
      break;
    case '\'':
      escaped += "&#39;";
      break;
    default:
      if (byte < 0x20 || byte == 0x7f) {
        escaped += "\\x";
        escaped += k_hex[byte >> 4U];
        escaped += k_hex[byte & 0xfU];
      } else {
        escaped += character;
      }
    }
  }
  return escaped;
}

void append_table(std::string& html,
                  std::string_view id,
                  const std::vector<std::string_view>& headers,
                  const std::vector<std::vector<Cell>>& rows) {
  html += str_cat("<table id=\"", id, "\" data-rows=\"", rows.size(), "\"><thead><tr>");
  for (const std::string_view header : headers) {
    html += str_cat("<th>", escape_html(header), "</th>");
  }
  html += "</tr></thead><tbody>";
  if (rows.empty()) {
    html += str_cat(R"(<tr><td class="none" colspan=")", headers.size(), "\">none</td></tr>");
  }
  for (const std::vector<Cell>& row : rows) {
    html += "<tr>";
    for (const Cell& cell : row) {
      html += cell.css_class.empty() ? std::string("<td>")
                                     : str_cat("<td class=\"", cell.css_class, "\">");
      html += str_cat(escape_html(cell.text), "</td>");
    }
    html += "</tr>";
  }
  html += "</tbody></table>\n";
}

void append_bar_chart(std::string& html,
                      std::string_view id,
                      std::string_view title,
                      const std::vector<Bar>& bars) {
  if (bars.empty()) {
    return;
  }
  constexpr unsigned k_label_width = 320;
  constexpr unsigned k_bar_width = 400;
  constexpr unsigned k_row_height = 22;
  const std::uint64_t longest =
      std::max_element(bars.begin(), bars.end(), [](const Bar& a, const Bar& b) {
        return a.value < b.value;
      })->value;
  const std::size_t height = bars.size() * k_row_height + 4;
  html += str_cat("<svg id=\"",
                  id,
                  R"(" xmlns="http://www.w3.org/2000/svg" role="img" width=")",
                  k_label_width + k_bar_width + 120,
                  "\" height=\"",
                  height,
                  "\"><title>",
                  escape_html(title),
                  "</title>");
  for (std::size_t row = 0; row < bars.size(); ++row) {
    const Bar& bar = bars[row];
    const auto width =
        longest == 0 ? 0U
                     : std::max(1U,
                                static_cast<unsigned>(static_cast<double>(bar.value) * k_bar_width
                                                      / static_cast<double>(longest)));
    const std::size_t y = row * k_row_height + 2;
    html += str_cat(R"(<text x="0" y=")",
                    y + 15,
                    R"(" class="label">)",
                    escape_html(bar.label),
                    "</text><rect x=\"",
                    k_label_width,
                    "\" y=\"",
                    y + 3,
                    "\" width=\"",
                    width,
                    "\" height=\"",
                    k_row_height - 6,
                    R"(" class="bar"/><text x=")",
                    k_label_width + width + 6,
                    "\" y=\"",
                    y + 15,
                    "\">",
                    escape_html(bar.value_text),
                    "</text>");
  }
  html += "</svg>\n";
}

} // namespace zbundle::report
