import { signal } from '@preact/signals';
import { useEffect, useRef, useState } from 'preact/hooks';
import { currentCase } from '../../app/workstation-state.js';
import { type PickedFile, type SortedCaseFiles, sortCaseFiles } from '../../engine/case-file-sort.js';
import { structureVolumes } from '../../engine/case-geometry.js';
import { DEFAULT_PHANTOM, type PhantomParams } from '../../engine/phantom-source.js';
import type { WorkstationCase } from '../../engine/workstation-case.js';
import { errorText } from '../../i18n/error-text.js';
import { type MessageKey, structureName, t } from '../../i18n/i18n.js';
import { useLanguage } from '../../i18n/language-signal.js';
import { fmt } from '../../ui/dom.js';
import { labelColorTable } from '../../viewer/label-colors.js';
import { droppedFiles, pickedFiles } from './dropped-files.js';
import { NumberRow } from './number-row.js';

export interface CasePanelActions {
  loadPhantom: (p: PhantomParams) => Promise<void>;
  loadFiles: (image: File, labels: File | null, labelMap: File | null) => Promise<void>;
  /** opens a DICOM series (with its label map and names when given); rejects, leaving the current case, on errors */
  loadDicom: (files: SortedCaseFiles<File>) => Promise<void>;
}

/** A folder picker (not in the JSX types: a Chromium/WebKit/Firefox extension). */
const FOLDER_PICKER = { webkitdirectory: true } as Record<string, boolean>;

/** The error of the last attempt to open a case (the current case stays), or null. */
export const caseError = signal<string | Error | null>(null);

function SelectRow(props: { label: MessageKey; name: string; options: Array<[string, MessageKey]>; value: string }) {
  return (
    <label class="row">
      <span>{t(props.label)}</span>
      <select name={props.name} data-testid={`phantom-${props.name}`}>
        {props.options.map(([v, k]) => (
          <option key={v} value={v} selected={v === props.value}>
            {t(k)}
          </option>
        ))}
      </select>
    </label>
  );
}

/** The phantom generator's form. */
function PhantomForm({ load }: { load: CasePanelActions['loadPhantom'] }) {
  const [busy, setBusy] = useState(false);
  const d = DEFAULT_PHANTOM;
  const submit = async (e: Event) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget as HTMLFormElement);
    const params: PhantomParams = {
      fibroidDiameterMm: Number(f.get('diameter')),
      fibroidPosition: f.get('position') as PhantomParams['fibroidPosition'],
      t2Type: Number(f.get('t2')) as 1 | 2 | 3,
      fatMm: Number(f.get('fat')),
      muscleMm: Number(f.get('muscle')),
      bowelInPath: f.get('bowel') !== null,
      voxelSizeMm: Number(f.get('voxel')),
    };
    setBusy(true);
    try {
      await load(params);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form class="form" data-testid="phantom-form" onSubmit={submit}>
      <NumberRow
        label="case.phantom.diameter"
        name="diameter"
        testId="phantom-diameter"
        value={d.fibroidDiameterMm}
        min={20}
        max={110}
        step={1}
      />
      <SelectRow
        label="case.phantom.position"
        name="position"
        options={[
          ['anterior', 'case.phantom.position.anterior'],
          ['posterior', 'case.phantom.position.posterior'],
          ['fundal', 'case.phantom.position.fundal'],
          ['submucosal', 'case.phantom.position.submucosal'],
        ]}
        value={d.fibroidPosition}
      />
      <SelectRow
        label="case.phantom.t2"
        name="t2"
        options={[
          ['1', 'case.phantom.t2.1'],
          ['2', 'case.phantom.t2.2'],
          ['3', 'case.phantom.t2.3'],
        ]}
        value={String(d.t2Type)}
      />
      {/* the phantom's own ranges (core PhantomOptions) in 0.1 mm steps, so that its defaults and the wall presets
          of Yang 2021 (fat 12.1–21.1, rectus 7.6–11.0 mm) are accepted as they are */}
      <NumberRow label="case.phantom.fat" name="fat" testId="phantom-fat" value={d.fatMm} min={0} max={80} step={0.1} />
      <NumberRow label="case.phantom.muscle" name="muscle" testId="phantom-muscle" value={d.muscleMm} min={0} max={40} step={0.1} />
      <SelectRow
        label="case.phantom.voxel"
        name="voxel"
        options={[
          ['1', 'case.phantom.voxel.1'],
          ['1.5', 'case.phantom.voxel.1.5'],
          ['2', 'case.phantom.voxel.2'],
        ]}
        value={String(d.voxelSizeMm)}
      />
      <label class="row check">
        <input type="checkbox" name="bowel" data-testid="phantom-bowel" />
        <span>{t('case.phantom.bowel')}</span>
      </label>
      <button type="submit" class="primary" data-testid="phantom-generate" disabled={busy}>
        {t('case.phantom.generate')}
      </button>
    </form>
  );
}

