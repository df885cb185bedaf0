import { structureVolumes } from '../engine/case-geometry.js';
import { DEFAULT_PHANTOM, type PhantomParams } from '../engine/phantom-source.js';
import type { WorkstationCase } from '../engine/workstation-case.js';
import { type MessageKey, onLanguageChange, structureName, t } from '../i18n/i18n.js';
import { labelColorTable } from '../viewer/label-colors.js';
import { fmt, h, tx } from './dom.js';

export interface CasePanelActions {
  loadPhantom: (p: PhantomParams) => Promise<void>;
  loadFiles: (image: File, labels: File | null, labelMap: File | null) => Promise<void>;
}

/** The Case tab: what the current case is, a phantom form and local NIfTI file loading. */
export function buildCasePanel(
  panel: HTMLElement,
  actions: CasePanelActions,
): { show: (c: WorkstationCase) => void; setError: (m: string | null) => void } {
  const summary = h('div', { class: 'case-summary', 'data-testid': 'case-summary' });
  const error = h('p', { class: 'error', 'data-testid': 'case-error', hidden: true });
  let current: WorkstationCase | null = null;

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
    num('case.phantom.fat', 'fat', d.fatMm, 2, 60, 0.5),
    num('case.phantom.muscle', 'muscle', d.muscleMm, 2, 30, 0.5),
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

  panel.append(
    tx('h2', 'case.current'),
    summary,
    error,
    h('details', { open: true }, tx('summary', 'case.phantom'), form),
    h('details', {}, tx('summary', 'case.files'), files),
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
      ),
      c.labels
        ? h(
            'table',
            { class: 'structures', 'data-testid': 'case-structures' },
            h('thead', {}, h('tr', {}, h('th', {}, t('case.structure')), h('th', { class: 'num' }, t('case.volume')))),
            h('tbody', {}, ...rows),
          )
        : h('p', { class: 'hint' }, t('case.files.noLabels')),
      ...c.notes.map((n) => h('p', { class: 'hint' }, n)),
    );
  };
  onLanguageChange(render);
  return {
    show: (c) => {
      current = c;
      render();
    },
    setError: (m) => {
      error.hidden = m === null;
      error.textContent = m === null ? '' : t('case.error', { message: m });
    },
  };
}
