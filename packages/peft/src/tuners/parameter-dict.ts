/**
 * ParameterDict: parameters by name as own fields, as `torch.nn.ParameterDict`, so an adapter's
 * vector has PEFT's key (`ia3_l.default`, `lora_embedding_A.default`, with no `.weight`).
 */
import { Module, ModulePathError, type Parameter } from '@graft/nn';

/** Parameters keyed by adapter name; its state-dict keys are `<field>.<name>`. */
export class ParameterDict extends Module<never[], never> {
  /** The parameter named `key`, or undefined. */
  get(key: string): Parameter | undefined {
    const v = Object.hasOwn(this, key) ? (this as unknown as Record<string, unknown>)[key] : undefined;
    return v === undefined ? undefined : (v as Parameter);
  }

  /** Adds or replaces the parameter named `key`. */
  set(key: string, p: Parameter): this {
    if ((key in this && !Object.hasOwn(this, key)) || key === 'training')
      throw new ModulePathError(`ParameterDict key '${key}' clashes with a Module property`);
    this.registerParameter(key, p);
    return this;
  }

  /** Whether a parameter is named `key`. */
  has(key: string): boolean {
    return this.get(key) !== undefined;
  }

  /** Removes the parameter named `key` (not disposing it); returns whether there was one. */
  delete(key: string): boolean {
    if (!this.has(key)) return false;
    delete (this as unknown as Record<string, unknown>)[key];
    return true;
  }

  /** The names, in insertion order. */
  keys(): string[] {
    return [...this.namedOwnParameters()].map(([k]) => k);
  }

  forward(): never {
    throw new ModulePathError('ParameterDict has no forward; read its parameters with get(name)');
  }
}
