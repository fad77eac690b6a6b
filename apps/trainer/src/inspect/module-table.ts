/**
 * The layer table of `graft inspect`: every module down to a depth, with its class and its
 * parameter count (its own and its children's), from the module tree @graft/nn walks for state
 * dicts, so the rows are exactly the checkpoint's key prefixes.
 */

/** The part of an @graft/nn Module the table reads. */
export interface InspectableModule {
  namedModules(): Iterable<[string, InspectableModule]>;
  namedParameters(opts?: { recurse?: boolean }): Iterable<[string, { shape: readonly number[]; requiresGrad?: boolean }]>;
}

/** One row of the table. */
export interface ModuleRow {
  path: string;
  depth: number;
  type: string;
  parameters: number;
  trainable: number;
}

const count = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

/** The modules of `model` down to `maxDepth` path parts (the root is depth 0, `bert` 1, `bert.encoder` 2 …). */
export function moduleTable(model: InspectableModule, maxDepth: number): ModuleRow[] {
  const rows: ModuleRow[] = [];
  for (const [path, module] of model.namedModules()) {
    const depth = path === '' ? 0 : path.split('.').length;
    if (depth > maxDepth) continue;
    let parameters = 0;
    let trainable = 0;
    for (const [, p] of module.namedParameters()) {
      const n = count(p.shape);
      parameters += n;
      if (p.requiresGrad !== false) trainable += n;
    }
    rows.push({ path: path || '(model)', depth, type: (module as object).constructor?.name ?? 'Module', parameters, trainable });
  }
  return rows;
}

/** The table as aligned text lines (indented by depth). */
export function formatModuleTable(rows: readonly ModuleRow[]): string[] {
  const names = rows.map((r) => `${'  '.repeat(r.depth)}${r.depth === 0 ? r.path : r.path.split('.').at(-1)}`);
  const nameWidth = Math.max(6, ...names.map((n) => n.length));
  const typeWidth = Math.max(4, ...rows.map((r) => r.type.length));
  const lines = [`${'module'.padEnd(nameWidth)}  ${'type'.padEnd(typeWidth)}  ${'parameters'.padStart(12)}`];
  rows.forEach((r, i) => {
    lines.push(`${names[i].padEnd(nameWidth)}  ${r.type.padEnd(typeWidth)}  ${r.parameters.toLocaleString('en-US').padStart(12)}`);
  });
  return lines;
}
