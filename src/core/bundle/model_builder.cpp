#include "core/bundle/model_builder.hpp"

#include "core/ocmirror/derive_sources.hpp"
#include "core/ocmirror/reader.hpp"
#include "core/pki/certificate_file.hpp"
#include "core/pki/openssl_error.hpp"
#include "core/util/error.hpp"
#include "core/util/str_cat.hpp"

#include <openssl/pem.h>

namespace zbundle::bundle {

using util::str_cat;

void fill_model(Manifest& manifest,
                const std::vector<std::filesystem::path>& inputs,
                const std::optional<ics::MirrorName>& mirror_name,
                unsigned max_nested_paths) {
  const ocmirror::MirrorContent content = ocmirror::read_mirror(inputs, {});
  if (!content.inputs.empty()) {
    manifest.source_kind = std::string(source_kind_name(content.inputs.front().format));
  }
  if (mirror_name) {
    manifest.mirror = mirror_name->location();
  }
  manifest.max_nested_paths = max_nested_paths;
  for (const ocmirror::InputSource& input : content.inputs) {
    manifest.source_names.push_back(input.path.filename().string());
  }
  if (!content.image_content_sources.empty() || !content.collected_images.empty()) {
    const ics::MirrorName mirror =
        mirror_name ? *mirror_name : ics::parse_mirror_name(ics::k_placeholder_mirror);
    manifest.image_content_sources =
        ocmirror::resolve_content_sources(content, mirror, ics::scope_rule(max_nested_paths))
            .result.sources;
  }
  manifest.releases.assign(content.releases.begin(), content.releases.end());
  manifest.images.assign(content.collected_images.begin(), content.collected_images.end());
  manifest.catalogs.assign(content.catalogs.begin(), content.catalogs.end());
  for (const model::ClusterResource& resource : content.cluster_resources) {
    // Where it came from on the connected host means nothing on the bastion.
    manifest.cluster_resources.push_back({resource.kind, resource.name, {}, resource.text});
  }
}

std::vector<model::CaCertificate> carried_certificates(const std::vector<util::Certificate>& bundle,
                                                       const std::filesystem::path& origin) {
  const std::string subject = origin.string();
  std::vector<model::CaCertificate> certificates;
  for (const util::Certificate& certificate : bundle) {
    const pki::CertificateInfo info = pki::describe_certificate(certificate.get());
    const util::BasicIo bio(BIO_new(BIO_s_mem()));
    if (!bio || PEM_write_bio_X509(bio.get(), certificate.get()) != 1) {
      throw Error(ErrorKind::io,
                  str_cat(subject, ": cannot encode: ", pki::openssl_error_message()));
    }
    char* data = nullptr;
    const long length = BIO_get_mem_data(bio.get(), &data);
    certificates.push_back({info.subject,
                            info.not_after,
                            info.fingerprint,
                            std::string(data, static_cast<std::size_t>(length))});
  }
  return certificates;
}

std::string joined_pem(const std::vector<model::CaCertificate>& certificates) {
  std::string pem;
  for (const model::CaCertificate& certificate : certificates) {
    pem += certificate.pem;
  }
  return pem;
}

} // namespace zbundle::bundle
