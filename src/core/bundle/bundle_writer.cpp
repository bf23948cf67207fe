#include "core/bundle/bundle_writer.hpp"

#include "core/bundle/boot_plan.hpp"
#include "core/bundle/bundle_artifacts.hpp"
#include "core/bundle/bundle_index.hpp"
#include "core/bundle/bundle_reader.hpp"
#include "core/bundle/entry_path.hpp"
#include "core/bundle/model_builder.hpp"
#include "core/bundle/payload_copier.hpp"
#include "core/bundle/payload_plan.hpp"
#include "core/bundle/prune_plan.hpp"
#include "core/bundle/tar_frame_writer.hpp"
#include "core/bundle/volume_writer.hpp"
#include "core/check/agent_content.hpp"
#include "core/check/collected_images.hpp"
#include "core/check/seal_gate.hpp"
#include "core/ocmirror/derive_sources.hpp"
#include "core/ocmirror/reader.hpp"
#include "core/pki/ca_bundle.hpp"
#include "core/pki/certificate_file.hpp"
#include "core/pki/openssl_error.hpp"
#include "core/pki/tls_probe.hpp"
#include "core/pki/verify_ca.hpp"
#include "core/receipt/receipt.hpp"
#include "core/util/error.hpp"
#include "core/util/free_space.hpp"
#include "core/util/hex.hpp"
#include "core/util/sha256.hpp"
#include "core/util/str_cat.hpp"
#include "core/util/text_file.hpp"
#include "core/util/work_pool.hpp"

#include <openssl/pem.h>
#include <openssl/rand.h>
#include <zstd.h>

#include <algorithm>
#include <array>
#include <optional>

