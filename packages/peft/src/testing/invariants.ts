/**
 * The invariant suite every PEFT method is held to, as plain async checks that throw a
 * `PeftInvariantError`, so any test runner can run them: Graft's own tests wrap each in a vitest
 * `it` (test-utils/peft/invariants.ts), and a plugin's tests do the same in theirs. A case is a
 * base model factory, a batch and an adapter config; on that model the checks assert:
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
 *    it cannot, merging must instead be refused with `peft_merge_unsupported`, the outputs
 *    unchanged.
 *
 * Training runs a few AdamW steps with a large learning rate, so every adapter tensor moves off
 * its initialisation (LoRA's B starts at zero, a DoRA magnitude at the weight norm) and the
 * comparisons above are between genuinely different models.
 */
import { noGrad, scope, type Tensor } from '@graft/core';
import { AdamW, type AnyModule } from '@graft/nn';
import { PeftAdapterError } from '../errors';
import { PeftModel, getPeftModel, type PeftConfigInput } from '../peft-model';
import { peftMethod } from '../registry';
import { PeftInvariantError, assertBytesEqual, assertClose, assertSameValues } from './assertions';

/** What a model returns in the suite: a loss when the batch has labels, and logits. */
export interface InvariantOutput {
  /** The loss the checks train on. */
  loss?: Tensor;
  /** The outputs the checks compare. */
  logits: Tensor;
}

/** One case of the suite: a base model, a batch and an adapter config. */
export interface PeftInvariantCase {
  /** The case's title. */
  name: string;
  /** Builds the base model on `device`; every call must build the same weights (a second call is the model loaded again). */
  model(device: string): AnyModule | Promise<AnyModule>;
  /** A batch with labels, on `device`; the model's `call(batch)` returns {@link InvariantOutput}. */
  batch(device: string): unknown;
  /** The adapter's config (PEFT's field names). */
  config: PeftConfigInput;
  /** Float tolerance of the merge checks (default 1e-5 on the CPU, 1e-4 elsewhere). */
  atol?: number;
}

/** One named check of the suite; `run` throws a {@link PeftInvariantError} when the invariant does not hold. */
export interface PeftInvariantCheck {
  /** What the check asserts, as a test title. */
  name: string;
  /** Runs the check from scratch (it builds, trains and disposes its own models). */
  run(): Promise<void>;
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
      const loss = (peft as unknown as Runnable).call(batch).loss;
      if (!loss) throw new PeftInvariantError('setup', `${c.name}: the model returned no loss; the case's batch needs labels`);
      if (!loss.requiresGrad)
        throw new PeftInvariantError('trainable', `${c.name}: the loss depends on no trainable tensor; does the adapter reach the output?`);
      loss.backward();
      opt.step();
      opt.zeroGrad();
    });
  }
  return { peft, batch, base, before, trainable: new Set(trainable.map(([k]) => k)) };
}

const sorted = (xs: Iterable<string>) => [...xs].sort();

/** Runs `attempt` and throws unless it is refused with `peft_merge_unsupported`. */
async function expectMergeRefused(attempt: () => unknown, what: string, name: string): Promise<void> {
  let error: unknown;
  try {
    await attempt();
  } catch (e) {
    error = e;
  }
  if (!(error instanceof PeftAdapterError && error.code === 'peft_merge_unsupported'))
    throw new PeftInvariantError(
      'merge',
      `${name}: the method declares canMerge false, but ${what} ${error === undefined ? 'succeeded' : `threw ${String(error)}`} instead of a PeftAdapterError 'peft_merge_unsupported'`,
    );
}

