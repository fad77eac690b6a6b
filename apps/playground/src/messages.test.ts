import { OutOfMemoryError } from '@graft/core';
import { WebGPUDeviceLostError, WebGPULimitError, WebGPUUnavailableError } from '@graft/core/webgpu';
import { modelTypeEntry } from '@graft/models';
import { trainingArguments } from '@graft/train';
import { describe, expect, it } from 'vitest';
import { describeError } from './messages';
import { errorData } from './protocol';
import { PlaygroundError } from './worker/errors';
import { readDataFile } from './worker/data-source';

/** The page's view of whatever `work` throws. */
async function viewOf(work: () => unknown) {
  try {
    await work();
  } catch (e) {
    return describeError(errorData(e));
  }
  throw new Error('expected the work to throw');
}

describe('describeError', () => {
  it("tells the packages' own errors apart, as they cross from the worker", async () => {
    const bytes = new TextEncoder().encode('text,label\n"unclosed,1\n');
    expect((await viewOf(() => readDataFile('reviews.csv', bytes))).kind).toBe('data-format');
    expect((await viewOf(() => readDataFile('reviews.xlsx', bytes))).kind).toBe('data-file-type');
    expect((await viewOf(() => modelTypeEntry('gpt2'))).kind).toBe('architecture');
    expect((await viewOf(() => trainingArguments({ outputDir: 'x', learningRate: -1 }))).kind).toBe('train-settings');
  });

  it("tells the device's errors apart: no WebGPU, out of memory or over a limit, a lost device", () => {
    const kind = (e: Error) => describeError(errorData(e)).kind;
    expect(kind(new WebGPUUnavailableError('navigator.gpu is missing'))).toBe('no-webgpu');
    expect(kind(new OutOfMemoryError('webgpu', 'cannot allocate 512 MB'))).toBe('memory');
    expect(kind(new WebGPULimitError('matmul', 'a binding of 300 MB exceeds maxStorageBufferBindingSize'))).toBe('memory');
    expect(kind(new WebGPUDeviceLostError('matmul', 'the driver was reset'))).toBe('device-lost');
  });

  it("maps the playground's own codes, and keeps the error's message as the detail", async () => {
    const view = await viewOf(() => {
      throw new PlaygroundError('run_busy', "Loading a model has to wait: run 'lora-1' is training");
    });
    expect(view).toMatchObject({ kind: 'busy', title: 'Something else is running', detail: "Loading a model has to wait: run 'lora-1' is training" });
    expect((await viewOf(() => Promise.reject(new PlaygroundError('webgpu_unavailable', 'no adapter')))).kind).toBe('no-webgpu');
    expect((await viewOf(() => Promise.reject(new PlaygroundError('storage_unavailable', 'quota full')))).kind).toBe('storage');
  });

  it('recognises out-of-memory and failed downloads by their message, and calls anything else unknown', () => {
    expect(describeError({ name: 'GPUOutOfMemoryError', code: null, message: 'Out of memory allocating a buffer' }).kind).toBe('memory');
    expect(describeError({ name: 'RangeError', code: null, message: 'buffer size exceeds the maximum buffer size' }).kind).toBe('memory');
    expect(describeError({ name: 'TypeError', code: null, message: 'Failed to fetch' }).kind).toBe('download');
    expect(describeError({ name: 'ModelFileError', code: 'model_file_read', message: 'HTTP 404' }).kind).toBe('download');
    const unknown = describeError({ name: 'Error', code: null, message: 'something odd' });
    expect(unknown).toMatchObject({ kind: 'unknown', detail: 'something odd' });
    expect(unknown.action).toMatch(/Reload the page/);
  });
});

describe('errorData', () => {
  it('keeps the class name and the code of a typed error, and strings anything thrown', () => {
    expect(errorData(new PlaygroundError('no_model', 'load one'))).toEqual({ name: 'PlaygroundError', code: 'no_model', message: 'load one' });
    expect(errorData(new TypeError('bad'))).toEqual({ name: 'TypeError', code: null, message: 'bad' });
    expect(errorData('plain')).toEqual({ name: 'Error', code: null, message: 'plain' });
  });
});
