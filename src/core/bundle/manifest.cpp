#include "core/bundle/manifest.hpp"

#include "core/bundle/entry_path.hpp"
#include "core/bundle/manifest_json.hpp"
#include "core/pki/certificate_file.hpp"

#include <algorithm>
#include <array>
#include <unordered_set>

namespace zbundle::bundle {
namespace {

using namespace manifest_json;
using util::str_cat;

constexpr std::array k_source_formats{ocmirror::SourceFormat::oc_mirror_v1,
                                      ocmirror::SourceFormat::oc_mirror_v2,
                                      ocmirror::SourceFormat::registry_storage,
                                      ocmirror::SourceFormat::oci_layout};

// The schema's one form of a time, YYYY-MM-DDTHH:MM:SSZ: the sequence against rollback
// compares these as text, so no other spelling of the same instant may pass.
std::string checked_time(std::string text, std::string_view field) {
  constexpr std::string_view k_shape = "dddd-dd-ddTdd:dd:ddZ";
  const bool matches =
      text.size() == k_shape.size()
      && std::equal(k_shape.begin(), k_shape.end(), text.begin(), [](char shape, char c) {
           return shape == 'd' ? c >= '0' && c <= '9' : c == shape;
         });
  if (!matches) {
    refuse(field, str_cat("not a time of the form YYYY-MM-DDTHH:MM:SSZ: ", util::printable(text)));
  }
  return text;
}

// What the manifest says of a CA certificate is what the certificate itself says: one
// certificate per entry, whose subject, expiry and fingerprint match the claims. `inspect`
// and `apply` show and install what is there, not what a signer wrote beside it.
model::CaCertificate checked_certificate(model::CaCertificate claimed) {
  const std::string field = str_cat("ca_certificates[", util::printable(claimed.subject), "]");
  std::vector<util::Certificate> parsed;
  try {
    parsed = pki::parse_certificates(claimed.pem, "pem");
  } catch (const Error& error) {
    refuse(field, error.what());
  }
  if (parsed.size() != 1) {
    refuse(field, str_cat("holds ", parsed.size(), " certificates, where one belongs"));
  }
  const pki::CertificateInfo actual = pki::describe_certificate(parsed.front().get());
  if (actual.fingerprint != claimed.sha256) {
    refuse(field,
           str_cat("sha256 ", claimed.sha256, " is not the certificate's, ", actual.fingerprint));
  }
  if (actual.subject != claimed.subject || actual.not_after != claimed.not_after) {
    refuse(field,
           str_cat("the certificate's own subject and expiry are ",
                   util::printable(actual.subject),
                   ", ",
                   actual.not_after));
  }
  return claimed;
}

constexpr std::string_view k_blob_tree = "registry/docker/registry/v2/blobs/";

// Rule R6 for every entry, no path twice, and every registry blob named by its digest.
std::vector<Entry> checked_entries(std::vector<Entry> entries) {
  std::unordered_set<std::string_view> seen;
  seen.reserve(entries.size());
  for (Entry& entry : entries) {
    const std::string field = str_cat("entries[", entry.path, "]");
    if (const std::string problem = payload_path_problem(entry.path); !problem.empty()) {
      refuse(field, str_cat("bad path: ", problem));
    }
    if (!seen.insert(entry.path).second) {
      refuse(field, "listed twice");
    }
    // A registry blob is named by its digest: content under another name would be served by
    // the registry as what it is not. Its bytes are checked against entry.sha256 as they are read.
    if (entry.path.starts_with(k_blob_tree)
        && entry.path != blob_entry_path(str_cat("sha256:", entry.sha256.hex()))) {
      refuse(field, str_cat("a registry blob whose sha256 is not its name: ", entry.sha256.hex()));
    }
  }
  return entries;
}

} // namespace

std::uint64_t Manifest::total_bytes() const noexcept {
  std::uint64_t total = 0;
  for (const Entry& entry : entries) {
    total += entry.size;
  }
  return total;
}

std::string_view source_kind_name(ocmirror::SourceFormat format) noexcept {
  switch (format) {
  case ocmirror::SourceFormat::oc_mirror_v1:
    return "oc-mirror-v1";
  case ocmirror::SourceFormat::oc_mirror_v2:
    return "oc-mirror-v2";
  case ocmirror::SourceFormat::registry_storage:
    return "registry-storage";
  case ocmirror::SourceFormat::oci_layout:
    return "oci-layout";
  case ocmirror::SourceFormat::mirror_set_file:
  case ocmirror::SourceFormat::mapping_file:
    break;
  }
  return "other";
}

std::string serialize_manifest(const Manifest& manifest) {
  Json document = {{"format", k_format},
                   {"bundle_id", manifest.bundle_id},
                   {"created", manifest.created},
                   {"signer", {{"key_id", manifest.key_id}}},
                   {"source", {{"kind", manifest.source_kind}, {"names", manifest.source_names}}},
                   {"base_bundles", manifest.base_bundles},
                   {"mirror", manifest.mirror ? Json(*manifest.mirror) : Json(nullptr)}};
  if (manifest.max_nested_paths > 0) {
    document["max_nested_paths"] = manifest.max_nested_paths;
  }
  if (manifest.receipt) {
    document["receipt"] = {{"id", manifest.receipt->id}, {"key_id", manifest.receipt->key_id}};
  }
  write_model(manifest, document);
  document["repositories"] = repositories_json(manifest.repositories);
  if (!manifest.prune.empty()) { // older readers refuse the field
    document["prune"] = prune_json(manifest.prune);
  }
  Json& certificates = document["ca_certificates"] = Json::array();
  for (const model::CaCertificate& certificate : manifest.ca_certificates) {
    certificates.push_back({{"subject", certificate.subject},
                            {"not_after", certificate.not_after},
                            {"sha256", certificate.sha256},
                            {"pem", certificate.pem}});
  }
  write_boot_images(manifest, document);
  // The entries (hundreds of thousands for a catalog-heavy mirror) are written as text where
  // the document holds an empty list: as a tree they would cost some 800 bytes each.
  document["entries"] = Json::array();
  document["totals"] = {{"entries", manifest.entries.size()}, {"bytes", manifest.total_bytes()}};
  Json& volumes = document["volumes"] = Json::array();
  for (const Volume& volume : manifest.volumes) {
    volumes.push_back({{"name", volume.name}, {"size", volume.size}, {"sha256", volume.sha256}});
  }
  const std::string text = document.dump();
  // Unique: inside a string every quote is escaped, so only the document's own key matches.
  constexpr std::string_view k_empty_entries = R"(,"entries":[],"totals":)";
  const std::size_t at = text.find(k_empty_entries);
  constexpr std::size_t k_entry_frame = 112; // an entry's JSON besides its path, with room
  std::size_t length = text.size() + 1;
  for (const Entry& entry : manifest.entries) {
    length += entry.path.size() + k_entry_frame;
  }
  std::string out; // one allocation: a doubling string would hold twice the manifest at once
  out.reserve(length);
  out.append(text, 0, at);
  out += R"(,"entries":[)";
  for (const Entry& entry : manifest.entries) {
    out += &entry == manifest.entries.data() ? R"({"path":)" : R"(,{"path":)";
    out += Json(entry.path).dump();
    out += R"(,"size":)";
    out += std::to_string(entry.size);
    out += R"(,"sha256":")";
    out += entry.sha256.hex();
    out += R"("})";
  }
  out += R"(],"totals":)";
  out.append(text, at + k_empty_entries.size());
  out += '\n';
  return out;
}

