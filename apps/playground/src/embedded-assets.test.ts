import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { EMBEDDED_MODEL_PATH, embeddedFiles, headRows, SST2_SAMPLE_PATH, SST2_SAMPLE_ROWS } from '../build/embedded-assets';
import { EMBEDDED_MODEL_URL } from './ui/model-panel';
import { SST2_URLS } from './ui/data-panel';

const ASSETS = fileURLToPath(new URL('../../../assets', import.meta.url));

describe('the embedded files', () => {
  it('keeps the header and the first rows of a TSV', () => {
    expect(headRows('a\tb\n1\t2\n3\t4\n5\t6\n', 2)).toBe('a\tb\n1\t2\n3\t4\n');
  });

  it('serves the checkpoint and the SST-2 sample where the page looks for them', () => {
    const files = embeddedFiles(ASSETS);
    expect(EMBEDDED_MODEL_URL).toBe(EMBEDDED_MODEL_PATH);
    expect(SST2_URLS.trainUrl).toBe(`${SST2_SAMPLE_PATH}/train.tsv`);
    for (const name of ['config.json', 'model.safetensors', 'tokenizer.json']) expect(files.has(`${EMBEDDED_MODEL_PATH}/${name}`)).toBe(true);
    const train = new TextDecoder().decode(files.get(`${SST2_SAMPLE_PATH}/train.tsv`)!());
    expect(train.trimEnd().split('\n').length).toBe(SST2_SAMPLE_ROWS + 1);
    expect(train.startsWith('sentence\tlabel\n')).toBe(true);
  });
});
