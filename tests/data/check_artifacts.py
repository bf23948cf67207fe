#!/usr/bin/env python3
"""Checks a directory that `zbundle artifacts` wrote, independently of zbundle's code.

Every manifest parses back and is validated against the schemas in tests/data/schemas (see
SOURCE.md there); the mirror's three spellings, the CA, the mirrors and the merged pull secret
are recomputed here from the command's inputs and compared structurally.

usage: check_artifacts.py DIR --mirror M --ca CA.pem [--pull-secret F --mirror-auth F]
Exit 0 when everything holds, 1 with one line per problem otherwise.
"""

import argparse
import copy
import json
import os
import pathlib
import re
import stat
import sys
import tomllib

import jsonschema
import yaml

SCHEMAS = pathlib.Path(__file__).resolve().parent / "schemas"
problems = []


def problem(text):
    problems.append(text)


def schema(name):
    return json.loads((SCHEMAS / name).read_text())


def validate(document, schema_name, where):
    try:
        jsonschema.validate(document, schema(schema_name))
    except jsonschema.ValidationError as error:
        problem(f"{where}: not a valid {schema_name}: {list(error.absolute_path)}: {error.message}")


def merge_patch(target, patch):
    """RFC 7386 JSON merge patch."""
    if not isinstance(patch, dict):
        return patch
    result = copy.deepcopy(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            result.pop(key, None)
        else:
            result[key] = merge_patch(result.get(key), value)
    return result


def mirror_parts(text):
    """HOST[:PORT][/NS] -> (host, port or None, namespace)."""
    match = re.fullmatch(r"(\[[0-9a-fA-F:.]+\]|[^:/]+)(?::(\d+))?(?:/(.*))?", text)
    if not match:
        sys.exit(f"check_artifacts: bad --mirror {text}")
    return match.group(1), match.group(2), match.group(3) or ""


def pem_bodies(text):
    return re.findall(r"-----BEGIN CERTIFICATE-----\s*(.*?)\s*-----END CERTIFICATE-----", text, re.S)


def load_yaml_documents(directory, name):
    try:
        documents = [d for d in yaml.safe_load_all((directory / name).read_text()) if d is not None]
    except (OSError, yaml.YAMLError) as error:
        problem(f"{name}: does not parse: {error}")
        return []
    if not documents:
        problem(f"{name}: no YAML document")
    return documents


def load_yaml(directory, name):
    try:
        documents = list(yaml.safe_load_all((directory / name).read_text()))
    except (OSError, yaml.YAMLError) as error:
        problem(f"{name}: does not parse: {error}")
        return None
    if len(documents) != 1:
        problem(f"{name}: {len(documents)} YAML documents, expected 1")
        return None
    return documents[0]


def check_trust(directory, host, port, ca_text):
    key = host + (f"..{port}" if port else "")
    bodies = pem_bodies(ca_text)
    registry = load_yaml(directory, "registry-config.yaml")
    if registry is not None:
        validate(registry, "configmap.json", "registry-config.yaml")
        if registry["metadata"] != {"name": "registry-config", "namespace": "openshift-config"}:
            problem(f"registry-config.yaml: metadata {registry['metadata']}")
        if list(registry.get("data", {})) != [key]:
            problem(f"registry-config.yaml: data keys {list(registry.get('data', {}))}, expected [{key}]")
        elif pem_bodies(registry["data"][key]) != bodies:
            problem("registry-config.yaml: the CA differs from --ca")
    image = load_yaml(directory, "image-config-patch.yaml")
    base = {"apiVersion": "config.openshift.io/v1", "kind": "Image", "metadata": {"name": "cluster"}, "spec": {}}
    if image is not None:
        patched = merge_patch(base, image)
        validate(patched, "image.config.json", "image-config-patch.yaml (merged)")
        if patched["spec"].get("additionalTrustedCA") != {"name": "registry-config"}:
            problem(f"image-config-patch.yaml: {image}")
    if pem_bodies((directory / "ca-bundle.crt").read_text()) != bodies:
        problem("ca-bundle.crt: differs from --ca")
    return bodies


def check_mirror_config(directory, location, bodies):
    config = load_yaml(directory, "mirror-config.yaml")
    if config is None:
        return
    validate(config, "configmap.json", "mirror-config.yaml")
    if config["metadata"] != {"name": "mirror-config", "namespace": "multicluster-engine",
                              "labels": {"app": "assisted-service"}}:
        problem(f"mirror-config.yaml: metadata {config['metadata']}")
    data = config.get("data", {})
    if sorted(data) != ["ca-bundle.crt", "registries.conf"]:
        problem(f"mirror-config.yaml: data keys {sorted(data)}")
        return
    if pem_bodies(data["ca-bundle.crt"]) != bodies:
        problem("mirror-config.yaml: ca-bundle.crt differs from --ca")
    if data["registries.conf"] != (directory / "registries.conf").read_text():
        problem("mirror-config.yaml: registries.conf differs from registries.conf")
    conf = tomllib.loads(data["registries.conf"])
    for registry in conf.get("registry", []):
        mirrors = registry.get("mirror", [])
        if registry.get("mirror-by-digest-only") and any("pull-from-mirror" in m for m in mirrors):
            problem(f"registries.conf: {registry['location']}: mirror-by-digest-only and pull-from-mirror")
        for mirror in mirrors:
            if not mirror["location"].startswith(location + "/"):
                problem(f"registries.conf: mirror {mirror['location']} is not below {location}")
    patch = load_yaml(directory, "agentserviceconfig-patch.yaml")
    if patch is not None:
        claim = {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "10Gi"}}}
        base = {"apiVersion": "agent-install.openshift.io/v1beta1", "kind": "AgentServiceConfig",
                "metadata": {"name": "agent"},
                "spec": {"databaseStorage": claim, "filesystemStorage": claim}}
        patched = merge_patch(base, patch)
        validate(patched, "agentserviceconfig.json", "agentserviceconfig-patch.yaml (merged)")
        if patched["spec"].get("mirrorRegistryRef") != {"name": "mirror-config"}:
            problem(f"agentserviceconfig-patch.yaml: {patch}")


