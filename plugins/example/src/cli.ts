/**
 * @graft/plugin-example/cli: the module `graft --plugin @graft/plugin-example/cli` loads. Its
 * `graftPlugin` adds the `count-tokens` command and registers LoHa with @graft/peft, so PEFT
 * adapter folders whose `peft_type` is 'LOHA' load in the process. Node only.
 * @packageDocumentation
 */
import { definePlugin } from '@graft/cli';
import { registerPeftMethod } from '@graft/peft';
import { countTokensCommand } from './commands/count-tokens';
import { lohaMethod } from './loha/method';

export { countTokensCommand, formatTokenStats } from './commands/count-tokens';
export { percentile, tokenStats, type TokenStats, type Truncation } from './commands/token-stats';

/** What the CLI loads: the `count-tokens` command, and LoHa in @graft/peft's registry. */
export const graftPlugin = definePlugin({
  name: '@graft/plugin-example',
  commands: [countTokensCommand],
  register() {
    registerPeftMethod(lohaMethod);
  },
});
