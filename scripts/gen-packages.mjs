// One-off scaffolding helper kept for adding packages: node scripts/gen-packages.mjs
import { mkdirSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';

const pkgs = [
  ['core', 'Tensors, autograd, memory scopes, CPU and WebGPU backends, seeded RNG, safetensors.', []],
  ['tokenizers', 'Hugging Face tokenizer.json pipelines (WordPiece, BPE, Unigram) in pure TypeScript.', []],
  ['nn', 'Modules, layers, losses, optimizers and schedulers on @graft/core.', ['core']],
  ['data', 'Datasets, sources and DataLoaders with dynamic padding.', ['core']],
  ['models', 'BERT-family models with Hugging Face parameter names; fromPretrained/savePretrained.', ['core', 'nn', 'tokenizers']],
  ['peft', 'LoRA and other parameter-efficient fine-tuning methods, PEFT-format adapters.', ['core', 'nn']],
  ['distill', 'Knowledge distillation losses and train steps.', ['core', 'nn']],
  ['train', 'Trainer, callbacks, metrics, checkpoints and resume.', ['core', 'nn', 'data']],
];

for (const [name, description, deps] of pkgs) {
  const dir = join('packages', name);
  mkdirSync(join(dir, 'src'), { recursive: true });
  const pkg = {
    name: `@graft/${name}`,
    version: '0.0.0',
    description,
    type: 'module',
    license: 'Apache-2.0',
    sideEffects: false,
    graft: { entries: { '.': 'src/index.ts' } },
    exports: {},
    files: ['dist', 'src', '!src/**/*.test.ts'],
    scripts: { build: 'tsup', test: 'vitest run' },
    dependencies: Object.fromEntries(deps.map((d) => [`@graft/${d}`, 'workspace:^'])),
    publishConfig: { access: 'public' },
  };
  writeFileSync(join(dir, 'package.json'), `${JSON.stringify(pkg, null, 2)}\n`);
  writeFileSync(join(dir, 'tsup.config.ts'), `import { packageTsup } from '../../tsup.shared';\n\nexport default packageTsup(import.meta.dirname);\n`);
  writeFileSync(join(dir, 'vitest.config.ts'), `import { packageVitest } from '../../vitest.shared';\n\nexport default packageVitest('${name}');\n`);
  writeFileSync(join(dir, 'typedoc.json'), `${JSON.stringify({ entryPoints: ['src/index.ts'] }, null, 2)}\n`);
  if (!existsSync(join(dir, 'src/index.ts'))) writeFileSync(join(dir, 'src/index.ts'), `export {};\n`);
}
