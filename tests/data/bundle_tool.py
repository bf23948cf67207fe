#!/usr/bin/env python3
"""Rewrites a zbundle for tamper tests: splits the zstd/tar stream into its members, applies
one change, and writes it back with one zstd frame per member (bundle-schema/README.md).

  bundle_tool.py B OUT flip NAME          flip a byte of member NAME's data
  bundle_tool.py B OUT swap NAME NAME     exchange two members
  bundle_tool.py B OUT extra NAME         add a regular member NAME before the index
  bundle_tool.py B OUT symlink NAME       add a symlink member NAME before the index
  bundle_tool.py B OUT hardlink NAME      add a hardlink member NAME before the index
  bundle_tool.py B OUT replace NAME FILE  replace member NAME's content with FILE
  bundle_tool.py B OUT merge NAME         put member NAME and the next one into one frame
  bundle_tool.py B OUT rehead NAME HOW    write member NAME's header again, otherwise than the
                                          format fixes it (no key needed: headers are not
                                          signed as such); HOW is mode, owner, comment, global,
                                          longname, type7 or base256
  bundle_tool.py B OUT canonical          write to OUT each member whose header blocks differ
                                          from what Python's tarfile writes for its path, size
                                          and the manifest's created time; exit 1 if any
  bundle_tool.py B OUT members            write the member names, one per line, to OUT
  bundle_tool.py B OUT edit KEY SCRIPT    run the Python SCRIPT on the manifest (a dict named
                                          `manifest`; it may set `replace` to a pair
                                          (OLD, NEW) for the serialized text), then re-sign
                                          it and a rebuilt index with the Ed25519 KEY: only
                                          the reader's own rules can stop the result
  bundle_tool.py B OUT inject TAR KEY [SIZE_DELTA]
                                          put TAR's members (made with bsdtar, i.e. libarchive)
                                          before the index, list them in the manifest (sizes off
                                          by SIZE_DELTA) and re-sign it with the Ed25519 KEY:
                                          only the reader's own rules can stop them then
"""
import datetime
import hashlib
import io
import json
import re
import subprocess
import sys
import tarfile
import tempfile

BLOCK = 512


def padded(size):
    return (size + BLOCK - 1) // BLOCK * BLOCK


def split_members(data):
    """[(name, raw bytes of the member incl. pax header, data offset in raw)], trailer."""
    members, pos = [], 0
    while pos < len(data):
        start = pos
        name = None
        while True:
            header = data[pos:pos + BLOCK]
            if header == b"\0" * BLOCK:
                return members, data[start:]
            size = int(header[124:136].rstrip(b"\0 ") or b"0", 8)
            kind = header[156:157]
            pos += BLOCK
            if kind in (b"x", b"L", b"g", b"K"):
                body = data[pos:pos + size]
                for line in body.decode().splitlines() if kind == b"x" else []:
                    if " path=" in line:
                        name = line.split(" path=", 1)[1]
                pos += padded(size)
                continue
            if name is None:
                prefix = header[345:500].rstrip(b"\0").decode()
                base = header[0:100].rstrip(b"\0").decode()
                name = prefix + "/" + base if prefix else base
            data_offset = pos - start
            pos += padded(size)
            members.append([name, data[start:pos], data_offset])
            break
    raise SystemExit("no end-of-archive blocks")


CREATED = 0  # the manifest's created time: every member carries it (bundle-schema/README.md section 1)


def member_bytes(info, content=b""):
    info.mtime = CREATED
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.PAX_FORMAT) as tar:
        tar.addfile(info, io.BytesIO(content) if content else None)
    raw = buffer.getvalue()
    return raw[: raw.rfind(b"\0" * (2 * BLOCK)) if raw.endswith(b"\0" * (2 * BLOCK)) else len(raw)]


def strip_end(raw):
    # tarfile pads the archive to a record; keep only the member (header(s), data, padding)
    members, _ = split_members(raw + b"\0" * (2 * BLOCK))
    return members[0][1]


