#!/usr/bin/env python3
"""A stand-in for `oc`, for tests/cli/apply_cluster.sh only.

No OpenShift API server can run on the test machine, so apply-cluster.sh is tested against this
stand-in; it is the only one the project allows (everything else runs the real thing). It keeps
the cluster's objects in the JSON file $FAKE_OC_STATE, appends each call's arguments to
$FAKE_OC_LOG, and does what the script uses: get (jsonpath), apply -f, patch --type=merge
--patch-file, set data --from-file, each honouring --dry-run=server (validate, change nothing).
"""

import json
import os
import re
import sys

import yaml

KINDS = {
    "image.config.openshift.io": "Image",
    "configmap": "ConfigMap",
    "secret": "Secret",
    "agentserviceconfig": "AgentServiceConfig",
    "crd": "CustomResourceDefinition",
}


def fail(text):
    print(f"Error from server: {text}", file=sys.stderr)
    sys.exit(1)


def parse(argv):
    options, words = {}, []
    i = 0
    while i < len(argv):
        arg = argv[i]
        if arg.startswith("--") and "=" in arg:
            key, value = arg[2:].split("=", 1)
            options.setdefault(key, []).append(value)
        elif arg in ("-n", "-o", "-f", "--type"):
            options.setdefault(arg.lstrip("-"), []).append(argv[i + 1])
            i += 1
        else:
            words.append(arg)
        i += 1
    return options, words


def resource_key(words, namespace):
    """['configmap/x'] or ['configmap', 'x'] -> 'ConfigMap/<ns>/x'."""
    if len(words) == 1 and "/" in words[0]:
        kind, name = words[0].split("/", 1)
    elif len(words) == 2:
        kind, name = words
    else:
        fail(f"cannot name a resource from {words}")
    kind = KINDS.get(kind.lower(), kind)
    scoped = kind in ("ConfigMap", "Secret")
    return f"{kind}/{namespace if scoped else ''}/{name}"


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


def main():
    argv = sys.argv[1:]
    with open(os.environ["FAKE_OC_LOG"], "a") as log:
        log.write(" ".join(argv) + "\n")
    with open(os.environ["FAKE_OC_STATE"]) as f:
        state = json.load(f)
    options, words = parse(argv)
    verb, words = words[0], words[1:]
    namespace = options.get("n", [""])[0]
    dry = options.get("dry-run", ["none"])[0]
    if dry not in ("none", "server"):
        fail(f"--dry-run={dry}: this test expects none or server")

    if verb == "get":
        key = resource_key(words, namespace)
        if key not in state:
            fail(f'{key} not found (NotFound)')
        if "o" in options:
            print(jsonpath(state[key], options["o"][0].removeprefix("jsonpath=")), end="")
        return
    if verb == "apply":
        document = yaml.safe_load(open(options["f"][0]))
        if not isinstance(document, dict) or "kind" not in document or "name" not in document.get("metadata", {}):
            fail(f"{options['f'][0]}: not a Kubernetes object")
        metadata = document["metadata"]
        key = f"{document['kind']}/{metadata.get('namespace', '') if document['kind'] in ('ConfigMap', 'Secret') else ''}/{metadata['name']}"
        update = document
    elif verb == "patch":
        if options.get("type") != ["merge"]:
            fail("only --type=merge is expected")
        key = resource_key(words, namespace)
        if key not in state:
            fail(f"{key} not found (NotFound)")
        update = merge_patch(state[key], yaml.safe_load(open(options["patch-file"][0])))
    elif verb == "set" and words[0] == "data":
        key = resource_key(words[1:], namespace)
        if key not in state:
            fail(f"{key} not found (NotFound)")
        update = json.loads(json.dumps(state[key]))
        for source in options.get("from-file", []):
            name, path = source.split("=", 1)
            update.setdefault("data", {})[name] = open(path).read()
    else:
        fail(f"unexpected command: {' '.join(argv)}")
    if dry == "none":
        state[key] = update
        with open(os.environ["FAKE_OC_STATE"], "w") as f:
            json.dump(state, f, indent=1, sort_keys=True)


if __name__ == "__main__":
    main()
