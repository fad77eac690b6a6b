import { unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { zipFiles } from './download';

describe('zipFiles', () => {
  it('zips the exported files so that they unzip to the same bytes', () => {
    const weights = new Uint8Array(4096).map((_, i) => (i * 7919) % 251);
    const config = new TextEncoder().encode(JSON.stringify({ peft_type: 'LORA', r: 8 }));
    const zip = zipFiles([
      { name: 'adapter_config.json', bytes: config },
      { name: 'adapter_model.safetensors', bytes: weights },
    ]);
    const files = unzipSync(zip);
    expect(Object.keys(files).sort()).toEqual(['adapter_config.json', 'adapter_model.safetensors']);
    expect(files['adapter_config.json']).toEqual(config);
    expect(files['adapter_model.safetensors']).toEqual(weights);
    // weights are stored, not deflated: the zip is at least their size
    expect(zip.byteLength).toBeGreaterThan(weights.byteLength);
  });
});