namespace zbundle::bundle {
namespace {

namespace fs = std::filesystem;
using util::str_cat;

constexpr int k_ca_warning_days = 30;
constexpr int k_max_level = 19; // higher levels need windows readers refuse (rule R10)

std::string random_bundle_id() {
  std::array<unsigned char, 16> bytes{};
  if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1) {
    throw Error(ErrorKind::io, str_cat("bundle id: no randomness: ", pki::openssl_error_message()));
  }
  return util::to_hex(bytes);
}

// The problems that stand between the mirror and an installation: verify-digests' findings
// from the plan, and every image the run collected that the payload lacks.
std::vector<model::Problem> installation_problems(PayloadPlan& plan, const Manifest& manifest) {
  std::vector<model::Problem> problems = std::move(plan.problems);
  check::CollectedImagesReport images =
      check::check_collected_images(manifest.images, check::lookup_in_records(plan.repositories));
  std::move(images.missing.begin(), images.missing.end(), std::back_inserter(problems));
  return problems;
}

void write_member(TarFrameWriter& tar, std::string_view path, std::span<const std::byte> bytes) {
  (void)tar.begin_member(path, bytes.size(), 3);
  tar.write(bytes);
  tar.end_member();
}

std::span<const std::byte> bytes_of(const std::string& text) {
  return std::as_bytes(std::span(text.data(), text.size()));
}

// Members 1-3 (section 2); the head volume ends here, a single file goes on.
void write_head(VolumeWriter& out,
                const Manifest& manifest,
                const std::string& chain,
                const pki::SigningKey& key,
                std::int64_t mtime) {
  const std::string text = serialize_manifest(manifest);
  const std::vector<unsigned char> signature = key.sign(bytes_of(text));
  TarFrameWriter tar(out, mtime, 0);
  write_member(tar, k_manifest_member, bytes_of(text));
  write_member(tar, k_signature_member, std::as_bytes(std::span(signature)));
  if (!chain.empty()) {
    write_member(tar, k_signer_member, bytes_of(chain));
  }
  tar.finish(Trailer::omit);
}

// What the index says of the manifest (bundle-schema/README.md section 5): the SHA-256 of its
// exact bytes (deterministic, so they are made again here), or, for a volume set, whose
// manifest is written after the volumes it lists, nothing: the volumes' digests bind the index.
std::string index_manifest_sha256(const Manifest& manifest, const CreateOptions& options) {
  if (options.volume_size != 0) {
    return {};
  }
  util::Sha256 hasher;
  hasher.update(bytes_of(serialize_manifest(manifest)));
  return hasher.finish().substr(std::string_view("sha256:").size());
}

// The payload, the signed index and the end of the archive.
void write_body(VolumeWriter& out,
                const Manifest& manifest,
                const std::vector<PlannedEntry>& entries,
                const CreateOptions& options,
                const pki::SigningKey& key) {
  TarFrameWriter tar(out, options.created, util::WorkPool::worker_count(options.threads));
  std::uint64_t done = 0;
  const std::uint64_t total = manifest.total_bytes();
  const ByteProgress progress = [&](std::uint64_t bytes) {
    done += bytes;
    if (options.progress) {
      options.progress(done, total);
    }
  };
  const std::vector<FramePosition> positions = copy_payload(tar, entries, options.level, progress);
  const std::string index =
      serialize_index(manifest, index_manifest_sha256(manifest, options), positions);
  const std::vector<unsigned char> signature = key.sign(bytes_of(index));
  write_member(tar, k_index_member, bytes_of(index));
  write_member(tar, k_index_signature_member, std::as_bytes(std::span(signature)));
  tar.finish(Trailer::write);
}

// What the bastion holds already: earlier bundles (--base) and a receipt.
struct Earlier {
  std::set<std::string> left_out; // blobs and manifests the new bundle need not carry
  std::vector<std::string> base_ids;
  std::vector<model::RepositoryRecord> base_repositories;
  std::optional<Manifest::ReceiptRef> receipt;
  std::vector<model::HeldRepository> receipt_repositories;
};

// The blobs earlier bundles carried, from their signed manifests (checked with our own key:
// a base signed by someone else cannot be vouched for here).
void read_base_bundles(const std::vector<fs::path>& bases,
                       const pki::SigningKey& key,
                       Earlier& earlier) {
  Trust trust;
  trust.key = std::make_shared<const pki::VerifyingKey>(key.verifying_key());
  for (const fs::path& base : bases) {
    std::optional<BundleReader> reader;
    try {
      reader.emplace(base, trust);
    } catch (const Error& error) {
      throw Error(ErrorKind::input, str_cat("--base ", base.string(), ": ", error.what()));
    }
    earlier.base_ids.push_back(reader->manifest().bundle_id);
    earlier.left_out.merge(carried_blob_digests(reader->manifest()));
    const std::vector<model::RepositoryRecord>& records = reader->manifest().repositories;
    earlier.base_repositories.insert(
        earlier.base_repositories.end(), records.begin(), records.end());
  }
}

// The blobs and manifests a receipt confirms the bastion's registry holds, once its signature
// verified with the bastion's key and it is of the registry this bundle is for.
void read_receipt(const CreateOptions& options, Earlier& earlier) {
  if (options.receipt.empty()) {
    return;
  }
  if (options.receipt_key.empty()) {
    throw Error(ErrorKind::usage, "--receipt needs --receipt-key: the bastion's public key");
  }
  constexpr std::size_t k_receipt_limit = std::size_t{400} << 20;
  receipt::Receipt receipt =
      receipt::read_receipt(util::read_text_file(options.receipt, k_receipt_limit),
                            options.receipt.string(),
                            pki::VerifyingKey(options.receipt_key));
  const std::string location = receipt.location();
  if (!options.mirror || options.mirror->location() != location) {
    throw Error(ErrorKind::usage,
                str_cat("--receipt ",
                        options.receipt.string(),
                        ": it is of ",
                        location,
                        "; give --mirror ",
                        location,
                        " (the bundle must go where the receipt was taken)"));
  }
  for (const model::HeldRepository& repository : receipt.inventory.repositories) {
    for (const auto& [digest, manifest] : repository.manifests) {
      earlier.left_out.insert(digest);
      earlier.left_out.insert(manifest.blobs.begin(), manifest.blobs.end());
    }
  }
  earlier.receipt = Manifest::ReceiptRef{receipt.id, receipt.key_id};
  earlier.receipt_repositories = std::move(receipt.inventory.repositories);
}

// What the bastion may let go of once the bundle is applied: the receipt's repositories are
// named as push writes them below --mirror's namespace.
std::vector<PruneItem>
prune_list(const Manifest& manifest, const CreateOptions& options, const Earlier& earlier) {
  const auto pushed_name = [&](const std::string& name) -> std::string {
    if (!options.mirror) {
      return {};
    }
    const std::string& name_space = options.mirror->name_space;
    std::string pushed = ics::limit_nested_paths(
        name_space.empty() ? name : str_cat(name_space, "/", name), options.max_nested_paths);
    if (name_space.empty()) {
      return pushed;
    }
    return pushed.starts_with(name_space + "/") ? pushed.substr(name_space.size() + 1)
                                                : std::string();
  };
  return plan_prune(
      manifest.repositories, earlier.base_repositories, earlier.receipt_repositories, pushed_name);
}

// The CA bundle as the manifest carries it, after checking it would work on the bastion: every
// certificate a CA and valid now, and with --probe the live registry's chain trusted by it.
std::vector<model::CaCertificate> checked_ca_certificates(const CreateOptions& options,
                                                          std::vector<std::string>& warnings) {
  const std::vector<util::Certificate> bundle = pki::load_certificates(options.ca);
  warnings = pki::require_usable_ca_bundle(
      bundle, options.ca.string(), options.created, k_ca_warning_days);
  if (options.probe) {
    if (!options.mirror) {
      throw Error(ErrorKind::usage,
                  "--probe needs --mirror HOST[:PORT]: the registry to connect to");
    }
    const std::string registry = options.mirror->registry();
    const pki::ProbeTarget target =
        pki::parse_probe_target(registry.find(':') == std::string::npos || registry.ends_with("]")
                                    ? str_cat(registry, ":443")
                                    : registry);
    pki::VerifyOptions verify;
    verify.at = options.created;
    const pki::ChainVerification result = pki::verify_live_server(target, bundle, verify);
    if (!result.is_trusted) {
      throw Error(ErrorKind::check,
                  str_cat("--probe ",
                          registry,
                          ": the registry's chain is not trusted by ",
                          options.ca.string(),
                          ": ",
                          result.reason));
    }
  }
  return carried_certificates(bundle, options.ca);
}

// At most what the bundle's files take: each member framed as zstd never grows past
// ZSTD_compressBound of its tar record (header, pax record, data rounded to blocks); the
// manifest and the index list every path with its size and digest.
std::uint64_t written_bound(const Manifest& manifest) {
  // A tar header, a pax header and its record, the data's padding.
  constexpr std::uint64_t k_record_overhead = std::uint64_t{4} * 512;
  // One line in the manifest and one in the index: digest, size, offsets, punctuation.
  constexpr std::uint64_t k_listing_per_entry = std::uint64_t{2} * 192;
  // The model, the signatures, the end-of-archive frames.
  constexpr std::uint64_t k_fixed = std::uint64_t{4} << 20;
  std::uint64_t bound = k_fixed;
  for (const Entry& entry : manifest.entries) {
    bound += ZSTD_compressBound(entry.size + k_record_overhead) + k_listing_per_entry
             + 2 * entry.path.size();
  }
  return bound;
}

} // namespace

