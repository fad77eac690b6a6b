#!/usr/bin/env bash
# Builds bench/gpu/dist/graft-gpu-bench.tar: one self-contained bundle that runs the WebGPU
# benchmark (bench/gpu/bench.ts) on a Linux x86-64 machine with a GPU and a Vulkan driver but no
# Node.js and no network. Inside: this machine's Node binary (xz), the `webgpu` package's
# linux-x64 dawn.node (xz), the benchmark bundled by esbuild into one .mjs, the Vulkan loader and
# libstdc++/libgcc_s as fallbacks (used only when the target lacks them or has older ones), and
# run.sh. Usage: bench/gpu/build.sh [--check] (--check also runs the bundle here on lavapipe with
# tiny sizes, the way the target would, from a scratch directory and without the repository).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
name=graft-gpu-bench
dist="$here/dist"
stage="$dist/$name"
node_bin="${GRAFT_NODE:-/usr/bin/node}"
dawn="$root/bench/node_modules/webgpu/dist/linux-x64/dawn.node"
esbuild="$root/node_modules/.bin/esbuild"
max_bytes=$((64 * 1024 * 1024))

lib_of() { # the file behind a shared library name, from the dynamic linker's cache
  ldconfig -p | awk -v n="$1" '$1 == n && /x86-64/ { print $NF; exit }'
}

for f in "$node_bin" "$dawn" "$esbuild"; do
  [[ -e "$f" ]] || { echo "build.sh: $f is missing (run pnpm install first; GRAFT_NODE names another Node binary)" >&2; exit 1; }
done
command -v xz >/dev/null || { echo "build.sh: xz is needed (apt-get install xz-utils)" >&2; exit 1; }

rm -rf "$stage" "$dist/$name.tar"
mkdir -p "$stage/dist/linux-x64" "$stage/lib/vulkan" "$stage/lib/compat"

# the benchmark and everything it imports in one ES module. The webgpu package finds dawn.node at
# dist/<platform>-<arch>/dawn.node beside its own file, which is now bench.mjs.
"$esbuild" "$here/bench.ts" --bundle --platform=node --format=esm --target=node20 \
  --conditions=@graft/source --log-level=warning --legal-comments=none \
  --banner:js="import { createRequire as __graftCreateRequire } from 'node:module'; const require = __graftCreateRequire(import.meta.url);" \
  --outfile="$stage/bench.mjs"

# compressing Node takes minutes: keep each compressed binary, keyed by its checksum
packed() { # packed <file>: the path of its cached .xz
  local key
  key="$(sha256sum "$1" | cut -c1-16)"
  mkdir -p "$dist/cache"
  [[ -e "$dist/cache/$key.xz" ]] || { xz -6 -T0 -c "$1" >"$dist/cache/$key.xz.tmp" && mv "$dist/cache/$key.xz.tmp" "$dist/cache/$key.xz"; }
  echo "$dist/cache/$key.xz"
}
cp "$(packed "$node_bin")" "$stage/node.xz"
cp "$(packed "$dawn")" "$stage/dist/linux-x64/dawn.node.xz"
cp -L "$(lib_of libvulkan.so.1)" "$stage/lib/vulkan/libvulkan.so.1"
cp -L "$(lib_of libstdc++.so.6)" "$stage/lib/compat/libstdc++.so.6"
cp -L "$(lib_of libgcc_s.so.1)" "$stage/lib/compat/libgcc_s.so.1"
cp "$here/run.sh" "$stage/run.sh"
chmod +x "$stage/run.sh"
"$node_bin" --version >"$stage/NODE_VERSION"

tar -C "$dist" -cf "$dist/$name.tar" "$name"
rm -rf "$stage"
bytes=$(stat -c %s "$dist/$name.tar")
echo "built $dist/$name.tar ($((bytes / 1024 / 1024)) MiB)"
if ((bytes > max_bytes)); then
  echo "build.sh: the bundle is over 64 MiB" >&2
  exit 1
fi

if [[ "${1:-}" == "--check" ]]; then
  scratch="$(mktemp -d)"
  trap 'rm -rf "$scratch"' EXIT
  tar -C "$scratch" -xf "$dist/$name.tar"
  # no repository, no node on PATH: only what the bundle carries
  (cd "$scratch" && env -i HOME="$scratch" PATH=/usr/bin:/bin GRAFT_GPU_TINY=1 "$scratch/$name/run.sh")
fi
