#!/usr/bin/env python3
"""Writes a registry storage tree (distribution's filesystem layout) of COUNT images in
repository big/app, tags t1..tCOUNT, each with one SIZE_MIB layer of random bytes, its config
and an OCI manifest: data large enough that a push can be interrupted half way. Repository
big/copy holds the first image again (tag t1), so its blobs are shared across repositories.

usage: make_storage.py OUT_DIR COUNT SIZE_MIB [OCI_DIR]
With OCI_DIR, the same images also as an OCI image layout (blobs hard-linked, refs t1..tCOUNT),
for skopeo to push the same bytes in benchmarks.
"""
import hashlib
import json
import os
import sys


def put_blob(root, data):
    digest = hashlib.sha256(data).hexdigest()
    folder = os.path.join(root, "docker/registry/v2/blobs/sha256", digest[:2], digest)
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, "data"), "wb") as out:
        out.write(data)
    return "sha256:" + digest


def link(root, repository, relative, digest):
    folder = os.path.join(root, "docker/registry/v2/repositories", repository, relative)
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, "link"), "w") as out:
        out.write(digest)


def write_layout(root, layout, manifests):
    blobs = os.path.join(layout, "blobs/sha256")
    os.makedirs(blobs, exist_ok=True)
    storage = os.path.join(root, "docker/registry/v2/blobs/sha256")
    for prefix in os.listdir(storage):
        for digest in os.listdir(os.path.join(storage, prefix)):
            os.link(os.path.join(storage, prefix, digest, "data"), os.path.join(blobs, digest))
    with open(os.path.join(layout, "oci-layout"), "w") as out:
        json.dump({"imageLayoutVersion": "1.0.0"}, out)
    with open(os.path.join(layout, "index.json"), "w") as out:
        json.dump({"schemaVersion": 2, "manifests": [
            {"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": digest,
             "size": size, "annotations": {"org.opencontainers.image.ref.name": tag}}
            for tag, digest, size in manifests]}, out)


def main(root, count, size_mib, layout=None):
    repository = "big/app"
    manifests = []
    for number in range(1, count + 1):
        layer = os.urandom(size_mib << 20)
        config = json.dumps({"architecture": "s390x", "os": "linux",
                             "rootfs": {"type": "layers", "diff_ids": []}}).encode()
        layer_digest, config_digest = put_blob(root, layer), put_blob(root, config)
        manifest = json.dumps({
            "schemaVersion": 2,
            "mediaType": "application/vnd.oci.image.manifest.v1+json",
            "config": {"mediaType": "application/vnd.oci.image.config.v1+json",
                       "digest": config_digest, "size": len(config)},
            "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar",
                        "digest": layer_digest, "size": len(layer)}],
            "annotations": {"number": str(number)},
        }).encode()
        manifest_digest = put_blob(root, manifest)
        manifests.append((f"t{number}", manifest_digest, len(manifest)))
        for name in [repository, "big/copy"] if number == 1 else [repository]:
            for digest in (layer_digest, config_digest):
                link(root, name, "_layers/sha256/" + digest[7:], digest)
            link(root, name, "_manifests/revisions/sha256/" + manifest_digest[7:], manifest_digest)
            tag = f"_manifests/tags/t{number}"
            link(root, name, tag + "/current", manifest_digest)
            link(root, name, tag + "/index/sha256/" + manifest_digest[7:], manifest_digest)


    if layout:
        write_layout(root, layout, manifests)


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), *sys.argv[4:5])