CreateResult create_bundle(const CreateOptions& options, const pki::SigningKey& key) {
  if (options.level < 1 || options.level > k_max_level) {
    throw Error(ErrorKind::usage, str_cat("--level ", options.level, ": use 1 to ", k_max_level));
  }
  Earlier earlier;
  read_base_bundles(options.base_bundles, key, earlier);
  read_receipt(options, earlier);
  CreateResult result;
  Manifest& manifest = result.manifest;
  manifest.bundle_id = random_bundle_id();
  manifest.created = pki::format_time(options.created);
  manifest.key_id = key.key_id();
  manifest.base_bundles = earlier.base_ids;
  manifest.receipt = earlier.receipt;
  fill_model(manifest, options.inputs, options.mirror, options.max_nested_paths);
  const check::OpenPgpSignatures openpgp = check::openpgp_signatures_in(manifest.cluster_resources);
  check::SignatureRule signatures{
      options.architectures.release_repository, {}, &openpgp, options.release_keyring};
  for (const pki::VerifyingKey& release_key : options.release_keys) {
    signatures.keys.push_back(&release_key);
  }
  PayloadPlan plan =
      plan_payload(options.inputs, earlier.left_out, options.architectures, signatures);
  // The seal gate: judged from what was read, before a byte is written.
  manifest.waivers = check::judge(installation_problems(plan, manifest), options.allowed);
  manifest.repositories = std::move(plan.repositories);
  manifest.prune = prune_list(manifest, options, earlier);
  if (!options.ca.empty()) {
    manifest.ca_certificates = checked_ca_certificates(options, result.ca_warnings);
  }
  if (!options.boot_images.empty()) {
    BootPlan boot = plan_boot_images(options.boot_images);
    manifest.boot_images = std::move(boot.images);
    std::move(boot.entries.begin(), boot.entries.end(), std::back_inserter(plan.entries));
  }
  for (PlannedEntry& rendered : artifact_entries(options, manifest)) {
    plan.entries.push_back(std::move(rendered));
  }
  for (const PlannedEntry& planned : plan.entries) {
    manifest.entries.push_back(planned.entry);
  }
  result.warnings = std::move(plan.warnings);
  if (options.mirror && !options.ca.empty()) { // the procedure's artifacts are rendered
    for (model::Problem& missing : check::check_agent_content(manifest.repositories)) {
      result.warnings.push_back(std::move(missing));
    }
  }
  if (options.space_check) {
    const fs::path directory = options.output.parent_path();
    util::require_free_space(
        directory.empty() ? fs::path(".") : directory, written_bound(manifest), "the bundle");
  }

  if (options.volume_size == 0) {
    VolumeWriter out(options.output);
    write_head(out, manifest, options.signer_chain_pem, key, options.created);
    write_body(out, manifest, plan.entries, options, key);
    (void)out.finish();
    out.commit();
    result.files.push_back(options.output);
  } else {
    // The data volumes come first: their hashes belong in the manifest of the head volume.
    VolumeWriter data(options.output, 2, options.volume_size);
    write_body(data, manifest, plan.entries, options, key);
    manifest.volumes = data.finish();
    VolumeWriter head(volume_path(options.output, 1));
    write_head(head, manifest, options.signer_chain_pem, key, options.created);
    (void)head.finish();
    data.commit();
    head.commit(); // last: without its head a volume set is not a bundle
    result.files.push_back(volume_path(options.output, 1));
    for (const Volume& volume : manifest.volumes) {
      result.files.push_back(options.output.parent_path() / volume.name);
    }
  }
  for (const fs::path& file : result.files) {
    result.compressed_bytes += fs::file_size(file);
  }
  return result;
}

} // namespace zbundle::bundle
