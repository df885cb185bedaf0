import { type PickedFile, type SortedCaseFiles, sortCaseFiles } from '../engine/case-file-sort.js';
import { structureVolumes } from '../engine/case-geometry.js';
import { DEFAULT_PHANTOM, type PhantomParams } from '../engine/phantom-source.js';
import type { WorkstationCase } from '../engine/workstation-case.js';
import { errorText } from '../i18n/error-text.js';
import { type MessageKey, onLanguageChange, structureName, t } from '../i18n/i18n.js';
import { labelColorTable } from '../viewer/label-colors.js';
import { fmt, h, tx } from './dom.js';
import { droppedFiles, pickedFiles } from './dropped-files.js';

export interface CasePanelActions {
  loadPhantom: (p: PhantomParams) => Promise<void>;
  loadFiles: (image: File, labels: File | null, labelMap: File | null) => Promise<void>;
  /** opens a DICOM series (with its label map and names when given); rejects, leaving the current case, on errors */
  loadDicom: (files: SortedCaseFiles<File>) => Promise<void>;
}

/** The Case tab: what the current case is, a phantom form, local NIfTI files and DICOM series. */
export function buildCasePanel(
  panel: HTMLElement,
  actions: CasePanelActions,
): { show: (c: WorkstationCase) => void; setError: (m: string | Error | null) => void } {
  const summary = h('div', { class: 'case-summary', 'data-testid': 'case-summary' });
  const error = h('p', { class: 'error', 'data-testid': 'case-error', hidden: true, role: 'alert' });
  let current: WorkstationCase | null = null;
  let shownError: string | Error | null = null;
  const renderError = () => {
    const m = shownError;
    error.hidden = m === null;
    const message = m instanceof Error ? errorText(m) : m;
    error.textContent = m === null ? '' : t('case.error', { message: message ?? '' });
  };
  const setError = (m: string | Error | null) => {
    shownError = m;
    renderError();
  };

  const num = (key: MessageKey, name: string, value: number, min: number, max: number, step: number) =>
    h(
      'label',
      { class: 'row' },
      tx('span', key),
      h('input', { type: 'number', name, value, min, max, step, 'data-testid': `phantom-${name}` }),
    );
  const select = (key: MessageKey, name: string, options: Array<[string, MessageKey]>, value: string) => {
    const s = h('select', { name, 'data-testid': `phantom-${name}` });
    for (const [v, k] of options) s.append(tx('option', k, { value: v, selected: v === value }));
    return h('label', { class: 'row' }, tx('span', key), s);
  };
  const d = DEFAULT_PHANTOM;
  const generate = tx('button', 'case.phantom.generate', { type: 'submit', class: 'primary', 'data-testid': 'phantom-generate' });
  const form = h(
    'form',
    { class: 'form', 'data-testid': 'phantom-form' },
    num('case.phantom.diameter', 'diameter', d.fibroidDiameterMm, 20, 110, 1),
    select(
      'case.phantom.position',
      'position',
      [
        ['anterior', 'case.phantom.position.anterior'],
        ['posterior', 'case.phantom.position.posterior'],
        ['fundal', 'case.phantom.position.fundal'],
        ['submucosal', 'case.phantom.position.submucosal'],
      ],
      d.fibroidPosition,
    ),
    select(
      'case.phantom.t2',
      't2',
      [
        ['1', 'case.phantom.t2.1'],
        ['2', 'case.phantom.t2.2'],
        ['3', 'case.phantom.t2.3'],
      ],
      String(d.t2Type),
    ),
    // the phantom's own ranges (core PhantomOptions) in 0.1 mm steps, so that its defaults and the wall presets
    // of Yang 2021 (fat 12.1–21.1, rectus 7.6–11.0 mm) are accepted as they are
    num('case.phantom.fat', 'fat', d.fatMm, 0, 80, 0.1),
    num('case.phantom.muscle', 'muscle', d.muscleMm, 0, 40, 0.1),
    select(
      'case.phantom.voxel',
      'voxel',
      [
        ['1', 'case.phantom.voxel.1'],
        ['1.5', 'case.phantom.voxel.1.5'],
        ['2', 'case.phantom.voxel.2'],
      ],
      String(d.voxelSizeMm),
    ),
    h(
      'label',
      { class: 'row check' },
      h('input', { type: 'checkbox', name: 'bowel', 'data-testid': 'phantom-bowel' }),
      tx('span', 'case.phantom.bowel'),
    ),
    generate,
  );
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const f = new FormData(form);
    const params: PhantomParams = {
      fibroidDiameterMm: Number(f.get('diameter')),
      fibroidPosition: f.get('position') as PhantomParams['fibroidPosition'],
      t2Type: Number(f.get('t2')) as 1 | 2 | 3,
      fatMm: Number(f.get('fat')),
      muscleMm: Number(f.get('muscle')),
      bowelInPath: f.get('bowel') !== null,
      voxelSizeMm: Number(f.get('voxel')),
    };
    generate.disabled = true;
    try {
      await actions.loadPhantom(params);
    } finally {
      generate.disabled = false;
    }
  });

  const imageInput = h('input', { type: 'file', accept: '.nii,.gz', 'data-testid': 'file-image' });
  const labelsInput = h('input', { type: 'file', accept: '.nii,.gz', 'data-testid': 'file-labels' });
  const mapInput = h('input', { type: 'file', accept: '.json', 'data-testid': 'file-labelmap' });
  const open = tx('button', 'case.files.open', { type: 'submit', 'data-testid': 'file-open' });
  const files = h(
    'form',
    { class: 'form', 'data-testid': 'file-form' },
    h('label', { class: 'row' }, tx('span', 'case.files.image'), imageInput),
    h('label', { class: 'row' }, tx('span', 'case.files.labels'), labelsInput),
    h('label', { class: 'row' }, tx('span', 'case.files.labelMap'), mapInput),
    tx('p', 'case.files.hint', { class: 'hint' }),
    open,
  );
  files.addEventListener('submit', async (e) => {
    e.preventDefault();
    const image = imageInput.files?.[0];
    if (!image) return;
    open.disabled = true;
    try {
      await actions.loadFiles(image, labelsInput.files?.[0] ?? null, mapInput.files?.[0] ?? null);
    } finally {
      open.disabled = false;
    }
  });

  const dicom = buildDicomForm(actions.loadDicom, setError);

  panel.append(
    tx('h2', 'case.current'),
    summary,
    error,
    h('details', { open: true }, tx('summary', 'case.phantom'), form),
    h('details', {}, tx('summary', 'case.files'), files),
    h('details', { 'data-testid': 'dicom-section' }, tx('summary', 'case.dicom'), dicom),
  );

  const render = () => {
    if (!current) return;
    const c = current;
    const g = c.grid;
    const vols = structureVolumes(c);
    const rows = labelColorTable(c.structures)
      .filter((s) => vols[s.name] > 0 && s.name !== 'air' && s.name !== 'background')
      .map((s) =>
        h(
          'tr',
          { 'data-structure': s.name },
          h('td', {}, h('span', { class: 'swatch', style: `background: rgb(${s.rgb.join(',')})` }), structureName(s.name)),
          h('td', { class: 'num' }, `${fmt(vols[s.name] * 1e6, 1)} ${t('unit.ml')}`),
        ),
      );
    summary.replaceChildren(
      h(
        'dl',
        {},
        h('dt', {}, t('case.grid')),
        h('dd', { 'data-testid': 'case-grid' }, g.shape.join(' × ')),
        h('dt', {}, t('case.voxel')),
        h('dd', {}, `${g.spacing.map((s) => fmt(s * 1000, 2)).join(' × ')} ${t('unit.mm')}`),
        ...sourceLine(c),
      ),
      c.labels
        ? h(
            'table',
            { class: 'structures', 'data-testid': 'case-structures' },
            h('thead', {}, h('tr', {}, h('th', {}, t('case.structure')), h('th', { class: 'num' }, t('case.volume')))),
            h('tbody', {}, ...rows),
          )
        : h('p', { class: 'hint caution', 'data-testid': 'case-needs-labels' }, t('case.needsLabels')),
      ...c.notes.map((n) => h('p', { class: 'hint' }, n)),
    );
  };
  onLanguageChange(() => {
    render();
    renderError();
  });
  return {
    show: (c) => {
      current = c;
      render();
    },
    setError,
  };
}

