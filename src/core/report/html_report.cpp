#include "core/report/html_report.hpp"

#include "core/pki/certificate_file.hpp"
#include "core/report/html_markup.hpp"
#include "core/util/human_bytes.hpp"
#include "core/util/str_cat.hpp"

#include <algorithm>

namespace zbundle::report {
namespace {

using util::str_cat;

constexpr std::size_t k_chart_bars = 20;
constexpr std::size_t k_chart_label = 48;
constexpr std::int64_t k_expiring_days = 30;

constexpr std::string_view k_style = R"(
body{font-family:sans-serif;margin:2em;color:#222;max-width:90em}
h1{font-size:1.6em}h2{font-size:1.25em;margin-top:1.8em;border-bottom:1px solid #ccc}
table{border-collapse:collapse;margin:.5em 0;font-size:.9em}
th,td{border:1px solid #ccc;padding:.25em .5em;text-align:left;vertical-align:top}
th{background:#f0f0f0}td{overflow-wrap:anywhere}td.none{color:#777;font-style:italic}
dl{display:grid;grid-template-columns:max-content auto;gap:.2em 1em}dt{font-weight:bold}
.bad{background:#fdd}.warn{background:#ffe9b3}.good{background:#dfd}
td.bad,td.warn,td.good{overflow-wrap:normal;white-space:nowrap}
.banner{padding:.6em;border:2px solid #c00;background:#fee}
svg .bar{fill:#3b6ea5}svg text{font-size:12px;font-family:sans-serif}
)";

// A count the summary shows, with an id a reader (and the browser test) can find.
void append_count(std::string& html, std::string_view id, std::string_view label, std::size_t n) {
  html += str_cat("<dt>", label, "</dt><dd id=\"", id, "\">", n, "</dd>");
}

void append_fact(std::string& html, std::string_view label, std::string_view value) {
  html += str_cat("<dt>", label, "</dt><dd>", escape_html(value), "</dd>");
}

std::string joined(const std::vector<std::string>& parts) {
  std::string text;
  for (const std::string& part : parts) {
    text += str_cat(text.empty() ? "" : ", ", part);
  }
  return text;
}

void append_summary(std::string& html, const Report& report) {
  const bundle::Manifest& model = report.model;
  const auto present = static_cast<std::size_t>(std::count_if(
      report.images.begin(), report.images.end(), [](const check::ImageStatus& image) {
        return image.is_present;
      }));
  std::size_t tags = 0;
  for (const RepositorySize& repository : report.repositories) {
    tags += repository.tags;
  }
  html += "<h2>Summary</h2><dl>";
  if (report.is_bundle) {
    append_fact(html, "bundle", model.bundle_id);
    append_fact(html, "created", model.created);
    append_fact(html, "signer", report.signer);
    append_fact(html, "signing key id", model.key_id);
    append_fact(html,
                "payload",
                report.is_payload_verified ? "every byte verified"
                                           : "NOT verified: see the problems below");
  }
  append_fact(html, "input", model.source_kind);
  append_fact(html, "mirror", model.mirror.value_or("(rendered on the bastion)"));
  append_fact(
      html, "content", str_cat(report.entries, " entries, ", util::human_bytes(report.bytes)));
  append_count(html, "count-repositories", "repositories", report.repositories.size());
  append_count(html, "count-tags", "tags", tags);
  append_count(html, "count-images", "images the run names", report.images.size());
  append_count(html, "count-present", "present", present);
  append_count(html, "count-missing", "missing", report.images.size() - present);
  append_count(html, "count-releases", "releases", model.releases.size());
  append_count(html, "count-catalogs", "catalogs", model.catalogs.size());
  append_count(html, "count-waivers", "waivers", model.waivers.size());
  append_count(html, "count-problems", "problems", report.problems.size());
  html += "</dl>\n";
}

// What the bundle lacks comes first, as inspect puts it.
void append_waivers_and_problems(std::string& html, const Report& report) {
  html += "<h2>Waivers and problems</h2>";
  if (report.is_bundle && report.model.waivers.empty()) {
    html += "<p id=\"no-waivers\">No waivers: every check passed when the bundle was signed.</p>";
  }
  std::vector<std::vector<Cell>> waived;
  for (const model::Waiver& waiver : report.model.waivers) {
    for (const std::string& problem : waiver.problems) {
      waived.push_back({{std::string(model::problem_kind_name(waiver.kind)), "warn"}, {problem}});
    }
  }
  if (!waived.empty()) {
    html += "<p class=\"banner\">Signed despite the problems below (waived with --allow).</p>";
    append_table(html, "waivers", {"waived kind", "problem"}, waived);
  }
  std::vector<std::vector<Cell>> problems;
  for (const model::Problem& problem : report.problems) {
    problems.push_back(
        {{std::string(model::problem_kind_name(problem.kind)), "bad"}, {model::to_text(problem)}});
  }
  if (problems.empty()) {
    html += "<p id=\"no-problems\">No problems found while reading.</p>";
  } else {
    append_table(html, "problems", {"kind", "problem"}, problems);
  }
}

void append_releases_and_catalogs(std::string& html, const bundle::Manifest& model) {
  html += "<h2>Releases and catalogs</h2>";
  std::vector<std::vector<Cell>> releases;
  for (const model::ReleaseImage& release : model.releases) {
    releases.push_back({{release.name}, {release.digest.empty() ? "(unknown)" : release.digest}});
  }
  append_table(html, "releases", {"release", "digest"}, releases);
  std::vector<std::vector<Cell>> catalogs;
  for (const model::CatalogSource& catalog : model.catalogs) {
    catalogs.push_back({{catalog.name}, {catalog.kind}, {catalog.image}});
  }
  append_table(html, "catalogs", {"catalog", "from", "image"}, catalogs);
}

void append_repositories(std::string& html, const Report& report) {
  html += "<h2>Repositories</h2>";
  std::vector<const RepositorySize*> largest;
  for (const RepositorySize& repository : report.repositories) {
    largest.push_back(&repository);
  }
  std::stable_sort(largest.begin(), largest.end(), [](const auto* a, const auto* b) {
    return a->bytes > b->bytes;
  });
  largest.resize(std::min(largest.size(), k_chart_bars));
  std::vector<Bar> bars;
  for (const RepositorySize* repository : largest) {
    std::string label =
        repository->name.size() > k_chart_label
            ? "..." + repository->name.substr(repository->name.size() - k_chart_label)
            : repository->name;
    bars.push_back({std::move(label), repository->bytes, util::human_bytes(repository->bytes)});
  }
  append_bar_chart(html, "size-chart", "carried bytes per repository, largest first", bars);
  std::vector<std::vector<Cell>> rows;
  for (const RepositorySize& repository : report.repositories) {
    rows.push_back({{repository.name},
                    {std::to_string(repository.tags)},
                    {std::to_string(repository.manifests)},
                    {std::to_string(repository.blobs)},
                    {util::human_bytes(repository.bytes)}});
  }
  append_table(html, "repositories", {"repository", "tags", "manifests", "blobs", "carried"}, rows);
}

void append_images(std::string& html, const Report& report) {
  html += "<h2>Images</h2>";
  std::vector<std::vector<Cell>> rows;
  for (const check::ImageStatus& image : report.images) {
    const auto signature_class = [](const std::string& state) -> std::string_view {
      if (state.empty()) {
        return {};
      }
      return state == "verified" || state == "carried" ? "good" : "bad";
    };
    rows.push_back({{image.category},
                    {image.source},
                    {image.location},
                    {image.is_present ? "present" : "MISSING", image.is_present ? "good" : "bad"},
                    {image.digest},
                    {image.platforms.empty() ? "unknown" : joined(image.platforms)},
                    {image.signature, signature_class(image.signature)},
                    {image.release_signature, signature_class(image.release_signature)}});
  }
  append_table(html,
               "images",
               {"category",
                "source",
                "location",
                "state",
                "digest",
                "architectures",
                "signature",
                "release signature"},
               rows);
}

void append_certificates(std::string& html, const Report& report) {
  html += "<h2>Mirror registry CA</h2>";
  std::vector<std::vector<Cell>> rows;
  for (const CertificateLife& life : report.certificates) {
    const std::string_view css = life.days_left < 0                 ? "bad"
                                 : life.days_left < k_expiring_days ? "warn"
                                                                    : "good";
    rows.push_back({{life.certificate.subject},
                    {life.certificate.not_after},
                    {life.days_left < 0 ? "expired" : std::to_string(life.days_left), css},
                    {life.certificate.sha256}});
  }
  append_table(html, "certificates", {"subject", "not after", "days left", "SHA-256"}, rows);
}

void append_sources_and_delta(std::string& html, const bundle::Manifest& model) {
  html += "<h2>Image content sources</h2>";
  std::vector<std::vector<Cell>> rows;
  for (const ics::ContentSource& source : model.image_content_sources.sources()) {
    std::vector<std::string> mirrors;
    for (const ics::Mirror& mirror : source.mirrors) {
      mirrors.push_back(mirror.location);
    }
    rows.push_back({{source.source}, {joined(mirrors)}});
  }
  append_table(html, "content-sources", {"source", "mirrors"}, rows);
  if (model.base_bundles.empty() && !model.receipt) {
    return;
  }
  html += "<h2>Delta</h2><dl>";
  for (const std::string& base : model.base_bundles) {
    append_fact(html, "base bundle", base);
  }
  if (model.receipt) {
    append_fact(
        html, "receipt", str_cat(model.receipt->id, " (bastion key ", model.receipt->key_id, ")"));
  }
  html += "</dl>\n";
}

} // namespace

std::string render_html_report(const Report& report, const PageFacts& facts) {
  std::string html =
      str_cat("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
              "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
              "style-src 'unsafe-inline'\">"
              "<title>zbundle report: ",
              escape_html(report.subject),
              "</title><style>",
              k_style,
              "</style></head><body>\n<h1>zbundle report</h1><p>",
              report.is_bundle ? "Bundle " : "oc-mirror output ",
              "<code id=\"subject\">",
              escape_html(report.subject),
              "</code></p>\n");
  append_summary(html, report);
  append_waivers_and_problems(html, report);
  append_releases_and_catalogs(html, report.model);
  append_repositories(html, report);
  append_images(html, report);
  append_certificates(html, report);
  append_sources_and_delta(html, report.model);
  html += str_cat("<hr><p>Made by ",
                  escape_html(facts.generator),
                  " at ",
                  pki::format_time(facts.now),
                  ". Offline: this page loads nothing and runs no script.</p></body></html>\n");
  return html;
}

} // namespace zbundle::report
