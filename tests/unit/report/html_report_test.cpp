#include "core/report/html_markup.hpp"
#include "core/report/html_report.hpp"

#include <gtest/gtest.h>

#include <regex>

namespace zbundle::report {
namespace {

TEST(HtmlMarkup, EscapesMarkupQuotesAndControlCharacters) {
  EXPECT_EQ(escape_html("<a href=\"x\">O'Neil & co</a>"),
            "&lt;a href=&quot;x&quot;&gt;O&#39;Neil &amp; co&lt;/a&gt;");
  EXPECT_EQ(escape_html(std::string("line\nnext\x7f\x01", 11)), "line\\x0anext\\x7f\\x01");
  EXPECT_EQ(escape_html("quay.io/ns/repo@sha256:ab"), "quay.io/ns/repo@sha256:ab");
}

TEST(HtmlMarkup, TableCountsItsRowsAndSaysNoneWhenEmpty) {
  std::string html;
  append_table(html, "things", {"a", "b"}, {{{"1"}, {"2", "bad"}}, {{"3"}, {"4"}}});
  EXPECT_NE(html.find("<table id=\"things\" data-rows=\"2\">"), std::string::npos);
  EXPECT_NE(html.find("<td class=\"bad\">2</td>"), std::string::npos);
  std::string empty;
  append_table(empty, "nothing", {"a"}, {});
  EXPECT_NE(empty.find("data-rows=\"0\""), std::string::npos);
  EXPECT_NE(empty.find(">none</td>"), std::string::npos);
}

TEST(HtmlMarkup, BarChartScalesToTheLongestBar) {
  std::string html;
  append_bar_chart(html, "chart", "sizes", {{"big", 400, "400 B"}, {"small", 100, "100 B"}});
  EXPECT_NE(html.find("width=\"400\" height"), std::string::npos) << html;
  EXPECT_NE(html.find("width=\"100\" height"), std::string::npos) << html;
  std::string none;
  append_bar_chart(none, "chart", "sizes", {});
  EXPECT_TRUE(none.empty());
}

// A hostile signer names everything: no name may open an element or an attribute.
TEST(HtmlReport, NothingFromTheBundleBecomesMarkup) {
  const std::string hostile = "x\"><script>alert(1)</script><img src=http://evil/";
  Report report;
  report.subject = hostile;
  report.is_bundle = true;
  report.signer = hostile;
  report.model.bundle_id = hostile;
  report.model.mirror = hostile;
  report.model.releases.push_back({hostile, hostile});
  report.model.catalogs.push_back({hostile, hostile, hostile, {}});
  report.model.waivers.push_back({model::ProblemKind::missing_image, {hostile}});
  report.images.push_back(
      {"release", hostile, hostile, true, hostile, {hostile}, hostile, hostile});
  report.repositories.push_back({hostile, 1, 1, 1, 100});
  report.certificates.push_back({{hostile, "2030-01-01T00:00:00Z", hostile, hostile}, 12});
  const std::string html = render_html_report(report, {hostile, 0});
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find("<img"), std::string::npos);
  EXPECT_NE(html.find("x&quot;&gt;&lt;script&gt;alert(1)"), std::string::npos);
  // Only our own elements: every tag name is one the renderer writes.
  const std::regex tag("<([a-zA-Z][a-zA-Z0-9]*)");
  const std::set<std::string> ours = {
      "html", "head",  "meta",  "title", "style", "body", "h1", "h2",  "p",    "code", "dl", "dt",
      "dd",   "table", "thead", "tbody", "tr",    "th",   "td", "svg", "text", "rect", "hr"};
  for (auto it = std::sregex_iterator(html.begin(), html.end(), tag); it != std::sregex_iterator();
       ++it) {
    EXPECT_TRUE(ours.contains((*it)[1].str())) << (*it)[1].str();
  }
  EXPECT_NE(html.find("content=\"default-src 'none'; style-src 'unsafe-inline'\""),
            std::string::npos);
  EXPECT_NE(html.find("<dd id=\"count-waivers\">1</dd>"), std::string::npos);
  EXPECT_NE(html.find("class=\"banner\""), std::string::npos);
}

TEST(HtmlReport, CertificateDaysLeftAreJudged) {
  Report report;
  report.certificates.push_back({{"CN=old", "2020-01-01T00:00:00Z", "aa", ""}, -3});
  report.certificates.push_back({{"CN=soon", "2030-01-01T00:00:00Z", "bb", ""}, 10});
  report.certificates.push_back({{"CN=fine", "2031-01-01T00:00:00Z", "cc", ""}, 400});
  const std::string html = render_html_report(report, {"test", 0});
  EXPECT_NE(html.find("<td class=\"bad\">expired</td>"), std::string::npos);
  EXPECT_NE(html.find("<td class=\"warn\">10</td>"), std::string::npos);
  EXPECT_NE(html.find("<td class=\"good\">400</td>"), std::string::npos);
}

} // namespace
} // namespace zbundle::report