def check_mirror_sets(directory, location):
    icsp = load_yaml(directory, "icsp.yaml")
    if icsp is not None:
        if not isinstance(icsp, list) or not icsp:
            problem("icsp.yaml: the root is not a non-empty list")
        for item in icsp or []:
            if set(item) != {"source", "mirrors"} or not all(m.startswith(location + "/") for m in item["mirrors"]):
                problem(f"icsp.yaml: {item}")
    for name, schema_name, field in (("imagedigestmirrorset.yaml", "imagedigestmirrorset.json", "imageDigestMirrors"),
                                     ("imagetagmirrorset.yaml", "imagetagmirrorset.json", "imageTagMirrors"),
                                     ("imagecontentsourcepolicy.yaml", "imagecontentsourcepolicy.json",
                                      "repositoryDigestMirrors")):
        if not (directory / name).exists():
            continue
        documents = load_yaml_documents(directory, name)
        if name == "imagecontentsourcepolicy.yaml" and len(documents) != 1:
            problem(f"{name}: {len(documents)} documents, expected 1")
        names = [d.get("metadata", {}).get("name") for d in documents]
        if name != "imagecontentsourcepolicy.yaml" and (
                not set(names) <= {"zbundle-release", "zbundle-operator", "zbundle-generic"} or len(set(names)) != len(names)):
            problem(f"{name}: objects named {names}, expected one zbundle-<category> each")
        entries = []
        for document in documents:
            validate(document, schema_name, name)
            entries += document["spec"][field]
        for item in entries:
            if not all(m.startswith(location + "/") for m in item.get("mirrors", [])):
                problem(f"{name}: {item}")
        sources = [i["source"] for i in entries]
        if len(sources) != len(set(sources)):
            problem(f"{name}: a source is in two mirror sets")
        if name == "imagedigestmirrorset.yaml" and icsp is not None:
            sets = {(i["source"], tuple(i["mirrors"])) for i in entries}
            if sets != {(i["source"], tuple(i["mirrors"])) for i in icsp}:
                problem("icsp.yaml and imagedigestmirrorset.yaml name different digest sources")


def check_credentials(directory, host, port, pull_secret, mirror_auth):
    key = host + (f":{port}" if port else "")
    merged_path = directory / "pull-secret.json"
    if stat.S_IMODE(os.stat(merged_path).st_mode) != 0o600:
        problem("pull-secret.json: not mode 0600")
    merged = json.loads(merged_path.read_text())["auths"]
    original = json.loads(pathlib.Path(pull_secret).read_text())["auths"]
    for registry, entry in original.items():
        if registry != key and merged.get(registry) != entry:
            problem(f"pull-secret.json: {registry} was not kept")
    wanted = json.loads(pathlib.Path(mirror_auth).read_text())["auths"][key]["auth"]
    if merged.get(key, {}).get("auth") != wanted or "email" not in merged.get(key, {}):
        problem(f"pull-secret.json: auths.{key} is {merged.get(key)}")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("directory", type=pathlib.Path)
    parser.add_argument("--mirror", required=True)
    parser.add_argument("--ca", required=True)
    parser.add_argument("--pull-secret")
    parser.add_argument("--mirror-auth")
    args = parser.parse_args()
    host, port, namespace = mirror_parts(args.mirror)
    location = host + (f":{port}" if port else "") + (f"/{namespace}" if namespace else "")
    bodies = check_trust(args.directory, host, port, pathlib.Path(args.ca).read_text())
    check_mirror_config(args.directory, location, bodies)
    check_mirror_sets(args.directory, location)
    if args.pull_secret:
        check_credentials(args.directory, host, port, args.pull_secret, args.mirror_auth)
    for path in sorted(args.directory.glob("*.yaml")):
        if not path.name.endswith("mirrorset.yaml"):  # one object per file, but the mirror sets
            load_yaml(args.directory, path.name)
    for line in problems:
        print(line)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
