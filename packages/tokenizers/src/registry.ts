/**
 * Generic per-stage registry: a plain `Record<type tag, fromJSON>` plus the lookup that turns a
 * tokenizer.json object into a component. Unknown tags are errors, never ignored. Factories get a
 * `build` callback for nested components (Sequence), so no component imports its own registry.
 */
import { TokenizerError } from './errors';
import { JsonReader, readTagged } from './json-reader';

/** Creates a component from its tokenizer.json object. */
export type ComponentFactory<T> = (reader: JsonReader, build: (json: unknown) => T) => T;

/**
 * How deeply components may nest (a Sequence inside a Sequence …). HF reads tokenizer.json with
 * serde_json, whose recursion limit of 128 JSON levels allows about 63 such levels; a deeper
 * file is hostile, and building it recursively would overflow the call stack.
 */
export const MAX_COMPONENT_DEPTH = 64;

/** Builds a component of `stage` from JSON using `registry` (`depth` counts enclosing components). */
export function buildComponent<T>(registry: Record<string, ComponentFactory<T>>, stage: string, json: unknown, depth = 0): T {
  if (depth >= MAX_COMPONENT_DEPTH) {
    throw new TokenizerError(
      'E_LIMIT',
      `${stage}: components are nested more than ${MAX_COMPONENT_DEPTH} levels deep; flatten the nested "Sequence" entries into one`,
    );
  }
  const { tag, reader } = readTagged(json, stage);
  const factory = Object.hasOwn(registry, tag) ? registry[tag] : undefined;
  if (!factory) {
    const known = Object.keys(registry).sort().join(', ');
    throw new TokenizerError('E_UNKNOWN_TYPE', `${stage}: unknown type "${tag}" (known: ${known})`);
  }
  return factory(reader, (child) => buildComponent(registry, stage, child, depth + 1));
}

/** Reads an array field of nested components with `build`, naming the index on errors. */
export function buildList<T>(reader: JsonReader, field: string, build: (json: unknown) => T): T[] {
  return reader.array(field).map((item, i) => {
    if (item === null || typeof item !== 'object') {
      throw new TokenizerError('E_BAD_FIELD', `${reader.where}: ${field}[${i}] must be an object`);
    }
    return build(item);
  });
}

export { JsonReader };
