#include "core/cluster/registries_conf_merge.hpp"

#include "core/util/error.hpp"
#include "core/util/str_cat.hpp"
#include "core/util/untrusted_text.hpp"

#include <algorithm>
#include <optional>

namespace zbundle::cluster {
namespace {

using util::str_cat;

enum class PieceKind { top, registry, other };

struct Piece {
  PieceKind kind = PieceKind::top;
  std::string text;      // the header line through the line before the next header
  std::string identity;  // registries only: prefix, else location; empty when neither is set
  bool appended = false; // ours, added after the live pieces
};

std::string_view trim(std::string_view text) {
  const std::size_t begin = text.find_first_not_of(" \t\r\n");
  if (begin == std::string_view::npos) {
    return {};
  }
  return text.substr(begin, text.find_last_not_of(" \t\r\n") - begin + 1);
}

std::string without_blanks(std::string_view text) {
  std::string out;
  std::copy_if(text.begin(), text.end(), std::back_inserter(out), [](char c) {
    return c != ' ' && c != '\t';
  });
  return out;
}

// A table header line: "[name]" or "[[name]]", a comment allowed after it.
std::optional<std::string> table_header(std::string_view line) {
  std::string compact = without_blanks(line);
  const std::size_t comment = compact.find('#');
  compact = compact.substr(0, comment);
  while (!compact.empty() && (compact.back() == '\r' || compact.back() == '\n')) {
    compact.pop_back();
  }
  if (compact.size() < 3 || compact.front() != '[' || compact.back() != ']') {
    return std::nullopt;
  }
  return compact;
}

// The string value of `key = "..."` or `key = '...'` on `line`, when the line sets `key`.
std::optional<std::string> string_value(std::string_view line, std::string_view key) {
  std::string_view rest = trim(line);
  if (!rest.starts_with(key)) {
    return std::nullopt;
  }
  rest = trim(rest.substr(key.size()));
  if (!rest.starts_with('=')) {
    return std::nullopt;
  }
  rest = trim(rest.substr(1));
  if (rest.empty() || (rest.front() != '"' && rest.front() != '\'')) {
    return std::nullopt;
  }
  const char quote = rest.front();
  std::string value;
  for (std::size_t i = 1; i < rest.size(); ++i) {
    if (rest[i] == quote) {
      return value;
    }
    if (quote == '"' && rest[i] == '\\' && i + 1 < rest.size()) {
      ++i;
    }
    value.push_back(rest[i]);
  }
  return std::nullopt;
}

std::string registry_identity(std::string_view text) {
  std::string prefix;
  std::string location;
  std::size_t at = 0;
  bool first_line = true;
  while (at < text.size()) {
    const std::size_t end = std::min(text.find('\n', at), text.size());
    const std::string_view line = text.substr(at, end - at);
    at = end + 1;
    if (!first_line && table_header(line)) {
      break; // the keys of [[registry.mirror]] are the mirror's, not the registry's
    }
    first_line = false;
    if (const auto value = string_value(line, "prefix")) {
      prefix = *value;
    }
    if (const auto value = string_value(line, "location")) {
      location = *value;
    }
  }
  return prefix.empty() ? location : prefix;
}

std::vector<Piece> cut(std::string_view text, std::string_view what) {
  std::vector<Piece> pieces(1);
  std::size_t at = 0;
  while (at < text.size()) {
    const std::size_t end = std::min(text.find('\n', at), text.size() - 1) + 1;
    const std::string_view line = text.substr(at, end - at);
    at = end;
    const std::optional<std::string> header = table_header(line);
    if (header && *header != "[[registry.mirror]]") {
      pieces.push_back(
          {*header == "[[registry]]" ? PieceKind::registry : PieceKind::other, {}, {}, false});
    } else if (!header && pieces.size() == 1 && without_blanks(line).starts_with("registry=")) {
      throw Error(ErrorKind::input,
                  str_cat(what,
                          ": registries are an inline array (registry = [...]): write them as "
                          "[[registry]] tables to merge"));
    }
    pieces.back().text += line;
  }
  std::vector<std::string_view> seen;
  for (Piece& piece : pieces) {
    if (piece.kind != PieceKind::registry) {
      continue;
    }
    piece.identity = registry_identity(piece.text);
    if (std::find(seen.begin(), seen.end(), piece.identity) != seen.end()) {
      throw Error(
          ErrorKind::input,
          str_cat(what, ": registry ", util::printable(piece.identity), " is defined twice"));
    }
    if (!piece.identity.empty()) {
      seen.push_back(piece.identity);
    }
  }
  return pieces;
}

// Where the piece's own lines end: the blank and comment lines that close it introduce the next
// table as often as they end this one, so they stay where they are.
std::size_t body_end(std::string_view text) {
  std::size_t end = 0;
  std::size_t at = 0;
  while (at < text.size()) {
    const std::size_t next = std::min(text.find('\n', at), text.size() - 1) + 1;
    const std::string_view line = trim(text.substr(at, next - at));
    if (!line.empty() && !line.starts_with('#')) {
      end = next;
    }
    at = next;
  }
  return end;
}

std::string_view body(std::string_view text) {
  return text.substr(0, body_end(text));
}

} // namespace

TextMerge
merge_registries_conf(std::string_view live, std::string_view ours, std::string_view what) {
  std::vector<Piece> pieces = cut(live, what);
  TextMerge result;
  for (const Piece& our : cut(ours, "our registries.conf")) {
    if (our.kind != PieceKind::registry || our.identity.empty()) {
      continue;
    }
    const auto same = std::find_if(pieces.begin(), pieces.end(), [&](const Piece& piece) {
      return piece.kind == PieceKind::registry && piece.identity == our.identity;
    });
    if (same == pieces.end()) {
      pieces.push_back({PieceKind::registry, std::string(body(our.text)), our.identity, true});
      result.changes.push_back(str_cat("added [[registry]] ", util::printable(our.identity)));
    } else if (trim(body(same->text)) != trim(body(our.text))) {
      Piece& piece = *same;
      piece.text = str_cat(body(our.text), piece.text.substr(body_end(piece.text)));
      result.changes.push_back(str_cat("updated [[registry]] ", util::printable(our.identity)));
    }
  }
  for (const Piece& piece : pieces) {
    if (piece.appended && !result.text.empty()) {
      result.text += result.text.ends_with('\n') ? "\n" : "\n\n";
    }
    result.text += piece.text;
  }
  return result;
}

} // namespace zbundle::cluster