def compress(chunk):
    return subprocess.run(["zstd", "-q", "-c", "-3"], input=chunk, stdout=subprocess.PIPE, check=True).stdout


def index_of(members, name):
    for i, member in enumerate(members):
        if member[0] == name:
            return i
    raise SystemExit(f"no member {name}")


def replace_content(members, name, content):
    info = tarfile.TarInfo(name)
    info.size, info.mode = len(content), 0o644
    members[index_of(members, name)][1] = strip_end(member_bytes(info, content))


def rehead(members, name, how):
    member = members[index_of(members, name)]
    content = member_data(member)
    info = tarfile.TarInfo(name)
    info.size, info.mode, info.mtime = len(content), 0o644, CREATED
    tar_format, global_headers = tarfile.PAX_FORMAT, None
    if how == "mode":
        info.mode = 0o777
    elif how == "owner":
        info.uid, info.uname = 1000, "user"
    elif how == "comment":
        info.pax_headers = {"comment": "not signed"}
    elif how == "global":  # GNU tar applies it to every later member: renames them
        global_headers = {"path": "etc/evil"}
    elif how == "longname":  # a GNU 'L' header for a name over 100 bytes
        tar_format = tarfile.GNU_FORMAT
    elif how == "type7":
        info.type = tarfile.CONTTYPE
    elif how != "base256":
        raise SystemExit(f"unknown rehead {how}")
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tar_format, pax_headers=global_headers) as tar:
        tar.addfile(info, io.BytesIO(content))
    raw = bytearray(strip_end(buffer.getvalue()))
    if how == "base256":  # the size field in GNU's binary form, the checksum made right again
        header = len(raw) - padded(len(content)) - BLOCK
        raw[header + 124:header + 136] = b"\x80" + len(content).to_bytes(11, "big")
        raw[header + 148:header + 156] = b" " * 8
        raw[header + 148:header + 155] = b"%06o\0" % sum(raw[header:header + BLOCK])
    member[1] = bytes(raw)


def member_data(member):
    """The data of a member: its last header's size, from where the data starts."""
    raw, offset = member[1], member[2]
    header = raw[offset - BLOCK:offset]
    size = int(header[124:136].rstrip(b"\0 ") or b"0", 8)
    return raw[offset:offset + size]


def resign(members, manifest, key, replace=None):
    text = json.dumps(manifest, separators=(",", ":"), ensure_ascii=False) + "\n"
    if replace:  # for what json cannot write, e.g. nesting past Python's recursion limit
        text = text.replace(*replace)
    text = text.encode()
    replace_content(members, "ZBUNDLE/manifest.json", text)
    replace_content(members, "ZBUNDLE/manifest.sig", sign(key, text))


def sign(key, text):
    with tempfile.NamedTemporaryFile() as signed:  # Ed25519 signs a whole file, not a pipe
        signed.write(text)
        signed.flush()
        return subprocess.run(["openssl", "pkeyutl", "-sign", "-inkey", key, "-rawin", "-in", signed.name],
                              stdout=subprocess.PIPE, check=True).stdout


def reindex(members, key, bundle_id):
    """The signed index made again for the frames as this tool writes them (zstd -3 each)."""
    at = index_of(members, "ZBUNDLE/index.json")
    index = json.loads(member_data(members[at]))
    index["bundle_id"] = bundle_id
    offsets, offset = {}, 0
    for member in members[:at]:
        offsets[member[0]] = offset
        offset += len(compress(member[1]))
    for frame in index["frames"]:
        frame["offset"] = offsets[frame["path"]]
    if "manifest_sha256" in index:
        index["manifest_sha256"] = hashlib.sha256(member_data(members[index_of(members, "ZBUNDLE/manifest.json")])).hexdigest()
    text = (json.dumps(index, separators=(",", ":")) + "\n").encode()
    replace_content(members, "ZBUNDLE/index.json", text)
    replace_content(members, "ZBUNDLE/index.sig", sign(key, text))


