/**
 * @graft/cli as a library: run the `graft` command line from a program, and write plugins that
 * add commands (`graft --plugin <module>`). The executable is `graft` (`dist/bin.js`).
 * @packageDocumentation
 */
export { runCli, type CliIO } from './program';
export {
  defineCommand,
  type ArgumentSpec,
  type CliContext,
  type CommandInput,
  type CommandResult,
  type GraftCommand,
  type OptionSpec,
  type OptionType,
} from './command';
export { CommandRegistry } from './registry';
export { definePlugin, loadPlugin, type GraftPlugin } from './plugin';
export { builtinCommands } from './commands/index';
export { CliError, classifyError, dataError, InterruptedError, modelError, usageError } from './errors';
export { EXIT, type ExitCode } from './exit-codes';
export { BUILTIN_DATASETS, type BuiltinDataset } from './builtin-datasets';
export { renderReportHtml, readReportData, REPORT_DATA_ID } from './report/report-html';
export type { EvalPoint, LossPoint, ReportData } from './report/report-data';
export { estimateTrainingMemory, type MemoryEstimate, type MemoryEstimateInput } from './inspect/memory-estimate';
// for plugin commands: the `<model>` and `<data>` arguments and flags exactly as the built-in commands take them
export { loadSplits, pickLabelColumn, pickTextColumn, requireColumn, type LoadedSplit, type RawRow } from './data-loading';
export { loadModelTokenizer, readModelDir, type ModelConfigJson } from './model-loading';
export { columnOptions, tokenizerOption } from './commands/shared-options';
