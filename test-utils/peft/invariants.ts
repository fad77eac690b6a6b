/**
 * The invariant suite every PEFT method runs (packages/peft/src/invariants.test.ts runs it for each
 * case in cases.ts, and fails when a registered method has no case). A case is a base model
 * factory, a batch and an adapter config; the suite then checks, on that model:
 *
 * 1. training changes only the adapter's tensors (its layers' weights, its modules_to_save copies
 *    and the base tensors its config trains, such as LoRA's `bias: 'all'`), and those are exactly
 *    the tensors with gradients;
 * 2. with adapters disabled the model computes the base model's outputs exactly (bit for bit);
 * 3. the adapter saved in PEFT's files and loaded onto a fresh base model gives identical outputs,
 *    and saving it again gives the same bytes;
 * 4. where the method can merge (its `canMerge`): merged outputs equal unmerged ones (float
 *    tolerance), unmerging restores the base weights (float tolerance), and mergeAndUnload returns
 *    a model of the base model's class with the base model's keys and the adapted outputs; where
 *    it cannot (bottleneck adapters, prefix and prompt tuning), that test is reported as skipped
 *    and merging must instead be refused with `peft_merge_unsupported`, the outputs unchanged.
 *
 * Training runs a few AdamW steps with a large learning rate, so every adapter tensor moves off
 * its initialisation (LoRA's B starts at zero, a DoRA magnitude at the weight norm) and the
 * comparisons above are between genuinely different models.
 */
import { noGrad, scope, type Tensor } from '@graft/core';
import { AdamW, type AnyModule } from '@graft/nn';
import { getPeftModel, PeftAdapterError, type PeftConfigInput, PeftModel, peftMethod } from '@graft/peft';
import { describe, expect, it } from 'vitest';
import { expectClose } from '../close';

/** What a model returns in the suite: a loss when the batch has labels, and logits. */
export interface InvariantOutput {
  loss?: Tensor;
  logits: Tensor;
}

/** One case of the suite: a base model, a batch and an adapter config. */
export interface PeftInvariantCase {
  /** The test title. */
  name: string;
  /** Builds the base model on `device`; every call must build the same weights (a second call is the model loaded again). */
  model(device: string): AnyModule | Promise<AnyModule>;
  /** A batch with labels, on `device`. */
  batch(device: string): unknown;
  /** The adapter's config (PEFT's field names). */
  config: PeftConfigInput;
  /** Float tolerance of the merge checks (default 1e-5 on the CPU, 1e-4 elsewhere). */
  atol?: number;
}

type Runnable = AnyModule & { call(batch: unknown): InvariantOutput };

const quiet = { warn: () => {} };

async function values(t: Tensor): Promise<number[]> {
  return Array.from(await t.data());
}

async function logits(model: AnyModule, batch: unknown): Promise<number[]> {
  model.eval();
  const out = scope(() => (model as Runnable).call(batch).logits.keep());
  try {
    return await values(out);
  } finally {
    out.dispose();
  }
}

async function snapshot(m: AnyModule): Promise<Map<string, number[]>> {
  const out = new Map<string, number[]>();
  for (const [k, p] of m.namedParameters()) out.set(k, await values(p));
  return out;
}

/** A PeftModel of the case, trained for a few steps, with the base model's logits from before the adapter. */
async function trained(c: PeftInvariantCase, device: string) {
  const model = await c.model(device);
  const batch = c.batch(device);
  const base = await logits(model, batch);
  const peft = getPeftModel(model, c.config, quiet);
  const trainable = [...peft.namedParameters()].filter(([, p]) => p.requiresGrad);
  const before = await snapshot(peft);
  const opt = new AdamW(
    trainable.map(([, p]) => p),
    { lr: 0.05, weightDecay: 0 },
  );
  peft.train();
  for (let step = 0; step < 3; step++) {
    scope(() => {
      (peft as unknown as Runnable).call(batch).loss!.backward();
      opt.step();
      opt.zeroGrad();
    });
  }
  return { peft: peft as PeftModel, batch, base, before, trainable: new Set(trainable.map(([k]) => k)) };
}

