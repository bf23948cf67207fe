#!/usr/bin/env python3
"""Rewrites an oc-mirror v2 mirror_000001.tar (the generated sample) with one defect, for the
tests of verify-digests and create's seal gate: Python's tarfile and hashlib, never zbundle.

usage: tamper_mirror.py SOURCE TARGET MODE
MODE: flip (a byte of ubi's layer), delete (a config of the release), truncate (the etcd
manifest), dangling (a tag pointing at nothing), drop-image (ubi's repository links gone),
drop-s390x (postgresql's index without its s390x child), single-arch-release (the release tag
names its s390x manifest alone), drop-signature (the release's .sig tag gone),
signature-of-other (the release tag names its s390x manifest, and the release's signature,
which names the index, is tagged as that manifest's), openpgp-signature FILE (the release's
OpenPGP signature in working-dir/signatures/ replaced by FILE's bytes, or gone for "-"),
agent-content [SKIP] (ubi's repository copied to each multicluster-engine repository the
Agent platform needs, but SKIP)
"""
import hashlib, io, json, sys, tarfile
source, target, mode = sys.argv[1:4]
argument = sys.argv[4] if len(sys.argv) > 4 else None
with tarfile.open(source) as tar:
    members = [(m, tar.extractfile(m).read()) for m in tar.getmembers()]
def blob_name(digest):
    h = digest.split(":")[1]
    return f"docker/registry/v2/blobs/sha256/{h[:2]}/{h}/data"
def find(suffix):
    return next(i for i, (m, _) in enumerate(members) if m.name.endswith(suffix))
def link(repo, tag):
    return next(d.decode() for m, d in members if m.name == f"docker/registry/v2/repositories/{repo}/_manifests/tags/{tag}/current/link")
if mode == "flip":   # a byte of the ubi image's layer
    manifest = json.loads(members[find(blob_name(link("ubi9/ubi", next(m.name.split("/")[-3] for m, _ in members if "/ubi9/ubi/_manifests/tags/" in m.name))))][1])
    i = find(blob_name(manifest["layers"][0]["digest"]))
    data = bytearray(members[i][1]); data[10] ^= 0xFF; members[i] = (members[i][0], bytes(data))
elif mode == "delete":   # the config of the release image's s390x manifest
    index = json.loads(members[find(blob_name(link("openshift/release-images", "4.16.5-multi")))][1])
    child = next(m for m in index["manifests"] if m["platform"]["architecture"] == "s390x")
    manifest = json.loads(members[find(blob_name(child["digest"]))][1])
    del members[find(blob_name(manifest["config"]["digest"]))]
elif mode == "single-arch-release":   # the release tag names the s390x manifest alone
    index = json.loads(members[find(blob_name(link("openshift/release-images", "4.16.5-multi")))][1])
    child = next(m for m in index["manifests"] if m["platform"]["architecture"] == "s390x")
    i = find("repositories/openshift/release-images/_manifests/tags/4.16.5-multi/current/link")
    members[i] = (members[i][0], child["digest"].encode())
elif mode == "truncate":   # the etcd manifest
    i = find(blob_name(link("openshift/release", "4.16.5-multi-etcd")))
    members[i] = (members[i][0], members[i][1][:40])
elif mode == "dangling":
    i = find("repositories/rhel9/postgresql-15/_manifests/tags/latest/current/link")
    members[i] = (members[i][0], b"sha256:" + b"0" * 64)
elif mode == "drop-image":   # the ubi image the ISC names: its repository links are gone
    members = [(m, d) for m, d in members if "/repositories/ubi9/ubi/" not in m.name]
elif mode == "drop-s390x":   # a new index without the s390x child, tagged latest
    index = json.loads(members[find(blob_name(link("rhel9/postgresql-15", "latest")))][1])
    index["manifests"] = [m for m in index["manifests"] if m["platform"]["architecture"] != "s390x"]
    data = json.dumps(index).encode(); digest = "sha256:" + hashlib.sha256(data).hexdigest()
    info = tarfile.TarInfo(blob_name(digest)); members.append((info, data))
    i = find("repositories/rhel9/postgresql-15/_manifests/tags/latest/current/link")
    members[i] = (members[i][0], digest.encode())
elif mode == "drop-signature":
    members = [(m, d) for m, d in members if "/release-images/_manifests/tags/sha256-" not in m.name]
elif mode == "signature-of-other":
    index_digest = link("openshift/release-images", "4.16.5-multi")
    index = json.loads(members[find(blob_name(index_digest))][1])
    child = next(m for m in index["manifests"] if m["platform"]["architecture"] == "s390x")
    i = find("repositories/openshift/release-images/_manifests/tags/4.16.5-multi/current/link")
    members[i] = (members[i][0], child["digest"].encode())
    signature_tag = "sha256-" + index_digest.split(":")[1] + ".sig"
    i = find(f"repositories/openshift/release-images/_manifests/tags/{signature_tag}/current/link")
    info = tarfile.TarInfo(members[i][0].name.replace(signature_tag, "sha256-" + child["digest"].split(":")[1] + ".sig"))
    members.append((info, members[i][1]))
elif mode == "openpgp-signature":
    i = find("-sha256-" + link("openshift/release-images", "4.16.5-multi").split(":")[1])
    assert "/working-dir/signatures/" in "/" + members[i][0].name, members[i][0].name
    if argument == "-":
        del members[i]
    else:
        members[i] = (members[i][0], open(argument, "rb").read())
elif mode == "agent-content":
    names = ["mce-operator-bundle", "backplane-rhel9-operator", "hypershift-rhel9-operator",
             "assisted-service-9-rhel9", "assisted-image-service-rhel9", "assisted-installer-rhel9",
             "assisted-installer-agent-rhel9", "assisted-installer-reporter-rhel9"]
    ubi = "/repositories/ubi9/ubi/"
    for name in names:
        if name == argument:
            continue
        for member, data in [(m, d) for m, d in members if ubi in m.name]:
            info = tarfile.TarInfo(member.name.replace(ubi, f"/repositories/multicluster-engine/{name}/"))
            info.type, info.mode = member.type, member.mode
            members.append((info, data))
else:
    sys.exit(f"unknown mode {mode}")
with tarfile.open(target, "w", format=tarfile.PAX_FORMAT) as out:
    for member, data in members:
        member.size = len(data)
        out.addfile(member, io.BytesIO(data))
