#!/usr/bin/env bash
# Checks the four packages of one architecture in DIR as an admin would meet them:
#   tests/package/check_packages.sh DIR x86_64|s390x
# each .deb unpacked (dpkg -x) and its binaries run (under qemu for s390x): --version naming the
# commit the package version names, a bundle made from a generated sample by the installed
# zbundle and verified by the installed zbundle-extract; the man pages and the completion in
# place; the dependencies declared (x86_64: glibc >= 2.34 and nothing newer used, as RHEL 9
# has; s390x: static, none); each .rpm's files and requirements read with rpm -qpl / -qpR.
set -euo pipefail
dir=${1:?usage: check_packages.sh DIR x86_64|s390x}
arch=${2:?usage: check_packages.sh DIR x86_64|s390x}
root=$(cd "$(dirname "$0")/../.." && pwd)
fail() { echo "check_packages: FAIL: $*" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

case "$arch" in
  x86_64) deb_arch=amd64; run=() ;;
  s390x) deb_arch=s390x; run=(qemu-s390x-static) ;;
  *) fail "unknown architecture $arch" ;;
esac
# one_file PATTERN: the single file of DIR matching PATTERN
one_file() {
  local found
  mapfile -t found < <(find "$dir" -maxdepth 1 -type f -name "$1")
  [ ${#found[@]} -eq 1 ] || fail "expected one $1 in $dir, found: ${found[*]}"
  echo "${found[0]}"
}
zbundle_deb=$(one_file "zbundle_*_$deb_arch.deb")
extract_deb=$(one_file "zbundle-extract_*_$deb_arch.deb")
zbundle_rpm=$(one_file "zbundle-[0-9]*.$arch.rpm")
extract_rpm=$(one_file "zbundle-extract-[0-9]*.$arch.rpm")

# --- .deb: unpacked, looked at, run ---------------------------------------------------------
installed=$work/root
dpkg -x "$zbundle_deb" "$installed"
dpkg -x "$extract_deb" "$installed"
for file in usr/bin/zbundle usr/bin/zbundle-extract usr/share/man/man1/zbundle.1 \
  usr/share/man/man1/zbundle-extract.1 usr/share/man/man5/zbundle-bundle.5 \
  usr/share/bash-completion/completions/zbundle usr/share/bash-completion/completions/zbundle-extract; do
  [ -f "$installed/$file" ] || fail "no /$file in the packages"
done
for deb in "$zbundle_deb" "$extract_deb"; do
  [ "$(dpkg-deb -f "$deb" Architecture)" = "$deb_arch" ] || fail "$deb is not for $deb_arch"
  depends=$(dpkg-deb -f "$deb" Depends)
  if [ "$arch" = s390x ]; then
    [ -z "$depends" ] || fail "$deb (static) depends on: $depends"
  else
    grep -q 'libc6 (>= 2\.34)' <<<"$depends" || fail "$deb does not declare glibc 2.34: $depends"
  fi
done
for binary in zbundle zbundle-extract; do
  program=$installed/usr/bin/$binary
  description=$(file -b "$program")
  if ! grep -q 'stripped' <<<"$description" || grep -q 'not stripped' <<<"$description"; then
    fail "$binary is not stripped: $description"
  fi
  if [ "$arch" = s390x ]; then
    grep -q 'statically linked' <<<"$description" || fail "$binary is not static: $description"
  else
    # RHEL 9 has glibc 2.34: no symbol of a newer version may be asked for.
    newest=$(objdump -T "$program" | grep -o 'GLIBC_[0-9.]*' | sed 's/GLIBC_//' | sort -uV | tail -1)
    [ "$(printf '%s\n2.34\n' "$newest" | sort -V | tail -1)" = 2.34 ] \
      || fail "$binary needs GLIBC_$newest, newer than RHEL 9's 2.34"
    libraries=$(objdump -p "$program" | awk '/NEEDED/ {print $2}' | sort | tr '\n' ' ')
    [ "$libraries" = "ld-linux-x86-64.so.2 libc.so.6 libgcc_s.so.1 libm.so.6 " ] \
      || [ "$libraries" = "libc.so.6 libgcc_s.so.1 libm.so.6 " ] \
      || fail "$binary links more than glibc and libgcc_s: $libraries"
  fi
  version=$("${run[@]}" "$program" --version | head -1)
  commit=$(sed -n 's/.*(commit \([^)]*\)).*/\1/p' <<<"$version" | tr - .)
  package_version=$(dpkg-deb -f "$([ $binary = zbundle ] && echo "$zbundle_deb" || echo "$extract_deb")" Version)
  [[ "$package_version" == *"+git$commit-1" ]] \
    || fail "$binary --version names commit '$commit', the package is $package_version"
done

# A real job with the installed binaries: the sample packed, signed, verified.
cd "$work"
sample=${SAMPLE:-$work/sample}
[ -d "$sample/v2" ] || "$root/scripts/make-sample.sh" "$sample" >/dev/null
zbundle=("${run[@]}" "$installed/usr/bin/zbundle")
zbundle_extract=("${run[@]}" "$installed/usr/bin/zbundle-extract")
"${zbundle[@]}" keygen --out signer >/dev/null
"${zbundle[@]}" create "$sample/v2" --release-key "$sample/release-key.pem" \
  --release-keyring "$sample/release-keyring.gpg" --sign-key signer.key -o sample.zb >/dev/null 2>create.err \
  || fail "the installed zbundle cannot create a bundle: $(cat create.err)"
"${zbundle_extract[@]}" verify sample.zb --pubkey signer.pub >verify.out \
  || fail "the installed zbundle-extract cannot verify the bundle"
grep -q '^verified sample.zb' verify.out || fail "verify said: $(cat verify.out)"
man -l "$installed/usr/share/man/man1/zbundle-extract.1" >/dev/null 2>&1 \
  || ! command -v man >/dev/null || fail "man cannot read zbundle-extract.1"

# --- .rpm: files, architecture, requirements -------------------------------------------------
for rpm_file in "$zbundle_rpm" "$extract_rpm"; do
  [ "$(rpm -qp --qf '%{ARCH}' "$rpm_file" 2>/dev/null)" = "$arch" ] || fail "$rpm_file is not for $arch"
  rpm -qpl "$rpm_file" 2>/dev/null >files
  requires=$(rpm -qpR "$rpm_file" 2>/dev/null)
  if [ "$arch" = s390x ]; then
    ! grep -v '^rpmlib(' <<<"$requires" | grep -q . || fail "$rpm_file (static) requires: $requires"
  else
    grep -q '^libc.so.6(GLIBC_2.34)(64bit)$' <<<"$requires" || fail "$rpm_file does not require glibc 2.34"
    ! grep -E 'GLIBC_2\.(3[5-9]|[4-9][0-9])' <<<"$requires" || fail "$rpm_file requires a glibc newer than 2.34"
  fi
  case "$rpm_file" in
    */zbundle-extract-*) want=(/usr/bin/zbundle-extract /usr/share/man/man1/zbundle-extract.1 /usr/share/man/man5/zbundle-bundle.5 /usr/share/bash-completion/completions/zbundle-extract) ;;
    *) want=(/usr/bin/zbundle /usr/share/man/man1/zbundle.1 /usr/share/bash-completion/completions/zbundle) ;;
  esac
  for file in "${want[@]}"; do grep -qx "$file" files || fail "$rpm_file lacks $file: $(cat files)"; done
  [ "$(wc -l <files)" -eq "${#want[@]}" ] || fail "$rpm_file holds more than its files: $(cat files)"
done
echo "check_packages: $arch .deb and .rpm of zbundle and zbundle-extract install, run and declare their dependencies"
