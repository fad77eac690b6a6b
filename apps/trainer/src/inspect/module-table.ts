/**
 * The layer table of `graft inspect`: the modules down to a depth, with their class and their
 * parameter count, from the module tree @graft/nn walks for state dicts, so the rows are the
 * checkpoint's key prefixes. A tied parameter (an MLM decoder sharing the word embeddings) is
 * counted once, in the module that holds it first, so the rows add up to the total.
 */

/** The parameter fields the table reads. */
interface ParameterLike {
  readonly shape: readonly number[];
  readonly requiresGrad?: boolean;
}

/** The part of an @graft/nn Module the table reads. */
export interface InspectableModule {
  namedModules(): Iterable<[string, InspectableModule]>;
  namedParameters(): Iterable<[string, ParameterLike]>;
}

/** One row of the table. */
export interface ModuleRow {
  /** The module's path (`bert.encoder.layer.0`), `(model)` for the root. */
  path: string;
  /** Rows above it in the tree (for indentation). */
  depth: number;
  type: string;
  parameters: number;
  trainable: number;
  /** Parameters of this module that are another module's (tied), by path. */
  tied: string[];
}

const count = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);
const parts = (path: string) => (path === '' ? 0 : path.split('.').length);

/** The modules of `model` down to `maxDepth` path parts (`bert` is 1, `bert.encoder.layer.0` is 4). */
export function moduleTable(model: InspectableModule, maxDepth: number): ModuleRow[] {
  // the first path each parameter object is reached by owns it
  const owner = new Map<ParameterLike, string>();
  for (const [path, p] of model.namedParameters()) if (!owner.has(p)) owner.set(p, path);
  const rows: ModuleRow[] = [];
  const shown: string[] = [];
  for (const [path, module] of model.namedModules()) {
    if (parts(path) > maxDepth) continue;
    let parameters = 0;
    let trainable = 0;
    const tied: string[] = [];
    for (const [name, p] of module.namedParameters()) {
      const full = path ? `${path}.${name}` : name;
      const first = owner.get(p) ?? full;
      if (first !== full) {
        // noted once, on the module whose own parameter it is
        if (!name.includes('.') && !first.startsWith(path ? `${path}.` : '')) tied.push(`${name} = ${first}`);
        continue;
      }
      const n = count(p.shape);
      parameters += n;
      if (p.requiresGrad !== false) trainable += n;
    }
    const depth = shown.filter((s) => s === '' || path.startsWith(`${s}.`)).length;
    shown.push(path);
    rows.push({ path: path || '(model)', depth, type: (module as object).constructor?.name ?? 'Module', parameters, trainable, tied });
  }
  return rows;
}

/** The table as aligned text lines, indented by depth; a child shows its path below its parent's. */
export function formatModuleTable(rows: readonly ModuleRow[]): string[] {
  const names = rows.map((r, i) => {
    const parent = rows.slice(0, i).findLast((p) => p.depth === r.depth - 1 && (p.path === '(model)' || r.path.startsWith(`${p.path}.`)));
    const rel = parent && parent.path !== '(model)' ? r.path.slice(parent.path.length + 1) : r.path;
    return `${'  '.repeat(r.depth)}${rel}`;
  });
  const nameWidth = Math.max(6, ...names.map((n) => n.length));
  const typeWidth = Math.max(4, ...rows.map((r) => r.type.length));
  const lines = [`${'module'.padEnd(nameWidth)}  ${'type'.padEnd(typeWidth)}  ${'parameters'.padStart(12)}`];
  rows.forEach((r, i) => {
    const note = r.tied.length ? `  (tied: ${r.tied.join(', ')})` : '';
    lines.push(`${names[i].padEnd(nameWidth)}  ${r.type.padEnd(typeWidth)}  ${r.parameters.toLocaleString('en-US').padStart(12)}${note}`);
  });
  return lines;
}
