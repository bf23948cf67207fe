// A registry's (or its token service's) answer as zbundle reads it, after Boost.Beast has
// parsed the HTTP: the input is "STATUS\n", header lines "name: value\n", an empty line, then
// the body. Every reader of registry_answers.hpp runs on it, with the Location and Link
// targets and the WWW-Authenticate challenge; each must return or throw zbundle::Error.
#include "core/registry/registry_answers.hpp"
#include "core/registry/registry_auth.hpp"
#include "core/registry/request_target.hpp"
#include "fuzz_target.hpp"

#include <charconv>

namespace {

zbundle::registry::HttpResponse response_of(std::string_view text) {
  zbundle::registry::HttpResponse response;
  const std::size_t status_end = std::min(text.find('\n'), text.size());
  (void)std::from_chars(text.data(), text.data() + status_end, response.status);
  text.remove_prefix(std::min(status_end + 1, text.size()));
  while (!text.empty()) {
    const std::size_t line_end = std::min(text.find('\n'), text.size());
    const std::string_view line = text.substr(0, line_end);
    text.remove_prefix(std::min(line_end + 1, text.size()));
    if (line.empty()) {
      break;
    }
    const std::size_t colon = line.find(':');
    const std::string_view value =
        colon == std::string_view::npos ? std::string_view() : line.substr(colon + 1);
    response.headers[std::string(line.substr(0, colon))] =
        std::string(value.substr(std::min(value.find_first_not_of(' '), value.size())));
  }
  response.body = std::string(text);
  return response;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace zbundle::registry;
  const HttpResponse response = response_of(zbundle::fuzz::as_text(data, size));
  (void)registry_says(response);
  (void)error_code(response);
  (void)next_page(response);
  (void)granted_token(response);
  for (const char* field : {"tags", "repositories"}) {
    (void)zbundle::fuzz::refuse_or_accept([&] { (void)listed_names(response, field); });
  }
  if (const auto location = response.headers.find("location"); location != response.headers.end()) {
    (void)request_target(location->second);
  }
  if (const auto challenge = response.headers.find("www-authenticate");
      challenge != response.headers.end()) {
    (void)zbundle::fuzz::refuse_or_accept([&] { (void)parse_challenge(challenge->second); });
  }
  return 0;
}
