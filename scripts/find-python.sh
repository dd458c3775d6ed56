#!/usr/bin/env bash
# Print the path of a Python >= 3.12 (Django 6 needs it), or explain what to install.
set -euo pipefail
candidates=("${PYTHON:-}" python3.13 python3.12 python3)
for dir in /root/.pyenv/versions/3.13* /root/.pyenv/versions/3.12* "$HOME"/.pyenv/versions/3.13* "$HOME"/.pyenv/versions/3.12* /usr/local/bin; do
  for exe in "$dir/bin/python3" "$dir/python3.13" "$dir/python3.12"; do
    [ -x "$exe" ] && candidates+=("$exe")
  done
done
for py in "${candidates[@]}"; do
  [ -n "$py" ] || continue
  command -v "$py" >/dev/null 2>&1 || [ -x "$py" ] || continue
  if "$py" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' 2>/dev/null; then
    command -v "$py" 2>/dev/null || echo "$py"
    exit 0
  fi
done
echo "Tribune needs Python 3.12 or newer (Django 6). Install it (e.g. apt-get install python3.12," >&2
echo "or pyenv install 3.12) or point PYTHON=/path/to/python3.12 at one." >&2
exit 1
