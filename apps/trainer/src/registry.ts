/**
 * The command registry: a plain map from name to command, filled by explicit calls, like
 * tokenizers' component registries and core's backend registry. The built-in commands are a
 * static table (`builtinCommands`); plugins (`graft --plugin <module>`) register theirs through
 * the same `register`, so `distill`, `merge` or a third party's command are peers of `train`.
 */
import type { GraftCommand } from './command';
import { usageError } from './errors';

const NAME = /^[a-z][a-z0-9-]*$/;

/** Commands by name. */
export class CommandRegistry {
  readonly #commands = new Map<string, GraftCommand>();

  /** Registers commands; a malformed or already-taken name is a usage error naming both. */
  register(...commands: GraftCommand[]): this {
    for (const command of commands) {
      if (!command || typeof command.run !== 'function' || typeof command.name !== 'string') {
        throw usageError('a command must be an object with a name and a run function (use defineCommand from @graft/cli)', 'bad_command');
      }
      if (!NAME.test(command.name)) throw usageError(`command name "${command.name}" must be lowercase letters, digits and dashes`, 'bad_command');
      if (this.#commands.has(command.name))
        throw usageError(`a command named "${command.name}" is already registered; a plugin cannot replace it, choose another name`, 'duplicate_command');
      this.#commands.set(command.name, command);
    }
    return this;
  }

  /** The command called `name`, if any. */
  get(name: string): GraftCommand | undefined {
    return this.#commands.get(name);
  }

  /** Whether `name` is registered. */
  has(name: string): boolean {
    return this.#commands.has(name);
  }

  /** Every command, in registration order. */
  list(): GraftCommand[] {
    return [...this.#commands.values()];
  }
}
