import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { assetPath } from '../../../../test-utils/assets';
import { defaultDTypeFor } from './safetensors-dtype';
import { decodeTensor } from './safetensors-decode';
import { parseSafetensors, readSafetensorsHeader } from './safetensors-read';
import { serializeSafetensors } from './safetensors-write';

const FIXTURE_NAMES = new Set(['model.safetensors', 'io.safetensors', 'adapter_model.safetensors']);

/** Every model/io/adapter safetensors file under the shared fixtures, found by walking the tree. */
function fixtureFiles(): string[] {
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (FIXTURE_NAMES.has(entry.name)) found.push(full);
    }
  };
  walk(assetPath('fixtures'));
  return found.sort();
}

function readBytes(path: string): Uint8Array {
  const buf = readFileSync(path);
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
}

const files = fixtureFiles();

describe('parseSafetensors on the shared fixtures', () => {
  it('finds every fixture kind', () => {
    const names = files.map((f) => f.split(/[\\/]/).pop());
    expect(names).toContain('model.safetensors');
    expect(names).toContain('io.safetensors');
    expect(names).toContain('adapter_model.safetensors');
    expect(files.length).toBeGreaterThanOrEqual(13);
  });

  it.each(files)('parses, decodes and re-serializes %s byte for byte', (path) => {
    const bytes = readBytes(path);
    const file = parseSafetensors(bytes);
    expect(file.tensors.size).toBeGreaterThan(0);
    for (const raw of file.tensors.values()) {
      const values = decodeTensor(raw, defaultDTypeFor(raw.dtype));
      expect(values.length).toBe(raw.shape.reduce((a, b) => a * b, 1));
      // Views, not copies: each tensor's bytes live in the file's buffer.
      expect(raw.bytes.buffer).toBe(bytes.buffer);
    }
    // Python wrote these files; writing the same tensors must give the same bytes.
    const metadata = Object.keys(file.metadata).length > 0 ? file.metadata : undefined;
    const again = serializeSafetensors([...file.tensors.values()], metadata);
    expect(Buffer.from(again).equals(Buffer.from(bytes))).toBe(true);
  });
});

describe('known fixture tensors', () => {
  it('reads bert-seqcls word embeddings as F32 [1024, 32] with the values Python reads', () => {
    const file = parseSafetensors(readBytes(assetPath('fixtures', 'models', 'bert-seqcls', 'model.safetensors')));
    expect(file.metadata).toEqual({ format: 'pt' });
    const raw = file.tensors.get('bert.embeddings.word_embeddings.weight')!;
    expect(raw.dtype).toBe('F32');
    expect(raw.shape).toEqual([1024, 32]);
    const w = decodeTensor(raw, 'float32');
    // Reference values computed with Python's struct module from the same file.
    expect(w[5 * 32 + 3]).toBe(Math.fround(-0.0007474441663362086));
    expect(w.reduce((a, b) => a + b, 0)).toBeCloseTo(2.053591222991315, 5);
    expect(Math.max(...w)).toBe(Math.fround(0.08298523724079132));
  });

  it('reads bert-seqcls io token ids and labels as I64', () => {
    const file = parseSafetensors(readBytes(assetPath('fixtures', 'models', 'bert-seqcls', 'io.safetensors')));
    expect(file.metadata).toEqual({});
    const ids = file.tensors.get('input_ids')!;
    expect(ids.dtype).toBe('I64');
    expect(ids.shape).toEqual([3, 12]);
    expect(Array.from(decodeTensor(ids, 'int32').subarray(0, 12))).toEqual([962, 466, 683, 792, 742, 81, 861, 6, 868, 347, 178, 470]);
    expect(Array.from(decodeTensor(file.tensors.get('labels')!, 'int32'))).toEqual([0, 1, 1]);
  });

  it('reads the LoRA adapter with PEFT names', () => {
    const file = parseSafetensors(readBytes(assetPath('fixtures', 'peft', 'bert-seqcls-lora', 'adapter_model.safetensors')));
    const a = file.tensors.get('base_model.model.bert.encoder.layer.0.attention.self.query.lora_A.weight')!;
    expect(a.dtype).toBe('F32');
    expect(a.shape).toEqual([4, 32]);
  });
});

describe('readSafetensorsHeader', () => {
  it('validates a header from the file prefix alone when given the file size', () => {
    const bytes = readBytes(assetPath('fixtures', 'models', 'bert-seqcls', 'model.safetensors'));
    const full = readSafetensorsHeader(bytes);
    const prefix = readSafetensorsHeader(bytes.subarray(0, full.dataStart), { fileSize: bytes.length });
    expect(prefix).toEqual(full);
    expect(full.dataStart % 8).toBe(0);
    expect(full.dataStart + full.dataLength).toBe(bytes.length);
    // Listed in data order, each tensor starting where the previous ended.
    let cursor = 0;
    for (const t of full.tensors) {
      expect(t.dataOffsets[0]).toBe(cursor);
      cursor = t.dataOffsets[1];
    }
    expect(cursor).toBe(full.dataLength);
  });

  it('accepts tensors listed in any order, and zero-sized tensors', () => {
    const header =
      '{"z":{"dtype":"F32","shape":[1],"data_offsets":[4,8]},"e":{"dtype":"I8","shape":[0,3],"data_offsets":[4,4]},"a":{"dtype":"U8","shape":[4],"data_offsets":[0,4]}}';
    const json = new TextEncoder().encode(header);
    const bytes = new Uint8Array(8 + json.length + 8);
    new DataView(bytes.buffer).setUint32(0, json.length, true);
    bytes.set(json, 8);
    bytes.set([1, 2, 3, 4, 0, 0, 0x80, 0x3f], 8 + json.length);
    const file = parseSafetensors(bytes);
    expect([...file.tensors.keys()]).toEqual(['a', 'e', 'z']);
    expect(Array.from(decodeTensor(file.tensors.get('a')!, 'int32'))).toEqual([1, 2, 3, 4]);
    expect(decodeTensor(file.tensors.get('e')!, 'int32').length).toBe(0);
    // The data starts at 8 + N, unaligned here: decoding must still work.
    expect(Array.from(decodeTensor(file.tensors.get('z')!, 'float32'))).toEqual([1]);
  });

  it('keeps a metadata key named __proto__ as an ordinary entry', () => {
    const json = new TextEncoder().encode('{"__metadata__":{"__proto__":"x","format":"pt"}}');
    const bytes = new Uint8Array(8 + json.length);
    new DataView(bytes.buffer).setUint32(0, json.length, true);
    bytes.set(json, 8);
    const { metadata } = parseSafetensors(bytes);
    expect(Object.keys(metadata)).toEqual(['__proto__', 'format']);
    expect(Object.getPrototypeOf(metadata)).toBe(Object.prototype);
  });
});
