#!/usr/bin/env bash
# capflow completion bash|zsh|fish: scripts that their shell parses (bash -n; zsh -n and
# fish -n when installed), that complete the commands, and an unknown shell is exit 2.
set -euo pipefail
capflow=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$capflow" completion bash > "$tmp/c.bash"
bash -n "$tmp/c.bash"
# Complete "capflow wat" and "capflow waterfall --pro" in bash itself.
out=$(bash -c 'source "$1"; COMP_WORDS=(capflow wat); COMP_CWORD=1; _capflow; echo "${COMPREPLY[@]}"' _ "$tmp/c.bash")
[ "$out" = "waterfall" ] || { echo "bash completion of 'wat': '$out'"; exit 1; }
out=$(bash -c 'source "$1"; COMP_WORDS=(capflow waterfall --pro); COMP_CWORD=2; _capflow; echo "${COMPREPLY[@]}"' _ "$tmp/c.bash")
[ "$out" = "--profit" ] || { echo "bash completion of 'waterfall --pro': '$out'"; exit 1; }
"$capflow" completion zsh > "$tmp/c.zsh"
if command -v zsh >/dev/null; then zsh -n "$tmp/c.zsh"; fi
"$capflow" completion fish > "$tmp/c.fish"
grep -q "__fish_seen_subcommand_from waterfall' -l profit" "$tmp/c.fish"
if command -v fish >/dev/null; then fish -n "$tmp/c.fish"; fi
if "$capflow" completion tcsh > /dev/null 2>&1; then echo "tcsh accepted"; exit 1; fi
echo ok