/** Local NIfTI files: image, label map and label names. */
function NiftiForm({ load }: { load: CasePanelActions['loadFiles'] }) {
  const [busy, setBusy] = useState(false);
  const image = useRef<HTMLInputElement>(null);
  const labels = useRef<HTMLInputElement>(null);
  const map = useRef<HTMLInputElement>(null);
  const submit = async (e: Event) => {
    e.preventDefault();
    const file = image.current?.files?.[0];
    if (!file) return;
    setBusy(true);
    try {
      await load(file, labels.current?.files?.[0] ?? null, map.current?.files?.[0] ?? null);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form class="form" data-testid="file-form" onSubmit={submit}>
      <label class="row">
        <span>{t('case.files.image')}</span>
        <input type="file" accept=".nii,.gz" data-testid="file-image" ref={image} />
      </label>
      <label class="row">
        <span>{t('case.files.labels')}</span>
        <input type="file" accept=".nii,.gz" data-testid="file-labels" ref={labels} />
      </label>
      <label class="row">
        <span>{t('case.files.labelMap')}</span>
        <input type="file" accept=".json" data-testid="file-labelmap" ref={map} />
      </label>
      <p class="hint">{t('case.files.hint')}</p>
      <button type="submit" data-testid="file-open" disabled={busy}>
        {t('case.files.open')}
      </button>
    </form>
  );
}

/**
 * Opening a DICOM series: a folder picker (one series; a label map .nii/.nii.gz and names .json inside it are
 * taken as such), label-map and label-name inputs, and a drop zone for a folder or files. The worker reads and
 * decodes the files; an error leaves the current case.
 */
function DicomForm({ load }: { load: CasePanelActions['loadDicom'] }) {
  const folder = useRef<HTMLInputElement>(null);
  const labels = useRef<HTMLInputElement>(null);
  const map = useRef<HTMLInputElement>(null);
  const [sorted, setSorted] = useState<SortedCaseFiles<File> | null>(null);
  const [loading, setLoading] = useState(false);
  const [over, setOver] = useState(false);
  const setError = (e: string | Error | null) => {
    caseError.value = e;
  };
  // Dropping files anywhere else would make the browser open them in place of the workstation.
  useEffect(() => {
    const hasFiles = (e: DragEvent) => e.dataTransfer?.types.includes('Files') ?? false;
    const block = (e: DragEvent) => {
      if (hasFiles(e)) e.preventDefault();
    };
    document.addEventListener('dragover', block);
    document.addEventListener('drop', block);
    return () => {
      document.removeEventListener('dragover', block);
      document.removeEventListener('drop', block);
    };
  }, []);
  const explicit = () => {
    const l = labels.current?.files?.[0];
    const m = map.current?.files?.[0];
    return { labels: l ? { path: l.name, file: l } : null, labelMap: m ? { path: m.name, file: m } : null };
  };
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
    setLoading(true);
    try {
      await load(files);
    } finally {
      setLoading(false);
    }
  };
  const reselect = () => {
    const files = pickedFiles(folder.current?.files ?? null);
    const s = files.length ? sort(files) : null;
    setSorted(s);
    if (s) setError(null);
  };
  const drop = async (e: DragEvent) => {
    e.preventDefault();
    e.stopPropagation();
    setOver(false);
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
    setSorted(s);
    // a drop opens at once; the folder input no longer describes what is shown
    if (folder.current) folder.current.value = '';
    await run(s);
  };
  const selection =
    loading && sorted
      ? t('case.dicom.reading', { n: sorted.dicom.length })
      : sorted
        ? t('case.dicom.selected', {
            dicom: sorted.dicom.length,
            labels: sorted.labels?.path ?? t('case.dicom.none'),
            names: sorted.labelMap?.path ?? t('case.dicom.none'),
          })
        : '';
  return (
    <form
      class="form"
      data-testid="dicom-form"
      data-loading={loading ? 'true' : undefined}
      onSubmit={(e) => {
        e.preventDefault();
        if (sorted && !loading) void run(sorted);
      }}
    >
      <label class="row">
        <span>{t('case.dicom.folder')}</span>
        <input type="file" {...FOLDER_PICKER} multiple data-testid="dicom-folder" ref={folder} onChange={reselect} />
      </label>
      <label class="row">
        <span>{t('case.dicom.labels')}</span>
        <input type="file" accept=".nii,.gz" data-testid="dicom-labels" ref={labels} onChange={reselect} />
      </label>
      <label class="row">
        <span>{t('case.dicom.labelMap')}</span>
        <input type="file" accept=".json" data-testid="dicom-labelmap" ref={map} onChange={reselect} />
      </label>
      {/* biome-ignore lint/a11y/noStaticElementInteractions: a drop target (files dragged onto it), no pointer or key action */}
      <div
        class={over ? 'drop-zone over' : 'drop-zone'}
        data-testid="dicom-drop"
        // biome-ignore lint/a11y/noNoninteractiveTabindex: the drop zone takes focus like the file inputs around it
        tabIndex={0}
        onDragOver={(e) => {
          e.preventDefault();
          if (e.dataTransfer) e.dataTransfer.dropEffect = 'copy';
          setOver(true);
        }}
        onDragLeave={() => setOver(false)}
        onDrop={(e) => void drop(e)}
      >
        <span>{t('case.dicom.drop')}</span>
      </div>
      <p class="hint" data-testid="dicom-selection" aria-live="polite">
        {selection}
      </p>
      <p class="hint">{t('case.dicom.hint')}</p>
      <button type="submit" data-testid="dicom-open" disabled={loading || sorted === null}>
        {t('case.dicom.open')}
      </button>
    </form>
  );
}

