/**
 * Reading a pretraining corpus: plain text files (one document per line; blank lines skipped),
 * data files or Hugging Face dataset folders (one document per row of the text column), or a
 * built-in dataset's training texts. Documents are tokenized without special tokens, ready to be
 * packed.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { extname, resolve } from 'node:path';
import type { Tokenizer } from '@graft/tokenizers';
import type { CliContext } from './command';
import { loadSplits, pickTextColumn } from './data-loading';
import { usageError } from './errors';

/** The documents of every corpus argument, as text. */
export async function readCorpus(
  paths: readonly string[],
  textColumn: string | undefined,
  ctx: CliContext,
): Promise<{ documents: string[]; sources: string[] }> {
  const documents: string[] = [];
  const sources: string[] = [];
  for (const path of paths) {
    const full = resolve(ctx.cwd, path);
    const isText = existsSync(full) && statSync(full).isFile() && ['.txt', '.text', '.md'].includes(extname(full).toLowerCase());
    if (isText) {
      const lines = readFileSync(full, 'utf8')
        .split(/\r?\n/)
        .map((l) => l.trim())
        .filter((l) => l.length > 0);
      documents.push(...lines);
      sources.push(`${path} (${lines.length} lines)`);
      continue;
    }
    const splits = await loadSplits(path, ctx, { train: true, eval: false });
    const split = splits.train;
    if (!split) throw usageError(`${path}: no training split to read documents from`, 'split_not_found');
    const column = pickTextColumn(split, textColumn, splits.builtin?.textColumn);
    let n = 0;
    for (const row of split.dataset) {
      const value = (row as Record<string, unknown>)[column];
      if (typeof value === 'string' && value.trim().length > 0) {
        documents.push(value);
        n++;
      }
    }
    sources.push(`${split.source} (${n} documents)`);
  }
  if (documents.length === 0) throw usageError(`the corpus ${paths.join(', ')} has no text; pass text files or data with a text column`, 'empty_corpus');
  return { documents, sources };
}

/** Token ids of each document, without special tokens (the packer adds them). */
export function tokenizeDocuments(tokenizer: Tokenizer, documents: readonly string[]): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < documents.length; i += 1000) {
    for (const e of tokenizer.encodeBatch(documents.slice(i, i + 1000), { addSpecialTokens: false })) out.push(e.ids);
  }
  return out;
}

/** The ids of the special tokens masked-LM training needs, BERT's or RoBERTa's spelling. */
export function specialIds(tokenizer: Tokenizer): { cls: number; sep: number; mask: number; all: number[] } {
  const find = (...names: string[]) => {
    for (const n of names) {
      const id = tokenizer.tokenToId(n);
      if (id !== undefined) return id;
    }
    return undefined;
  };
  const cls = find('[CLS]', '<s>');
  const sep = find('[SEP]', '</s>');
  const mask = find('[MASK]', '<mask>');
  if (cls === undefined || sep === undefined || mask === undefined) {
    throw usageError(
      'the tokenizer has no [CLS]/[SEP]/[MASK] (or <s>/</s>/<mask>) tokens, which masked-LM pretraining needs; pass --tokenizer with a BERT or RoBERTa tokenizer',
      'tokenizer_specials',
    );
  }
  const all = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]', '<s>', '<pad>', '</s>', '<unk>', '<mask>']
    .map((t) => tokenizer.tokenToId(t))
    .filter((id): id is number => id !== undefined);
  return { cls, sep, mask, all: [...new Set(all)] };
}
