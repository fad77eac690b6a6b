/**
 * Plugins: `graft --plugin <module> <command> …` imports a module that exports `graftPlugin` and
 * lets it add commands. A plugin is data (`{ commands }`) or a function of the registry for
 * plugins that decide at load time what to add. The module is a path (relative to the working
 * directory) or an installed package name, resolved from the working directory first, as a user
 * who ran `npm install graft-plugin-x` in their project expects.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { isAbsolute, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { GraftCommand } from './command';
import { usageError } from './errors';
import type { CommandRegistry } from './registry';

/** What a plugin module exports as `graftPlugin`. */
export type GraftPlugin =
  | {
      /** Shown in errors about the plugin. */
      name?: string;
      /** Commands to add. */
      commands?: readonly GraftCommand[];
      /** Called with the registry after `commands` are added, for plugins that register conditionally. */
      register?(registry: CommandRegistry): void | Promise<void>;
    }
  | ((registry: CommandRegistry) => void | Promise<void>);

/** Declares a plugin (an identity function that types the object). */
export function definePlugin(plugin: GraftPlugin): GraftPlugin {
  return plugin;
}

function looksLikePath(spec: string): boolean {
  return spec.startsWith('.') || isAbsolute(spec) || /\.(m?js|cjs|ts|mts)$/.test(spec);
}

/** The URL to import for `spec`, or a usage error saying where it looked. */
function resolvePlugin(spec: string, cwd: string): string {
  if (looksLikePath(spec)) {
    const path = resolve(cwd, spec);
    if (!existsSync(path))
      throw usageError(
        `--plugin ${spec}: no such file ${path}; pass the path of a module that exports graftPlugin, or an installed package name`,
        'plugin_not_found',
      );
    return pathToFileURL(path).href;
  }
  try {
    return pathToFileURL(createRequire(join(cwd, 'package.json')).resolve(spec)).href;
  } catch {
    // not installed in the working directory's project: let the CLI's own resolution try
    return spec;
  }
}

/** Imports `spec` and registers what its `graftPlugin` adds. */
export async function loadPlugin(spec: string, registry: CommandRegistry, cwd: string): Promise<void> {
  const target = resolvePlugin(spec, cwd);
  let mod: Record<string, unknown>;
  try {
    mod = (await import(target)) as Record<string, unknown>;
  } catch (e) {
    const reason = e instanceof Error ? e.message.split('\n')[0] : String(e);
    throw usageError(`--plugin ${spec}: cannot import it (${reason}); pass the path of a module or the name of a package installed here`, 'plugin_not_found');
  }
  const plugin = (mod.graftPlugin ?? (mod.default as Record<string, unknown> | undefined)?.graftPlugin) as GraftPlugin | undefined;
  if (plugin === undefined)
    throw usageError(`--plugin ${spec}: the module does not export graftPlugin; export const graftPlugin = { commands: [...] }`, 'plugin_invalid');
  if (typeof plugin === 'function') {
    await plugin(registry);
    return;
  }
  if (typeof plugin !== 'object' || plugin === null)
    throw usageError(`--plugin ${spec}: graftPlugin must be an object { commands } or a function of the registry`, 'plugin_invalid');
  if (plugin.commands !== undefined && !Array.isArray(plugin.commands))
    throw usageError(`--plugin ${spec}: graftPlugin.commands must be an array of commands`, 'plugin_invalid');
  registry.register(...(plugin.commands ?? []));
  await plugin.register?.(registry);
}