/** The checks of the suite for one case on one device: four (the fourth is the merge check, or the refusal check for a method that cannot merge). */
export function peftInvariantChecks(c: PeftInvariantCase, device = 'cpu'): PeftInvariantCheck[] {
  const atol = c.atol ?? (device === 'cpu' ? 1e-5 : 1e-4);
  const peftType = (c.config as { peft_type: string }).peft_type;
  const checks: PeftInvariantCheck[] = [
    {
      name: 'training changes only the adapter’s tensors, which are exactly the trainable ones',
      async run() {
        const { peft, before, trainable } = await trained(c, device);
        try {
          const adapter = new Set(peft.base_model.adapterParameters('default').keys());
          const [want, got] = [sorted(adapter), sorted(trainable)];
          if (want.join('\n') !== got.join('\n')) {
            const extra = got.filter((k) => !adapter.has(k));
            const missing = want.filter((k) => !trainable.has(k));
            throw new PeftInvariantError(
              'trainable',
              `${c.name}: the trainable tensors are not the adapter's (trainable but not in the adapter: ${extra.join(', ') || 'none'}; in the adapter but frozen: ${missing.join(', ') || 'none'})`,
            );
          }
          const after = await snapshot(peft);
          const changed = [...after].filter(([k, v]) => before.get(k)!.some((x, i) => x !== v[i])).map(([k]) => k);
          if (changed.length === 0)
            throw new PeftInvariantError('trainable', `${c.name}: three training steps changed no tensor; does the adapter reach the loss?`);
          const outside = changed.filter((k) => !trainable.has(k));
          if (outside.length) throw new PeftInvariantError('trainable', `${c.name}: training changed frozen tensors: ${outside.join(', ')}`);
        } finally {
          peft.dispose();
        }
      },
    },
    {
      name: 'with adapters disabled, the model is the base model exactly',
      async run() {
        const { peft, batch, base } = await trained(c, device);
        try {
          const adapted = await logits(peft, batch);
          if (adapted.every((v, i) => v === base[i]))
            throw new PeftInvariantError('disabled', `${c.name}: the trained adapter does not change the outputs, so disabling it proves nothing`);
          assertSameValues(
            await peft.withAdaptersDisabled(() => logits(peft, batch)),
            base,
            'disabled',
            `${c.name}: outputs with adapters disabled vs the base model`,
          );
          assertSameValues(await logits(peft, batch), adapted, 'disabled', `${c.name}: outputs after enabling the adapters again`);
        } finally {
          peft.dispose();
        }
      },
    },
    {
      name: 'an adapter saved in PEFT’s files and loaded onto a fresh base model gives identical outputs',
      async run() {
        const { peft, batch } = await trained(c, device);
        const files = await peft.toAdapterFilesAsync();
        const loaded = await PeftModel.fromPretrained(await c.model(device), files);
        try {
          assertSameValues(await logits(loaded, batch), await logits(peft, batch), 'files', `${c.name}: outputs of the loaded adapter vs the saved one`);
          const again = await loaded.toAdapterFilesAsync();
          for (const [name, bytes] of files) assertBytesEqual(again.get(name), bytes, 'files', `${c.name}: ${name} saved again`);
        } finally {
          peft.dispose();
          loaded.dispose();
        }
      },
    },
  ];
  if (peftMethod(peftType).canMerge) {
    checks.push({
      name: 'merged equals unmerged, unmerge restores the base weights, mergeAndUnload gives the base model’s class',
      async run() {
        const { peft, batch } = await trained(c, device);
        const fresh = await c.model(device);
        const baseKeys = Object.keys(fresh.stateDict());
        const adapted = await logits(peft, batch);
        const owned = peft.base_model.adapterOwnedTensors();
        const baseWeights = new Map<string, number[]>();
        for (const [k, p] of peft.namedParameters()) if (!owned.has(p)) baseWeights.set(k, await values(p));
        await peft.mergeAsync();
        assertClose(await logits(peft, batch), adapted, atol, 0, 'merge', `${c.name}: merged vs unmerged outputs`);
        peft.unmerge();
        for (const [k, p] of peft.namedParameters()) {
          const want = baseWeights.get(k);
          if (want) assertClose(await values(p), want, atol, atol, 'merge', `${c.name}: ${k} after unmerge`);
        }
        const merged = peft.mergeAndUnload();
        try {
          if (merged.constructor !== fresh.constructor)
            throw new PeftInvariantError(
              'merge',
              `${c.name}: mergeAndUnload returned a ${merged.constructor.name}, not the base model's ${fresh.constructor.name}`,
            );
          const keys = Object.keys(merged.stateDict());
          if (keys.join('\n') !== baseKeys.join('\n'))
            throw new PeftInvariantError(
              'merge',
              `${c.name}: mergeAndUnload's keys differ from the base model's (${keys.filter((k) => !baseKeys.includes(k)).join(', ')})`,
            );
          assertClose(await logits(merged, batch), adapted, atol, 0, 'merge', `${c.name}: mergeAndUnload's outputs vs the adapted model's`);
        } finally {
          noGrad(() => merged.dispose());
          fresh.dispose();
        }
      },
    });
  } else {
    checks.push({
      name: 'merge and mergeAndUnload are refused (peft_merge_unsupported), leaving the adapted model as it was',
      async run() {
        const { peft, batch } = await trained(c, device);
        try {
          const adapted = await logits(peft, batch);
          await expectMergeRefused(() => peft.merge(), 'merge()', c.name);
          await expectMergeRefused(() => peft.mergeAsync(), 'mergeAsync()', c.name);
          await expectMergeRefused(() => peft.mergeAndUnload(), 'mergeAndUnload()', c.name);
          assertSameValues(await logits(peft, batch), adapted, 'merge', `${c.name}: outputs after the refused merges`);
        } finally {
          peft.dispose();
        }
      },
    });
  }
  return checks;
}

/** Runs every check of {@link peftInvariantChecks} in turn; the first that fails throws. */
export async function checkPeftInvariants(c: PeftInvariantCase, device = 'cpu'): Promise<void> {
  for (const check of peftInvariantChecks(c, device)) await check.run();
}