Manifest parse_manifest(std::string_view json) {
  std::vector<Entry> entries;
  const Json document = parse_document(json, entries);
  const Reader top(document, "manifest", {"format",          "bundle_id",
                                          "created",         "signer",
                                          "source",          "base_bundles",
                                          "mirror",          "max_nested_paths",
                                          "receipt",         "image_content_sources",
                                          "releases",        "images",
                                          "catalogs",        "cluster_resources",
                                          "waivers",         "repositories",
                                          "ca_certificates", "boot_images",
                                          "entries",         "totals",
                                          "volumes",         "prune"});
  if (top.text("format") != k_format) {
    refuse("format",
           str_cat("unsupported format ", top.text("format"), ", this reader knows ", k_format));
  }
  Manifest manifest;
  manifest.bundle_id = checked_hex(top.text("bundle_id"), k_bundle_id_length, "bundle_id");
  manifest.created = checked_time(top.text("created"), "created");
  manifest.key_id = checked_hex(
      Reader(top.at("signer", Json::value_t::object), "signer", {"key_id"}).text("key_id"),
      k_sha256_hex_length,
      "signer.key_id");
  const Reader source(top.at("source", Json::value_t::object), "source", {"kind", "names"});
  manifest.source_kind = source.text("kind");
  if (std::none_of(
          k_source_formats.begin(), k_source_formats.end(), [&](ocmirror::SourceFormat format) {
            return source_kind_name(format) == manifest.source_kind;
          })) {
    refuse("source.kind", str_cat("unknown kind ", manifest.source_kind));
  }
  manifest.source_names = text_list(source.array("names"), "source.names");
  for (std::string& id : text_list(top.array("base_bundles"), "base_bundles")) {
    manifest.base_bundles.push_back(checked_hex(std::move(id), k_bundle_id_length, "base_bundles"));
  }
  if (!top.has("mirror")) { // the writer always writes it: a name, or null
    refuse("manifest.mirror", "missing");
  }
  if (!document.at("mirror").is_null()) {
    manifest.mirror = top.text("mirror");
    try {
      (void)ics::parse_mirror_name(*manifest.mirror);
    } catch (const Error& error) {
      refuse("mirror", error.what());
    }
  }
  if (top.has("receipt")) {
    const Reader receipt(top.at("receipt", Json::value_t::object), "receipt", {"id", "key_id"});
    manifest.receipt = Manifest::ReceiptRef{
        checked_digest(receipt.text("id"), "receipt.id"),
        checked_hex(receipt.text("key_id"), k_sha256_hex_length, "receipt.key_id")};
  }
  if (top.has("max_nested_paths")) {
    const std::uint64_t limit = top.number("max_nested_paths");
    if (limit == 0 || limit > ics::k_max_nested_paths) {
      refuse("max_nested_paths", str_cat("not between 1 and ", ics::k_max_nested_paths));
    }
    manifest.max_nested_paths = static_cast<unsigned>(limit);
  }
  read_model(top, manifest);
  manifest.repositories = parse_repositories(top.array("repositories"));
  if (top.has("prune")) {
    manifest.prune = parse_prune(top.array("prune"), manifest.repositories);
  }
  for (const Json& item : top.array("ca_certificates")) {
    const Reader certificate(item, "ca_certificates[]", {"subject", "not_after", "sha256", "pem"});
    manifest.ca_certificates.push_back(checked_certificate(
        {certificate.text("subject"),
         certificate.text("not_after"),
         checked_hex(certificate.text("sha256"), k_sha256_hex_length, "ca_certificates[].sha256"),
         certificate.multiline_text("pem")}));
  }
  (void)top.array("entries"); // present, and a list: its items came through `entries`
  manifest.entries = checked_entries(std::move(entries));
  read_boot_images(top, manifest);
  const Reader totals(top.at("totals", Json::value_t::object), "totals", {"entries", "bytes"});
  if (totals.number("entries") != manifest.entries.size()
      || totals.number("bytes") != manifest.total_bytes()) {
    refuse("totals", "do not match the entries");
  }
  for (const Json& item : top.array("volumes")) {
    const Reader volume(item, "volumes[]", {"name", "size", "sha256"});
    manifest.volumes.push_back(
        {volume.text("name"),
         volume.number("size"),
         checked_hex(volume.text("sha256"), k_sha256_hex_length, "volumes[].sha256")});
  }
  return manifest;
}