/** Registers the suite for one case on one device (a vitest `describe`). */
export function describePeftInvariants(c: PeftInvariantCase, device = 'cpu'): void {
  const atol = c.atol ?? (device === 'cpu' ? 1e-5 : 1e-4);
  const peftType = (c.config as { peft_type: string }).peft_type;
  // a capability of the method: cases of methods that cannot merge run the refusal test instead, and report the merge test as skipped
  const canMerge = peftMethod(peftType).canMerge;

  describe(`${peftType} invariants: ${c.name} (${device})`, () => {
    it('training changes only the adapter’s tensors, which are exactly the trainable ones', async () => {
      const { peft, before, trainable } = await trained(c, device);
      const adapter = new Set(peft.base_model.adapterParameters('default').keys());
      expect([...trainable].sort()).toEqual([...adapter].sort());
      const after = await snapshot(peft);
      const changed = [...after].filter(([k, v]) => before.get(k)!.some((x, i) => x !== v[i])).map(([k]) => k);
      expect(changed.length).toBeGreaterThan(0);
      expect(changed.filter((k) => !trainable.has(k))).toEqual([]);
      peft.dispose();
    });

    it('with adapters disabled, the model is the base model exactly', async () => {
      const { peft, batch, base } = await trained(c, device);
      const adapted = await logits(peft, batch);
      expect(adapted).not.toEqual(base);
      expect(await peft.withAdaptersDisabled(() => logits(peft, batch))).toEqual(base);
      expect(await logits(peft, batch)).toEqual(adapted);
      peft.dispose();
    });

    it('an adapter saved in PEFT’s files and loaded onto a fresh base model gives identical outputs', async () => {
      const { peft, batch } = await trained(c, device);
      const files = await peft.toAdapterFilesAsync();
      const loaded = await PeftModel.fromPretrained(await c.model(device), files);
      expect(await logits(loaded, batch)).toEqual(await logits(peft, batch));
      const again = await loaded.toAdapterFilesAsync();
      for (const [name, bytes] of files) expect(Buffer.from(again.get(name)!).equals(Buffer.from(bytes)), name).toBe(true);
      peft.dispose();
      loaded.dispose();
    });

    it.skipIf(!canMerge)(
      `merged equals unmerged, unmerge restores the base weights, mergeAndUnload gives the base model’s class${canMerge ? '' : ` (skipped: ${peftType} declares canMerge false)`}`,
      async () => {
        const { peft, batch } = await trained(c, device);
        const fresh = await c.model(device);
        const baseKeys = Object.keys(fresh.stateDict());
        const adapted = await logits(peft, batch);
        const owned = peft.base_model.adapterOwnedTensors();
        const baseWeights = new Map<string, number[]>();
        for (const [k, p] of peft.namedParameters()) if (!owned.has(p)) baseWeights.set(k, await values(p));
        await peft.mergeAsync();
        expectClose(await logits(peft, batch), adapted, { atol, rtol: 0 });
        peft.unmerge();
        for (const [k, p] of peft.namedParameters()) if (baseWeights.has(k)) expectClose(await values(p), baseWeights.get(k)!, { atol, rtol: atol });
        const merged = peft.mergeAndUnload();
        expect(merged.constructor).toBe(fresh.constructor);
        expect(Object.keys(merged.stateDict())).toEqual(baseKeys);
        expectClose(await logits(merged, batch), adapted, { atol, rtol: 0 });
        noGrad(() => merged.dispose());
        fresh.dispose();
      },
    );

    it.skipIf(canMerge)(
      `merge and mergeAndUnload are refused (peft_merge_unsupported), leaving the adapted model as it was${canMerge ? ' (skipped: the method merges)' : ''}`,
      async () => {
        const { peft, batch } = await trained(c, device);
        const adapted = await logits(peft, batch);
        for (const attempt of [() => peft.merge(), () => peft.mergeAndUnload()]) {
          let error: unknown;
          try {
            attempt();
          } catch (e) {
            error = e;
          }
          expect(error).toBeInstanceOf(PeftAdapterError);
          expect((error as PeftAdapterError).code).toBe('peft_merge_unsupported');
        }
        await expect(peft.mergeAsync()).rejects.toThrow(PeftAdapterError);
        expect(await logits(peft, batch)).toEqual(adapted);
        peft.dispose();
      },
    );
  });
}
