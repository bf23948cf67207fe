#include "cli_support.hpp"

#include "core/util/atomic_file.hpp"
#include "core/util/error.hpp"
#include "core/util/str_cat.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <iostream>
#include <sstream>

namespace zbundle::cli {

namespace po = boost::program_options;

int run_guarded(std::string_view program, const std::function<int()>& body) {
  try {
    return body();
  } catch (const Error& error) {
    std::cerr << program << ": error: " << error.what() << '\n';
    return exit_code_for(error.kind());
  } catch (const std::exception& error) {
    // Not one of ours: a bug or resource exhaustion. Still one line and a non-zero exit.
    std::cerr << program << ": error: internal: " << error.what() << '\n';
    return exit_code_for(ErrorKind::io);
  }
}

po::variables_map parse_options(const std::vector<std::string>& args,
                                const po::options_description& options,
                                const po::positional_options_description& positional) {
  po::variables_map values;
  try {
    po::store(po::command_line_parser(args).options(options).positional(positional).run(), values);
    po::notify(values);
  } catch (const po::error& error) {
    throw Error(ErrorKind::usage, error.what());
  }
  return values;
}

void write_output(const std::string& path, std::string_view text) {
  if (path.empty() || path == "-") {
    std::cout << text;
    std::cout.flush();
    if (!std::cout) {
      throw Error(ErrorKind::io, "stdout: cannot write");
    }
    return;
  }
  util::AtomicFile file(path, 0644);
  file.write(text);
  file.commit();
}

std::string human_bytes(std::uint64_t bytes) {
  constexpr std::array k_units{"B", "KiB", "MiB", "GiB", "TiB"};
  auto value = static_cast<double>(bytes);
  std::size_t unit = 0;
  while (value >= 1024.0 && unit + 1 < k_units.size()) {
    value /= 1024.0;
    ++unit;
  }
  std::array<char, 32> text{};
  const auto result = std::to_chars(
      text.data(), text.data() + text.size(), value, std::chars_format::fixed, unit == 0 ? 0 : 1);
  return util::str_cat(
      std::string_view(text.data(), static_cast<std::size_t>(result.ptr - text.data())),
      " ",
      k_units[unit]);
}

bool wants_help(const std::vector<std::string>& args, const po::options_description& options) {
  if (std::find(args.begin(), args.end(), "--help") != args.end()
      || std::find(args.begin(), args.end(), "-h") != args.end()) {
    std::cout << options;
    return true;
  }
  return false;
}

std::vector<std::string> split_commas(const std::string& text) {
  std::vector<std::string> parts;
  std::istringstream stream(text);
  for (std::string part; std::getline(stream, part, ',');) {
    if (!part.empty()) {
      parts.push_back(part);
    }
  }
  return parts;
}

} // namespace zbundle::cli
