#!/usr/bin/env bash
# Runs the Graft WebGPU benchmark from its bundle (built by bench/gpu/build.sh): unpacks Node and
# dawn.node once, picks the system's Vulkan loader and C++ runtime when they work and the bundled
# ones when not, then prints the table and writes graft-gpu-results.json in the working
# directory (GRAFT_GPU_OUT names another file). Needs Linux x86-64 with glibc >= 2.34 and a
# Vulkan driver (for NVIDIA: the proprietary driver's Vulkan ICD); no Node.js and no network.
# GRAFT_GPU_TINY=1 (or --tiny) runs tiny sizes, a smoke test that also works on lavapipe.
set -euo pipefail

dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

unxz_to() { # unxz_to <file.xz> <out>: xz, else Python's lzma, else busybox
  if command -v xz >/dev/null; then
    xz -dc "$1" >"$2.tmp"
  elif command -v python3 >/dev/null; then
    python3 -c 'import lzma, shutil, sys; shutil.copyfileobj(lzma.open(sys.argv[1]), open(sys.argv[2], "wb"))' "$1" "$2.tmp"
  elif command -v busybox >/dev/null; then
    busybox xz -dc "$1" >"$2.tmp"
  else
    echo "run.sh: need xz, python3 or busybox to unpack $1" >&2
    exit 1
  fi
  mv "$2.tmp" "$2"
}

[[ -x "$dir/node" ]] || { unxz_to "$dir/node.xz" "$dir/node"; chmod +x "$dir/node"; }
[[ -e "$dir/dist/linux-x64/dawn.node" ]] || unxz_to "$dir/dist/linux-x64/dawn.node.xz" "$dir/dist/linux-x64/dawn.node"

# the bundled C++ runtime only when the system's cannot load Node and dawn.node
probe() { "$dir/node" -e "require(process.argv[1])" "$dir/dist/linux-x64/dawn.node" 2>/dev/null; }
if ! probe; then
  export LD_LIBRARY_PATH="$dir/lib/compat${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
  probe || { echo "run.sh: Node or dawn.node does not load here (glibc >= 2.34 is needed):" >&2; "$dir/node" -e "require(process.argv[1])" "$dir/dist/linux-x64/dawn.node"; exit 1; }
fi
# the system's Vulkan loader (it matches the installed driver); the bundled one if there is none
if ! ldconfig -p 2>/dev/null | grep -q 'libvulkan.so.1 .*x86-64'; then
  export LD_LIBRARY_PATH="$dir/lib/vulkan${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
fi

echo "graft gpu bench: $(cat "$dir/NODE_VERSION" 2>/dev/null || true) on $(uname -srm)"
if command -v nvidia-smi >/dev/null; then nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader || true; fi
exec "$dir/node" "$dir/bench.mjs" "$@"
