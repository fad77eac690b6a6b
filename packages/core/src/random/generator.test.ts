import { describe, expect, it } from 'vitest';
import { ArgumentError } from '../errors';
import { fillUniform } from './distributions';
import { DEFAULT_SEED, Generator, defaultGenerator, manualSeed } from './generator';

describe('Generator', () => {
  it('gives the same numbers for the same seed, given as a number or a bigint', () => {
    expect(new Generator(42).uniform(16)).toEqual(new Generator(42n).uniform(16));
    expect(new Generator(42).normal(16, 'float64')).toEqual(new Generator(42).normal(16, 'float64'));
    expect(new Generator(-1).randint(8, 0, 10)).toEqual(new Generator(2n ** 64n - 1n).randint(8, 0, 10));
  });

  it('gives different numbers for different seeds', () => {
    const a = new Generator(0).uniform(64);
    const b = new Generator(1).uniform(64);
    const c = new Generator(2n ** 32n).uniform(64);
    expect(a.filter((v, i) => v === b[i]).length).toBeLessThan(2);
    expect(a.filter((v, i) => v === c[i]).length).toBeLessThan(2);
  });

  it('advances the offset by the counters each draw consumes', () => {
    const g = new Generator(3);
    expect(g.offset).toBe(0n);
    g.uniform(10);
    expect(g.offset).toBe(3n);
    g.uniform(5, 'float64');
    expect(g.offset).toBe(6n);
    g.normal(5);
    expect(g.offset).toBe(8n);
    g.randint(3, 0, 4);
    expect(g.offset).toBe(10n);
    g.bernoulli(4, 0.5);
    expect(g.offset).toBe(11n);
    g.uniform(0);
    expect(g.offset).toBe(11n);
  });

  it('continues one stream across draws: 8 then 12 uniforms equal 20 at once', () => {
    const g = new Generator(5);
    const joined = new Float32Array([...g.uniform(8), ...g.uniform(12)]);
    expect(joined).toEqual(new Generator(5).uniform(20));
  });

  it('saves and restores its state through JSON, reproducing the continuation', () => {
    const g = new Generator(2024);
    g.uniform(7);
    g.normal(3);
    const saved = JSON.stringify(g.getState());
    const next = [g.uniform(5), g.randint(5, -10, 10), g.normal(6, 'float64', 1, 3), g.bernoulli(9, 0.2)];
    const resumed = new Generator(1).setState(JSON.parse(saved));
    expect(resumed.getState()).toEqual(JSON.parse(saved));
    expect([resumed.uniform(5), resumed.randint(5, -10, 10), resumed.normal(6, 'float64', 1, 3), resumed.bernoulli(9, 0.2)]).toEqual(next);
  });

  it('round-trips full-width u64 states', () => {
    const state = { seed: (2n ** 64n - 1n).toString(), offset: (2n ** 64n - 1n).toString() };
    const g = new Generator().setState(state);
    expect(g.getState()).toEqual(state);
    g.uniform(4);
    // The offset wraps modulo 2^64, like the counter it is.
    expect(g.offset).toBe(0n);
  });

  it.each([
    ['a numeric seed', { seed: 5, offset: '0' }],
    ['a negative offset', { seed: '5', offset: '-1' }],
    ['a seed of 2^64', { seed: (2n ** 64n).toString(), offset: '0' }],
    ['a hex string', { seed: '0x10', offset: '0' }],
    ['nothing', undefined],
  ])('refuses a state with %s, keeping its own', (_, state) => {
    const g = new Generator(9);
    g.uniform(4);
    expect(() => g.setState(state as never)).toThrow(ArgumentError);
    expect(g.getState()).toEqual({ seed: '9', offset: '1' });
  });

  it('clones into an independent generator with the same future', () => {
    const g = new Generator(8);
    g.uniform(4);
    const c = g.clone();
    expect(c.uniform(12)).toEqual(g.uniform(12));
    c.uniform(4);
    expect(c.offset).toBe(g.offset + 1n);
  });

  it('forks deterministically onto a new stream', () => {
    const g1 = new Generator(100);
    const g2 = new Generator(100);
    const f1 = g1.fork();
    const f2 = g2.fork();
    expect(f1.seed).toBe(f2.seed);
    expect(f1.uniform(8)).toEqual(f2.uniform(8));
    expect(g1.offset).toBe(1n);
    expect(f1.seed).not.toBe(g1.seed);
    expect(g1.fork().seed).not.toBe(f1.seed);
    expect(new Generator(100).fork().uniform(8)).not.toEqual(new Generator(100).uniform(8));
  });

  it('reserves counters for a GPU draw that match the CPU draw', () => {
    const g = new Generator(31);
    g.uniform(3);
    const { seed, offset } = g.reserve('uniform32', 10);
    expect(offset).toBe(1n);
    expect(g.offset).toBe(4n);
    const gpuStandIn = new Float32Array(10);
    fillUniform(gpuStandIn, seed, offset);
    const cpu = new Generator(31);
    cpu.uniform(3);
    expect(cpu.uniform(10)).toEqual(gpuStandIn);
  });

  it('does not move the stream when arguments are refused', () => {
    const g = new Generator(4);
    expect(() => g.normal(4, 'float32', 0, -1)).toThrow(ArgumentError);
    expect(() => g.randint(4, 3, 3)).toThrow(ArgumentError);
    expect(() => g.bernoulli(4, 2)).toThrow(ArgumentError);
    expect(() => g.uniform(-1)).toThrow(ArgumentError);
    expect(() => g.uniform(2.5)).toThrow(ArgumentError);
    expect(() => g.uniform(4, 'int32' as never)).toThrow(ArgumentError);
    expect(g.offset).toBe(0n);
  });

  it('returns the dtype asked for', () => {
    const g = new Generator(1);
    expect(g.uniform(2)).toBeInstanceOf(Float32Array);
    expect(g.uniform(2, 'float64')).toBeInstanceOf(Float64Array);
    expect(g.normal(2)).toBeInstanceOf(Float32Array);
    expect(g.randint(2, 0, 3)).toBeInstanceOf(Int32Array);
    expect(g.bernoulli(2, 0.5)).toBeInstanceOf(Uint8Array);
  });

  it('seeds from entropy when asked', () => {
    expect(Generator.fromEntropy().seed).not.toBe(Generator.fromEntropy().seed);
  });
});

describe('the default generator', () => {
  it('starts from the default seed and is reseeded by manualSeed', () => {
    expect(new Generator().seed).toBe(DEFAULT_SEED);
    const g = manualSeed(42);
    expect(g).toBe(defaultGenerator());
    expect(defaultGenerator().uniform(4)).toEqual(new Generator(42).uniform(4));
    manualSeed(42);
    expect(defaultGenerator().offset).toBe(0n);
    expect(defaultGenerator().uniform(4)).toEqual(new Generator(42).uniform(4));
  });
});