/** The series' modality, slices and encoding for a case read from DICOM; nothing for others. */
function sourceLine(c: WorkstationCase): HTMLElement[] {
  const d = c.source.dicom as { modality?: string; slices?: number; transferSyntax?: string; skipped?: string[] } | undefined;
  if (c.source.kind !== 'dicom' || !d) return [];
  const line = t('case.source.dicom', { modality: d.modality ?? 'DICOM', slices: d.slices ?? 0, syntax: d.transferSyntax ?? '' });
  const skipped = d.skipped?.length ? ` ${t('case.dicom.skipped', { files: d.skipped.join(', ') })}` : '';
  return [h('dt', {}, t('case.source')), h('dd', { 'data-testid': 'case-source' }, line + skipped)];
}

/**
 * Opening a DICOM series: a folder picker (one series; a label map .nii/.nii.gz and names .json inside it are
 * taken as such), label-map and label-name inputs, and a drop zone for a folder or files. The worker reads and
 * decodes the files; an error leaves the current case.
 */
function buildDicomForm(load: CasePanelActions['loadDicom'], setError: (m: string | Error | null) => void): HTMLElement {
  const folderInput = h('input', { type: 'file', webkitdirectory: true, multiple: true, 'data-testid': 'dicom-folder' });
  const labelsInput = h('input', { type: 'file', accept: '.nii,.gz', 'data-testid': 'dicom-labels' });
  const mapInput = h('input', { type: 'file', accept: '.json', 'data-testid': 'dicom-labelmap' });
  const open = tx('button', 'case.dicom.open', { type: 'submit', 'data-testid': 'dicom-open', disabled: true });
  const selection = h('p', { class: 'hint', 'data-testid': 'dicom-selection', 'aria-live': 'polite' });
  const drop = h('div', { class: 'drop-zone', 'data-testid': 'dicom-drop', tabindex: 0 }, tx('span', 'case.dicom.drop'));
  const form = h(
    'form',
    { class: 'form', 'data-testid': 'dicom-form' },
    h('label', { class: 'row' }, tx('span', 'case.dicom.folder'), folderInput),
    h('label', { class: 'row' }, tx('span', 'case.dicom.labels'), labelsInput),
    h('label', { class: 'row' }, tx('span', 'case.dicom.labelMap'), mapInput),
    drop,
    selection,
    tx('p', 'case.dicom.hint', { class: 'hint' }),
    open,
  );

  let sorted: SortedCaseFiles<File> | null = null;
  let loading = false;
  const explicit = () => ({
    labels: labelsInput.files?.[0] ? { path: labelsInput.files[0].name, file: labelsInput.files[0] } : null,
    labelMap: mapInput.files?.[0] ? { path: mapInput.files[0].name, file: mapInput.files[0] } : null,
  });
  const describe = () => {
    if (loading && sorted) selection.textContent = t('case.dicom.reading', { n: sorted.dicom.length });
    else if (sorted)
      selection.textContent = t('case.dicom.selected', {
        dicom: sorted.dicom.length,
        labels: sorted.labels?.path ?? t('case.dicom.none'),
        names: sorted.labelMap?.path ?? t('case.dicom.none'),
      });
    else selection.textContent = '';
    open.disabled = loading || sorted === null;
  };
  onLanguageChange(describe);
  /** Sorts the files (errors shown, the current case kept); null when they cannot make a case. */
  const sort = (files: PickedFile<File>[]): SortedCaseFiles<File> | null => {
    try {
      return sortCaseFiles(files, explicit());
    } catch (e) {
      setError(e as Error);
      return null;
    }
  };
  const run = async (files: SortedCaseFiles<File>) => {
    loading = true;
    form.dataset.loading = 'true';
    describe();
    try {
      await load(files);
    } finally {
      loading = false;
      delete form.dataset.loading;
      describe();
    }
  };
  const reselect = () => {
    const files = pickedFiles(folderInput.files);
    sorted = files.length ? sort(files) : null;
    if (sorted) setError(null);
    describe();
  };
  folderInput.addEventListener('change', reselect);
  labelsInput.addEventListener('change', reselect);
  mapInput.addEventListener('change', reselect);
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    if (sorted && !loading) void run(sorted);
  });

  // Dropping files anywhere else would make the browser open them in place of the workstation.
  const hasFiles = (e: DragEvent) => e.dataTransfer?.types.includes('Files') ?? false;
  document.addEventListener('dragover', (e) => {
    if (hasFiles(e)) e.preventDefault();
  });
  document.addEventListener('drop', (e) => {
    if (hasFiles(e)) e.preventDefault();
  });
  drop.addEventListener('dragover', (e) => {
    e.preventDefault();
    if (e.dataTransfer) e.dataTransfer.dropEffect = 'copy';
    drop.classList.add('over');
  });
  drop.addEventListener('dragleave', () => drop.classList.remove('over'));
  drop.addEventListener('drop', async (e) => {
    e.preventDefault();
    e.stopPropagation();
    drop.classList.remove('over');
    if (!e.dataTransfer || loading) return;
    let files: PickedFile<File>[];
    try {
      files = await droppedFiles(e.dataTransfer);
    } catch (err) {
      setError(err as Error);
      return;
    }
    const s = sort(files);
    if (!s) return;
    sorted = s;
    // a drop opens at once; the folder input no longer describes what is shown
    folderInput.value = '';
    await run(s);
  });
  return form;
}
