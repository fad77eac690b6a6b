/**
 * Files from the user: a drop zone that accepts files and whole folders (a dropped checkpoint
 * folder is walked with the File and Directory Entries API), and pickers for files or a folder.
 * Files keep their base names, which is what a checkpoint's loader looks them up by.
 */
import { h } from './dom';

/** Reads every file under a dropped entry (folders recursively). */
async function entryFiles(entry: FileSystemEntry): Promise<File[]> {
  if (entry.isFile) return [await new Promise<File>((resolve, reject) => (entry as FileSystemFileEntry).file(resolve, reject))];
  if (!entry.isDirectory) return [];
  const reader = (entry as FileSystemDirectoryEntry).createReader();
  const entries: FileSystemEntry[] = [];
  // readEntries returns at most 100 entries per call; it returns [] at the end
  for (;;) {
    const batch = await new Promise<FileSystemEntry[]>((resolve, reject) => reader.readEntries(resolve, reject));
    if (!batch.length) break;
    entries.push(...batch);
  }
  return (await Promise.all(entries.map(entryFiles))).flat();
}

/** The files of a drop: folders walked, plain files as they are. */
export async function droppedFiles(data: DataTransfer): Promise<File[]> {
  const entries = Array.from(data.items)
    .map((i) => i.webkitGetAsEntry?.())
    .filter((e): e is FileSystemEntry => !!e);
  if (entries.length) return (await Promise.all(entries.map(entryFiles))).flat();
  return Array.from(data.files);
}

/** Options of {@link dropZone}. */
export interface DropZoneOptions {
  /** What to drop, for people ("a checkpoint folder"). */
  what: string;
  /** The file-type filter of the picker (`.csv,.jsonl`). */
  accept?: string;
  /** Offer a folder picker too. */
  folder?: boolean;
  /** Several files at once. */
  multiple?: boolean;
  /** For tests: the file input's id. */
  inputId: string;
  onFiles: (files: File[]) => void;
}

/** A drop zone with a file picker (and a folder picker). */
export function dropZone(opts: DropZoneOptions): HTMLDivElement {
  const input = h('input', { type: 'file', id: opts.inputId, class: 'visually-hidden', accept: opts.accept, multiple: opts.multiple });
  input.addEventListener('change', () => {
    if (input.files?.length) opts.onFiles(Array.from(input.files));
    input.value = '';
  });
  const folderInput = opts.folder ? h('input', { type: 'file', id: `${opts.inputId}-folder`, class: 'visually-hidden', webkitdirectory: true }) : null;
  folderInput?.addEventListener('change', () => {
    if (folderInput.files?.length) opts.onFiles(Array.from(folderInput.files));
    folderInput.value = '';
  });
  const zone = h(
    'div',
    { class: 'drop-zone', tabindex: 0, role: 'button', 'aria-label': `Drop ${opts.what} here, or choose files` },
    h('div', { class: 'drop-icon', 'aria-hidden': 'true' }, '⇪'),
    h('div', {}, 'Drop ', h('strong', {}, opts.what), ' here'),
    h(
      'div',
      { class: 'drop-actions' },
      h('button', { type: 'button', class: 'link', onclick: () => input.click() }, opts.multiple ? 'choose files' : 'choose a file'),
      folderInput ? [' or ', h('button', { type: 'button', class: 'link', onclick: () => folderInput.click() }, 'choose a folder')] : null,
    ),
    input,
    folderInput,
  );
  zone.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' || e.key === ' ') input.click();
  });
  zone.addEventListener('dragover', (e) => {
    e.preventDefault();
    zone.classList.add('dragging');
  });
  zone.addEventListener('dragleave', () => zone.classList.remove('dragging'));
  zone.addEventListener('drop', async (e) => {
    e.preventDefault();
    zone.classList.remove('dragging');
    if (e.dataTransfer) opts.onFiles(await droppedFiles(e.dataTransfer));
  });
  return zone;
}
