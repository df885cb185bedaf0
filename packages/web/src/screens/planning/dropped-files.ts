import type { PickedFile } from '../../engine/case-file-sort.js';

/** The files of a folder input (`webkitdirectory`), named by their path inside the folder picked. */
export function pickedFiles(list: FileList | null): PickedFile<File>[] {
  return Array.from(list ?? [], (f) => ({ path: f.webkitRelativePath || f.name, file: f }));
}

/**
 * The files of a drop, folders walked recursively (File System entries). The entries are taken during the drop
 * event (the DataTransfer empties after it); their files are read after. A drop built by a script carries no
 * entries: its files are taken as they are.
 */
export function droppedFiles(dt: DataTransfer): Promise<PickedFile<File>[]> {
  const entries: FileSystemEntry[] = [];
  const loose: File[] = [];
  for (const item of Array.from(dt.items ?? [])) {
    if (item.kind !== 'file') continue;
    const entry = typeof item.webkitGetAsEntry === 'function' ? item.webkitGetAsEntry() : null;
    if (entry) entries.push(entry);
    else {
      const f = item.getAsFile();
      if (f) loose.push(f);
    }
  }
  if (entries.length === 0 && loose.length === 0) loose.push(...Array.from(dt.files ?? []));
  return (async () => {
    const out: PickedFile<File>[] = loose.map((f) => ({ path: f.name, file: f }));
    for (const e of entries) await walk(e, out);
    return out;
  })();
}

async function walk(entry: FileSystemEntry, out: PickedFile<File>[]): Promise<void> {
  if (entry.isFile) {
    const file = await new Promise<File>((resolve, reject) => (entry as FileSystemFileEntry).file(resolve, reject));
    out.push({ path: entry.fullPath.replace(/^\/+/, '') || file.name, file });
    return;
  }
  if (!entry.isDirectory) return;
  const reader = (entry as FileSystemDirectoryEntry).createReader();
  // readEntries returns the folder in batches (100 in Chromium) until an empty one
  for (;;) {
    const batch = await new Promise<FileSystemEntry[]>((resolve, reject) => reader.readEntries(resolve, reject));
    if (batch.length === 0) break;
    for (const e of batch) await walk(e, out);
  }
}