std::string base_bundle_ids(const Manifest& manifest) {
  std::string ids;
  for (const std::string& id : manifest.base_bundles) {
    ids += str_cat(ids.empty() ? "" : ", ", id);
  }
  return ids;
}

bool is_delta(const Manifest& manifest) noexcept {
  return !manifest.base_bundles.empty() || manifest.receipt.has_value();
}

std::string left_out_by(const Manifest& manifest) {
  const std::string bases = manifest.base_bundles.empty()
                                ? ""
                                : str_cat("the base bundle (", base_bundle_ids(manifest), ")");
  const std::string receipt = manifest.receipt ? str_cat("receipt ", manifest.receipt->id) : "";
  return bases.empty() || receipt.empty() ? bases + receipt : str_cat(bases, " and ", receipt);
}

std::optional<std::string> blob_digest(const Entry& entry) {
  if (!entry.path.starts_with(k_blob_tree)) {
    return std::nullopt;
  }
  return str_cat("sha256:", entry.sha256.hex());
}

std::set<std::string> carried_blob_digests(const Manifest& manifest) {
  std::set<std::string> digests;
  for (const Entry& entry : manifest.entries) {
    if (std::optional<std::string> digest = blob_digest(entry)) {
      digests.insert(std::move(*digest));
    }
  }
  return digests;
}

} // namespace zbundle::bundle