/** The series' modality, slices and encoding for a case read from DICOM; nothing for others. */
function SourceLine({ c }: { c: WorkstationCase }) {
  const d = c.source.dicom as { modality?: string; slices?: number; transferSyntax?: string; skipped?: string[] } | undefined;
  if (c.source.kind !== 'dicom' || !d) return null;
  const line = t('case.source.dicom', { modality: d.modality ?? 'DICOM', slices: d.slices ?? 0, syntax: d.transferSyntax ?? '' });
  const skipped = d.skipped?.length ? ` ${t('case.dicom.skipped', { files: d.skipped.join(', ') })}` : '';
  return (
    <>
      <dt>{t('case.source')}</dt>
      <dd data-testid="case-source">{line + skipped}</dd>
    </>
  );
}

/** What the current case is: grid, voxel size, source, structures and their volumes, notes. */
function CaseSummary({ c }: { c: WorkstationCase }) {
  const g = c.grid;
  const vols = structureVolumes(c);
  const rows = labelColorTable(c.structures).filter((s) => vols[s.name] > 0 && s.name !== 'air' && s.name !== 'background');
  return (
    <>
      <dl>
        <dt>{t('case.grid')}</dt>
        <dd data-testid="case-grid">{g.shape.join(' × ')}</dd>
        <dt>{t('case.voxel')}</dt>
        <dd>{`${g.spacing.map((s) => fmt(s * 1000, 2)).join(' × ')} ${t('unit.mm')}`}</dd>
        <SourceLine c={c} />
      </dl>
      {c.labels ? (
        <table class="structures" data-testid="case-structures">
          <thead>
            <tr>
              <th>{t('case.structure')}</th>
              <th class="num">{t('case.volume')}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((s) => (
              <tr key={s.name} data-structure={s.name}>
                <td>
                  <span class="swatch" style={`background: rgb(${s.rgb.join(',')})`} />
                  {structureName(s.name)}
                </td>
                <td class="num">{`${fmt(vols[s.name] * 1e6, 1)} ${t('unit.ml')}`}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p class="hint caution" data-testid="case-needs-labels">
          {t('case.needsLabels')}
        </p>
      )}
      {c.notes.map((n, i) => (
        <p key={i} class="hint">
          {n}
        </p>
      ))}
    </>
  );
}

/** The Case tab: what the current case is, a phantom form, local NIfTI files and DICOM series. */
export function CasePanel({ actions }: { actions: CasePanelActions }) {
  useLanguage();
  const c = currentCase.value;
  const error = caseError.value;
  const message = error instanceof Error ? errorText(error) : error;
  return (
    <>
      <h2>{t('case.current')}</h2>
      <div class="case-summary" data-testid="case-summary">
        {c ? <CaseSummary c={c} /> : null}
      </div>
      <p class="error" data-testid="case-error" hidden={error === null} role="alert">
        {error === null ? '' : t('case.error', { message: message ?? '' })}
      </p>
      <details open>
        <summary>{t('case.phantom')}</summary>
        <PhantomForm load={actions.loadPhantom} />
      </details>
      <details>
        <summary>{t('case.files')}</summary>
        <NiftiForm load={actions.loadFiles} />
      </details>
      <details data-testid="dicom-section">
        <summary>{t('case.dicom')}</summary>
        <DicomForm load={actions.loadDicom} />
      </details>
    </>
  );
}