def edit(members, key, script):
    manifest = json.loads(member_data(members[index_of(members, "ZBUNDLE/manifest.json")]))
    scope = {"manifest": manifest, "replace": None}
    with open(script) as code:
        exec(compile(code.read(), script, "exec"), scope)
    resign(members, manifest, key, scope["replace"])
    reindex(members, key, manifest["bundle_id"])


def inject(members, tar_path, key, size_delta="0"):
    with open(tar_path, "rb") as f:
        hostile, _ = split_members(f.read())
    manifest = json.loads(member_data(members[index_of(members, "ZBUNDLE/manifest.json")]))
    listed = {entry["path"] for entry in manifest["entries"]}
    for member in hostile:
        data = member_data(member)
        path = member[0].rstrip("/")  # a directory, listed as if it were a file
        if path not in listed:
            listed.add(path)
            manifest["entries"].append({"path": path, "size": len(data) + int(size_delta),
                                        "sha256": hashlib.sha256(data).hexdigest()})
    manifest["totals"] = {"entries": len(manifest["entries"]),
                          "bytes": sum(entry["size"] for entry in manifest["entries"])}
    resign(members, manifest, key)
    at = index_of(members, "ZBUNDLE/index.json")
    members[at:at] = hostile


def main():
    source, out, op, *args = sys.argv[1:]
    data = subprocess.run(["zstd", "-dc", source], stdout=subprocess.PIPE, check=True).stdout
    members, trailer = split_members(data)
    global CREATED
    created = re.search(rb'"created":"([^"]*)"', member_data(members[index_of(members, "ZBUNDLE/manifest.json")])).group(1).decode()
    CREATED = int(datetime.datetime.strptime(created, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=datetime.timezone.utc).timestamp())
    if op == "canonical":
        differing = []
        for name, raw, offset in members:
            info = tarfile.TarInfo(name)
            info.size, info.mode = len(member_data([name, raw, offset])), 0o644
            expected = member_bytes(info)[:offset]
            if raw[:offset] != expected:
                differing.append(name)
        with open(out, "w") as listing:
            listing.write("".join(name + "\n" for name in differing))
        sys.exit(1 if differing else 0)
    if op == "members":
        with open(out, "w") as listing:
            listing.write("".join(m[0] + "\n" for m in members))
        return
    frames = None
    if op == "flip":
        member = members[index_of(members, args[0])]
        raw = bytearray(member[1])
        raw[member[2]] ^= 0x01
        member[1] = bytes(raw)
    elif op == "swap":
        i, j = index_of(members, args[0]), index_of(members, args[1])
        members[i], members[j] = members[j], members[i]
    elif op in ("extra", "symlink", "hardlink"):
        info = tarfile.TarInfo(args[0])
        content = b""
        if op == "extra":
            content = b"smuggled\n"
            info.size = len(content)
        elif op == "symlink":
            info.type, info.linkname = tarfile.SYMTYPE, "/etc/shadow"
        else:
            info.type, info.linkname = tarfile.LNKTYPE, members[2][0]
        members.insert(index_of(members, "ZBUNDLE/index.json"), [args[0], strip_end(member_bytes(info, content)), 0])
    elif op == "replace":
        with open(args[1], "rb") as replacement:
            content = replacement.read()
        info = tarfile.TarInfo(args[0])
        info.size, info.mode = len(content), 0o644
        members[index_of(members, args[0])][1] = strip_end(member_bytes(info, content))
    elif op == "inject":
        inject(members, *args)
    elif op == "edit":
        edit(members, *args)
    elif op == "rehead":
        rehead(members, *args)
    elif op == "merge":
        i = index_of(members, args[0])
        frames = [m[1] for m in members[:i]] + [members[i][1] + members[i + 1][1]] + [m[1] for m in members[i + 2:]]
    else:
        raise SystemExit(f"unknown operation {op}")
    if frames is None:
        frames = [m[1] for m in members]
    with open(out, "wb") as bundle:
        for chunk in frames + [trailer]:
            bundle.write(compress(chunk))


if __name__ == "__main__":
    main()
