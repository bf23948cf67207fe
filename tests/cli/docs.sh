#!/usr/bin/env bash
# The man pages and the bash completion against the programs: every option each command's
# table accepts appears in the completion (generated from those tables by
# scripts/gen-completion.sh) and in the man page of its program (docs/man, written by hand);
# every man page renders with scdoc; the completion completes commands and options in bash.
source "$(dirname "$0")/lib.sh"
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$work"

bash "$root/scripts/gen-completion.sh" "$ZBUNDLE" "$ZBUNDLE_EXTRACT" completion
bash -n completion || fail "the generated completion is not valid bash"
for page in "$root"/docs/man/*.scd; do
  rendered=$work/$(basename "$page" .scd)
  scdoc <"$page" >"$rendered" || fail "scdoc cannot render $page"
done

commands() { "$@" --help | sed -n '/^commands:/,/^$/p' | grep -oE '^  [a-z][a-z-]*' | sed 's/^ *//' | sort -u; }
checked=0
for program in zbundle zbundle-extract; do
  run=(zb)
  [ $program = zbundle-extract ] && run=(zbx)
  page=$root/docs/man/$program.1.scd
  for command in $(commands "${run[@]}"); do
    grep -q "^## $command\b" "$page" || fail "$program(1) has no section for $command"
    grep -q "\"$program $command\")" completion || fail "the completion lacks $program $command"
    for option in $("${run[@]}" "$command" --help | grep -oE '^  (-[a-zA-Z] \[ )?--[a-z0-9-]+' | grep -oE -- '--[a-z0-9-]+'); do
      grep -q -- "\*$option\*" "$page" || fail "$program(1) does not document $command $option"
      grep "\"$program $command\")" completion | grep -q -- "$option\b" \
        || fail "the completion of $program $command lacks $option"
      checked=$((checked + 1))
    done
  done
done
[ "$checked" -gt 100 ] || fail "only $checked options found: did the help format change?"

# The completion at work, in bash.
complete_words() { # WORD... : the candidates for the last word
  bash -c 'source ./completion; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _zbundle_complete; printf "%s\n" "${COMPREPLY[@]}"' _ "$@"
}
complete_words zbundle cre | grep -qx create || fail "zbundle cre does not complete to create"
complete_words zbundle create --sign | grep -qx -- --sign-key || fail "create --sign does not complete --sign-key"
complete_words zbundle-extract expand --no | grep -qx -- --no-space-check || fail "expand --no does not complete"
complete_words zbundle-extract verify --trust | grep -qx -- --trust-dir || fail "verify --trust does not offer --trust-dir"
echo "docs: $checked options in the man pages and the completion, ok"
