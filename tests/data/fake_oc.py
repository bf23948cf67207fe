#!/usr/bin/env python3
"""A stand-in for `oc`, for tests/cli/apply_cluster.sh and the demo only.

No OpenShift API server can run on the test machine, so apply-cluster.sh is tested against this
stand-in; it is the only one the project allows (everything else runs the real thing). It is
strict so that a wrong script fails: it keeps the cluster's objects in the JSON file
$FAKE_OC_STATE (keys "Kind/namespace/name"), appends each call to $FAKE_OC_LOG, validates every
object it is given against the schema of its kind in tests/data/schemas (a kind without one is
refused), keeps a resourceVersion per object and refuses a write that names an older one, and
refuses any verb, flag or resource it does not know. Verbs: get (-o json|name|jsonpath=...,
--ignore-not-found, -A), apply -f, create -f (refused when the object exists), replace -f
(refused when it does not, or names another resourceVersion), each with an object or a List,
patch --type=merge --patch-file, diff -f, rollout restart|status; writes honour
--dry-run=server (validate, change nothing).
"""

import copy
import json
import os
import pathlib
import re
import sys

import jsonschema
import yaml

SCHEMAS = pathlib.Path(__file__).resolve().parent / "schemas"

# resource names oc accepts -> (kind, namespaced, schema file)
RESOURCES = {}
for names, kind, namespaced, schema in (
        (("configmap", "configmaps", "cm"), "ConfigMap", True, "configmap.json"),
        (("secret", "secrets"), "Secret", True, "secret.json"),
        (("image.config.openshift.io",), "Image", False, "image.config.json"),
        (("agentserviceconfig", "agentserviceconfigs"), "AgentServiceConfig", False, "agentserviceconfig.json"),
        (("imagedigestmirrorset", "imagedigestmirrorsets", "idms"), "ImageDigestMirrorSet", False,
         "imagedigestmirrorset.json"),
        (("imagetagmirrorset", "imagetagmirrorsets", "itms"), "ImageTagMirrorSet", False, "imagetagmirrorset.json"),
        (("imagecontentsourcepolicy", "imagecontentsourcepolicies", "icsp"), "ImageContentSourcePolicy", False,
         "imagecontentsourcepolicy.json"),
        (("hostedcluster", "hostedclusters", "hc"), "HostedCluster", True, "hostedcluster.json"),
        (("catalogsource", "catalogsources"), "CatalogSource", True, "catalogsource.json"),
        (("clustercatalog", "clustercatalogs"), "ClusterCatalog", False, "clustercatalog.json"),
        (("updateservice", "updateservices"), "UpdateService", True, "updateservice.json"),
        (("crd", "customresourcedefinition"), "CustomResourceDefinition", False, None),
        (("deployment", "deployments"), "Deployment", True, None)):
    for name in names:
        RESOURCES[name] = (kind, namespaced, schema)
BY_KIND = {kind: (namespaced, schema) for kind, namespaced, schema in RESOURCES.values()}

VALUE_FLAGS = {"-n", "-o", "-f", "--type", "--patch-file", "--timeout"}
SWITCHES = {"-A", "--ignore-not-found"}


def fail(text, status=1):
    print(f"Error from server: {text}", file=sys.stderr)
    sys.exit(status)


def parse(argv):
    options, words = {}, []
    i = 0
    while i < len(argv):
        arg = argv[i]
        if arg.startswith("--") and "=" in arg:
            key, value = arg.split("=", 1)
            if key not in VALUE_FLAGS and key != "--dry-run":
                fail(f"unknown flag: {key}")
            options[key] = value
        elif arg in VALUE_FLAGS:
            options[arg] = argv[i + 1]
            i += 1
        elif arg in SWITCHES:
            options[arg] = True
        elif arg.startswith("-"):
            fail(f"unknown flag: {arg}")
        else:
            words.append(arg)
        i += 1
    return options, words


def resource(word):
    if word.lower() not in RESOURCES:
        fail(f'the server doesn\'t have a resource type "{word}"')
    return RESOURCES[word.lower()]


def key_of(kind, namespace, name):
    return f"{kind}/{namespace if BY_KIND[kind][0] else ''}/{name}"


def validate(document):
    if not isinstance(document, dict) or not isinstance(document.get("kind"), str):
        fail("not a Kubernetes object")
    kind = document["kind"]
    if kind not in BY_KIND or BY_KIND[kind][1] is None:
        fail(f"this stand-in has no schema for kind {kind}: the script applies something unexpected")
    schema = json.loads((SCHEMAS / BY_KIND[kind][1]).read_text())
    try:
        jsonschema.validate(document, schema)
    except jsonschema.ValidationError as error:
        fail(f"{kind} {document.get('metadata', {}).get('name')} is invalid: "
             f"{list(error.absolute_path)}: {error.message}", 1)


def jsonpath(document, expression):
    path = re.fullmatch(r"\{\.(.*)\}", expression).group(1)
    for part in re.split(r"(?<!\\)\.", path):
        part = part.replace("\\.", ".")
        if not isinstance(document, dict) or part not in document:
            return ""
        document = document[part]
    return document if isinstance(document, str) else json.dumps(document)


