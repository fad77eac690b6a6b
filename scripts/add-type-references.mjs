#!/usr/bin/env node
// Runs after tsup in a package folder: prepends `/// <reference types="…" />` to the declaration
// files of the entries listed in package.json `graft.typeReferences` (subpath → type packages).
// @graft/core/webgpu's declarations use the WebGPU globals (GPUDevice, GPUBuffer…) that
// @webgpu/types declares; without the reference they compile only for users who list that package
// in their own tsconfig or set skipLibCheck. TypeScript ≥ 5.5 no longer writes such references
// into emitted declarations itself, hence this step.
import { readFileSync, writeFileSync } from 'node:fs';

const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
for (const [subpath, types] of Object.entries(pkg.graft?.typeReferences ?? {})) {
  const file = `dist/${subpath === '.' ? 'index' : subpath.slice(2)}.d.ts`;
  let text = readFileSync(file, 'utf8');
  for (const name of [...types].reverse()) {
    const line = `/// <reference types="${name}" />\n`;
    if (!text.includes(line)) text = line + text;
  }
  writeFileSync(file, text);
}
