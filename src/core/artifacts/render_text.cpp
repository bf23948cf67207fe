#include "core/artifacts/renderers.hpp"
#include "core/util/str_cat.hpp"

namespace zbundle::artifacts::detail {

std::string file_name_part(std::string_view text) {
  std::string part;
  for (const char c : text) {
    const bool is_allowed = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
                            || (c >= '0' && c <= '9') || c == '-' || c == '_'
                            || (c == '.' && !part.empty());
    part.push_back(is_allowed ? c : '-');
  }
  return part.empty() ? std::string("-") : part;
}

std::string script_header(const Context& context, std::string_view name) {
  const std::string& bundle_id = context.options.bundle_id;
  return util::str_cat("#!/bin/sh\n# ",
                       name,
                       ", rendered by zbundle",
                       bundle_id.empty() ? "" : util::str_cat(" from bundle ", bundle_id),
                       " for the mirror ",
                       context.options.mirror.location(),
                       ".\n");
}

std::string shell_quote(std::string_view word) {
  std::string quoted = "'";
  for (const char c : word) {
    if (c == '\'') {
      quoted += "'\\''";
    } else {
      quoted.push_back(c);
    }
  }
  quoted.push_back('\'');
  return quoted;
}

std::string comment_text(std::string_view text) {
  std::string safe(text);
  for (char& c : safe) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      c = '?';
    }
  }
  return safe;
}

} // namespace zbundle::artifacts::detail