def merge_patch(target, patch):
    if not isinstance(patch, dict):
        return patch
    result = dict(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            result.pop(key, None)
        else:
            result[key] = merge_patch(result.get(key), value)
    return result


def load_documents(path):
    text = open(path).read()
    documents = []
    for document in yaml.safe_load_all(text):
        if isinstance(document, dict) and document.get("kind") == "List":
            documents.extend(document.get("items", []))
        elif document is not None:
            documents.append(document)
    return documents


class Cluster:
    def __init__(self):
        with open(os.environ["FAKE_OC_STATE"]) as f:
            self.objects = json.load(f)

    def save(self):
        with open(os.environ["FAKE_OC_STATE"], "w") as f:
            json.dump(self.objects, f, indent=1, sort_keys=True)

    def write(self, key, document, dry):
        validate(document)
        live = self.objects.get(key)
        version = document.get("metadata", {}).get("resourceVersion")
        current = None if live is None else version_of(live)
        if version is not None and version != current:
            fail(f'Operation cannot be fulfilled on {key}: the object has been modified (resourceVersion {version}, '
                 f'live {current})')
        if dry == "none":
            stored = copy.deepcopy(document)
            if version is not None and live is not None and "resourceVersion" not in live.get("metadata", {}):
                stored["metadata"].pop("resourceVersion")  # as read: the state keeps what it had
            if stored != live:
                stored.setdefault("metadata", {})["resourceVersion"] = str(int(current or 0) + 1)
            self.objects[key] = stored


def version_of(document):
    """Every object a server returns has a resourceVersion: "1" where the state file gives none."""
    return document.get("metadata", {}).get("resourceVersion", "1")


def as_served(document):
    served = copy.deepcopy(document)
    if isinstance(served.get("metadata"), dict):
        served["metadata"]["resourceVersion"] = version_of(document)
    return served


def command_get(cluster, options, words):
    output = options.get("-o", "")
    if len(words) == 1 and "/" in words[0]:
        words = words[0].split("/", 1)
    kind, namespaced, _ = resource(words[0])
    namespace = options.get("-n", "")
    if len(words) == 1:
        items = [as_served(o) for k, o in sorted(cluster.objects.items())
                 if k.split("/")[0] == kind and (options.get("-A") or not namespaced or k.split("/")[1] == namespace)]
        if output == "json":
            print(json.dumps({"apiVersion": "v1", "kind": "List", "items": items}, indent=1))
        elif output == "name":
            for item in items:
                print(f"{words[0].lower()}/{item['metadata']['name']}")
        else:
            fail(f"-o {output}: not expected for a list")
        return
    key = key_of(kind, namespace, words[1])
    if key not in cluster.objects:
        if options.get("--ignore-not-found"):
            return
        fail(f'{words[0]} "{words[1]}" not found (NotFound)')
    document = cluster.objects[key]
    if output == "json":
        print(json.dumps(as_served(document), indent=1))
    elif output == "name":
        print(f"{words[0].lower()}/{words[1]}")
    elif output.startswith("jsonpath="):
        print(jsonpath(document, output.removeprefix("jsonpath=")), end="")
    else:
        fail(f"-o {output}: not expected")


def command_diff(cluster, options):
    status = 0
    for document in load_documents(options["-f"]):
        namespace = document.get("metadata", {}).get("namespace", "")
        live = cluster.objects.get(key_of(document["kind"], namespace, document["metadata"]["name"]))
        if live is None or merge_patch(live, document) != live:
            print(f"diff {document['kind']} {document['metadata']['name']}")
            status = 1
    sys.exit(status)


def main():
    argv = sys.argv[1:]
    with open(os.environ["FAKE_OC_LOG"], "a") as log:
        log.write(" ".join(argv) + "\n")
    cluster = Cluster()
    options, words = parse(argv)
    if not words:
        fail("no verb")
    verb, words = words[0], words[1:]
    dry = options.get("--dry-run", "none")
    if dry not in ("none", "server"):
        fail(f"--dry-run={dry}: this test expects none or server")

    if verb == "get":
        command_get(cluster, options, words)
        return
    if verb == "diff":
        command_diff(cluster, options)
    if verb in ("apply", "create", "replace"):
        for document in load_documents(options["-f"]):
            validate(document)
            namespace = document["metadata"].get("namespace", "")
            key = key_of(document["kind"], namespace, document["metadata"]["name"])
            if verb == "create" and key in cluster.objects:
                fail(f"{key} already exists (AlreadyExists)")
            if verb == "replace" and key not in cluster.objects:
                fail(f"{key} not found (NotFound)")
            if verb == "replace" and "resourceVersion" not in document["metadata"]:
                fail(f"{key}: this test expects replace to name the resourceVersion it read")
            cluster.write(key, document, dry)
    elif verb == "patch":
        if options.get("--type") != "merge":
            fail("only --type=merge is expected")
        words = words[0].split("/", 1) if len(words) == 1 and "/" in words[0] else words
        kind = resource(words[0])[0]
        key = key_of(kind, options.get("-n", ""), words[1])
        if key not in cluster.objects:
            fail(f"{key} not found (NotFound)")
        patched = merge_patch(cluster.objects[key], yaml.safe_load(open(options["--patch-file"])))
        patched["metadata"].pop("resourceVersion", None)
        cluster.write(key, patched, dry)
    elif verb == "rollout" and words[:1] in (["restart"], ["status"]):
        target = words[1].split("/", 1)
        key = key_of(resource(target[0])[0], options.get("-n", ""), target[1])
        if key not in cluster.objects:
            fail(f"{key} not found (NotFound)")
        if words[0] == "restart":
            restarts = cluster.objects[key].setdefault("status", {}).get("restarts", 0)
            cluster.objects[key]["status"]["restarts"] = restarts + 1
    else:
        fail(f"unexpected command: {' '.join(argv)}")
    cluster.save()


if __name__ == "__main__":
    main()
