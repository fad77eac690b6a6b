/**
 * @graft/plugin-example/cli: the module `graft --plugin @graft/plugin-example/cli` loads. Its
 * `graftPlugin` adds the `count-tokens` command, registers LoHa with @graft/peft (so PEFT adapter
 * folders whose `peft_type` is 'LOHA' load in the process) and fastText's `.ft` files with
 * @graft/data (so every command's `<data>` reads them). Node only.
 * @packageDocumentation
 */
import { definePlugin } from '@graft/cli';
import { registerDataFormat } from '@graft/data/node';
import { registerPeftMethod } from '@graft/peft';
import { countTokensCommand } from './commands/count-tokens';
import { fastTextFormat } from './formats/fasttext';
import { lohaMethod } from './loha/method';

export { countTokensCommand, formatTokenStats } from './commands/count-tokens';
export { percentile, tokenStats, type TokenStats, type Truncation } from './commands/token-stats';
export { fastTextFormat, parseFastTextLine, type FastTextRow } from './formats/fasttext';

/** What the CLI loads: the `count-tokens` command, LoHa in @graft/peft's registry, and fastText's format in @graft/data's. */
export const graftPlugin = definePlugin({
  name: '@graft/plugin-example',
  commands: [countTokensCommand],
  register() {
    registerPeftMethod(lohaMethod);
    registerDataFormat(fastTextFormat);
  },
});
