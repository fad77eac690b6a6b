/**
 * The OPFS checkpoint store against an in-memory stand-in for the origin-private file system,
 * with the two behaviours the store relies on: a file written through `createWritable()` changes
 * only when its stream closes, and a write can fail half way (a full quota, a closed tab). The
 * browser itself is covered by the end-to-end reload test.
 */
import { describe, expect, it } from 'vitest';
import { OpfsCheckpointStore } from './opfs-store';

const notFound = (name: string) => new DOMException(`${name} was not found`, 'NotFoundError');

/** A folder of the stand-in file system; `failAfter` counts down the stream writes left before one fails. */
class MemoryFolder {
  readonly entries = new Map<string, MemoryFolder | Uint8Array>();
  constructor(readonly budget: { failAfter: number }) {}

  async getDirectoryHandle(name: string, opts: { create?: boolean } = {}): Promise<MemoryFolder> {
    const e = this.entries.get(name);
    if (e instanceof MemoryFolder) return e;
    if (e) throw new DOMException(name, 'TypeMismatchError');
    if (!opts.create) throw notFound(name);
    const folder = new MemoryFolder(this.budget);
    this.entries.set(name, folder);
    return folder;
  }

  async getFileHandle(name: string, opts: { create?: boolean } = {}) {
    const e = this.entries.get(name);
    if (e instanceof MemoryFolder) throw new DOMException(name, 'TypeMismatchError');
    if (!e && !opts.create) throw notFound(name);
    if (!e) this.entries.set(name, new Uint8Array());
    const budget = this.budget;
    return {
      getFile: async () => new Blob([this.entries.get(name) as Uint8Array<ArrayBuffer>]),
      createWritable: async () => {
        let pending = new Uint8Array();
        return {
          write: async (bytes: Uint8Array) => {
            if (budget.failAfter-- <= 0) throw new DOMException('the quota is full', 'QuotaExceededError');
            pending = bytes.slice();
          },
          // the file changes only now, all at once
          close: async () => void this.entries.set(name, pending),
          abort: async () => {},
        };
      },
    };
  }

  async removeEntry(name: string): Promise<void> {
    if (!this.entries.delete(name)) throw notFound(name);
  }

  async *keys(): AsyncIterable<string> {
    yield* [...this.entries.keys()];
  }
}

/** A new store over `root`, as a page (or a page after a reload) opens it. */
const open = (root: MemoryFolder) => new OpfsCheckpointStore(root as unknown as FileSystemDirectoryHandle);
const bytes = (s: string) => new TextEncoder().encode(s);
const text = (b: Uint8Array | null) => (b ? new TextDecoder().decode(b) : null);

describe('OpfsCheckpointStore', () => {
  it('writes, lists, reads, replaces and removes checkpoint directories and the root files', async () => {
    const root = new MemoryFolder({ failAfter: Number.POSITIVE_INFINITY });
    const store = open(root);
    await store.write(
      'checkpoint-4',
      new Map([
        ['model.safetensors', bytes('w4')],
        ['trainer_state.json', bytes('{"step":4}')],
      ]),
    );
    await store.write('checkpoint-8', new Map([['model.safetensors', bytes('w8')]]));
    await store.write('', new Map([['trainer_state.json', bytes('final')]]));
    expect(await store.list()).toEqual(['checkpoint-4', 'checkpoint-8']);
    expect(text(await store.read('checkpoint-4', 'trainer_state.json'))).toBe('{"step":4}');
    expect(text(await store.read('', 'trainer_state.json'))).toBe('final');
    expect(await store.read('checkpoint-8', 'missing.json')).toBeNull();
    expect(await store.read('checkpoint-12', 'model.safetensors')).toBeNull();

    await store.write('checkpoint-8', new Map([['model.safetensors', bytes('w8 again')]]));
    await store.remove('checkpoint-4');
    // a reload sees the same
    const again = open(root);
    expect(await again.list()).toEqual(['checkpoint-8']);
    expect(text(await again.read('checkpoint-8', 'model.safetensors'))).toBe('w8 again');
    // one generation folder per live directory, nothing left of the replaced or removed ones
    expect([...root.entries.keys()].filter((k) => k.startsWith('.g'))).toHaveLength(1);
  });

  it('keeps the previous directory whole when a write fails half way, and a later page sweeps the leftovers', async () => {
    const budget = { failAfter: Number.POSITIVE_INFINITY };
    const root = new MemoryFolder(budget);
    const store = open(root);
    await store.write(
      'checkpoint-4',
      new Map([
        ['a', bytes('old a')],
        ['b', bytes('old b')],
      ]),
    );
    // the index bump and the first file of the new generation succeed, the second file fails
    budget.failAfter = 2;
    await expect(
      store.write(
        'checkpoint-4',
        new Map([
          ['a', bytes('new a')],
          ['b', bytes('new b')],
        ]),
      ),
    ).rejects.toMatchObject({ name: 'QuotaExceededError' });
    budget.failAfter = Number.POSITIVE_INFINITY;
    expect(text(await store.read('checkpoint-4', 'a'))).toBe('old a');
    expect(text(await store.read('checkpoint-4', 'b'))).toBe('old b');
    expect([...root.entries.keys()].filter((k) => k.startsWith('.g'))).toHaveLength(2);

    const reloaded = open(root);
    expect(await reloaded.list()).toEqual(['checkpoint-4']);
    expect([...root.entries.keys()].filter((k) => k.startsWith('.g'))).toHaveLength(1);
    expect(text(await reloaded.read('checkpoint-4', 'b'))).toBe('old b');
  });

  it('refuses names with slashes or a leading dot, which could reach its own bookkeeping', async () => {
    const store = open(new MemoryFolder({ failAfter: Number.POSITIVE_INFINITY }));
    await expect(store.write('.g0', new Map())).rejects.toThrow(/single name without slashes or a leading dot/);
    await expect(store.write('a/b', new Map())).rejects.toThrow(/single name/);
    await expect(store.write('checkpoint-1', new Map([['../x', bytes('')]]))).rejects.toThrow(/file name must be a single name/);
    await expect(store.remove('')).rejects.toThrow(/single name/);
  });
});
