import { type DecodedLog, type SessionSummary, decodeLog } from '@openfuas/core';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { currentCase } from '../../app/workstation-state.js';
import { type MessageKey, t } from '../../i18n/i18n.js';
import { useLanguage } from '../../i18n/language-signal.js';
import type { FromConsole, ReviewSnapshot } from '../treat/console-protocol.js';
import { CurvePlot } from '../treat/curve-plot.js';
import * as cons from '../treat/console-client.js';
import { ImageCanvas } from '../treat/image-canvas.js';
import { type StoredLog, downloadBytes, listLogs, readStoredLog } from '../treat/log-store.js';
import { eventLine, interlockName, stateName } from '../treat/treat-screen.js';
import '../treat/console.css';

interface OpenLog {
  name: string;
  /** in the origin's storage (a session there can be resumed in place) */
  stored: boolean;
  bytes: Uint8Array;
  decoded: DecodedLog;
}

type ReplayState =
  | { phase: 'idle' }
  | { phase: 'running'; stage: string; fraction: number }
  | { phase: 'done'; identical: boolean; message: string; summary: SessionSummary | null }
  | { phase: 'error'; message: string };

function LogPicker(props: { onOpen: (name: string, bytes: Uint8Array, stored: boolean) => void }) {
  useLanguage();
  const [logs, setLogs] = useState<StoredLog[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const refresh = () => {
    listLogs().then(setLogs, (e: Error) => setError(e.message));
  };
  useEffect(refresh, []);
  return (
    <section class="review-logs" data-testid="review-logs">
      <h3>
        {t('review.stored')}{' '}
        <button type="button" onClick={refresh} data-testid="review-refresh">
          {t('review.refresh')}
        </button>
      </h3>
      {error ? <p class="console-error">{error}</p> : null}
      {logs && logs.length === 0 ? <p class="console-note">{t('review.none')}</p> : null}
      {(logs ?? []).map((l) => (
        <div key={l.name} class="console-row">
          <button
            type="button"
            data-testid="review-open-stored"
            data-name={l.name}
            onClick={() =>
              readStoredLog(l.name).then(
                (b) => props.onOpen(l.name, b, true),
                (e: Error) => setError(e.message),
              )
            }
          >
            {t('review.open')}
          </button>
          <code>{l.name}</code>
          <span class="console-note">{l.size >= 0 ? t('review.bytes', { n: l.size }) : t('review.busy')}</span>
        </div>
      ))}
      <label>
        {t('review.file')}{' '}
        <input
          type="file"
          data-testid="review-file"
          onChange={async (e) => {
            const f = (e.target as HTMLInputElement).files?.[0];
            if (f) props.onOpen(f.name, new Uint8Array(await f.arrayBuffer()), false);
          }}
        />
      </label>
    </section>
  );
}

function GapPlot(props: { snapshots: ReviewSnapshot[]; mr: boolean }) {
  const lang = useLanguage();
  const s = props.snapshots;
  const curves = useMemo(
    () => [
      {
        label: props.mr ? t('review.curve.measured') : t('review.curve.grey'),
        color: '#38c7e8',
        side: props.mr ? ('left' as const) : ('right' as const),
        values: s.map((p) => p.measuredFocus),
      },
      { label: t('review.curve.true'), color: '#ff6b6b', side: 'left' as const, values: s.map((p) => p.trueFocus) },
    ],
    [s, props.mr, lang],
  );
  const x = useMemo(() => s.map((p) => p.time), [s]);
  return (
    <CurvePlot
      title={t('review.plot')}
      x={x}
      xLabel={t('console.axis.time')}
      left="°C"
      right={props.mr ? undefined : t('console.axis.grey')}
      curves={curves}
      testid="review-plot"
    />
  );
}

/** The review: a treatment log from the origin's storage or a file, replayed through the core replay. */
export function ReviewScreen() {
  useLanguage();
  const [log, setLog] = useState<OpenLog | null>(null);
  const [replay, setReplay] = useState<ReplayState>({ phase: 'idle' });
  const [snapshots, setSnapshots] = useState<ReviewSnapshot[]>([]);
  const [at, setAt] = useState(0);
  const worker = useRef<Worker | null>(null);
  useEffect(() => () => worker.current?.terminate(), []);

  const open = (name: string, bytes: Uint8Array, stored: boolean) => {
    worker.current?.terminate();
    worker.current = null;
    setSnapshots([]);
    setReplay({ phase: 'idle' });
    setLog({ name, bytes, stored, decoded: decodeLog(bytes) });
  };

  const start = () => {
    const c = currentCase.value?.core;
    if (!log || !c) return;
    worker.current?.terminate();
    const w = new Worker(new URL('../treat/console-worker.ts', import.meta.url), { type: 'module', name: 'review' });
    worker.current = w;
    const got: ReviewSnapshot[] = [];
    setSnapshots([]);
    setReplay({ phase: 'running', stage: 'acoustics', fraction: 0 });
    let last = 0;
    w.onmessage = (e: MessageEvent<FromConsole>) => {
      const m = e.data;
      if (m.type === 'progress') setReplay({ phase: 'running', stage: m.stage, fraction: m.fraction ?? 0 });
      else if (m.type === 'replay-snapshot') {
        got.push(m.snapshot);
        const now = performance.now();
        if (now - last > 250) {
          last = now;
          setSnapshots([...got]);
          setAt(got.length - 1);
        }
      } else if (m.type === 'replayed') {
        setSnapshots([...got]);
        setAt(got.length - 1);
        setReplay({ phase: 'done', identical: m.identical, message: m.message, summary: m.summary });
      } else if (m.type === 'error') setReplay({ phase: 'error', message: m.message });
    };
    w.onerror = (e) => {
      e.preventDefault();
      setReplay({ phase: 'error', message: e.message || 'replay failed' });
    };
    const copy = log.bytes.slice();
    w.postMessage({ type: 'replay', case: c, bytes: copy, name: log.name }, [copy.buffer]);
  };

  const resumeSession = () => {
    const c = currentCase.value?.core;
    if (!log || !c) return;
    cons.resume(c, log.name);
    location.hash = '#/treat';
  };

  const d = log?.decoded;
  const snap = snapshots[Math.min(at, snapshots.length - 1)] ?? null;
  const mr = d?.header ? (d.header.settings as { modality?: string }).modality === 'mr' : false;
  const gap = snap ? snap.trueFocus - (mr ? snap.measuredFocus : Number.NaN) : Number.NaN;
  return (
    <div class="console-screen" data-testid="review-screen" data-replay={replay.phase}>
      <section class="console-setup">
        <h2>{t('review.title')}</h2>
      </section>
      <LogPicker onOpen={open} />
      {log && d ? (
        <section data-testid="review-log" data-valid={String(d.valid)} data-torn={String(d.tornTail)} data-events={d.events.length}>
          <h3>
            <code>{log.name}</code>{' '}
            <button type="button" onClick={() => downloadBytes(log.bytes, log.name)} data-testid="review-download">
              {t('console.log.download')}
            </button>
          </h3>
          <p data-testid="review-verify">
            {d.valid ? t('review.valid', { n: d.events.length }) : t('review.invalid', { error: d.error ?? '' })}
            {d.tornTail ? ` ${t('review.torn', { bytes: d.validBytes })}` : ''}
            {d.header ? ` ${t('review.plan', { hash: d.header.planHash.slice(0, 16) })}` : ''}
          </p>
          {d.valid ? (
            currentCase.value?.core ? (
              <>
                <button type="button" onClick={start} disabled={replay.phase === 'running'} data-testid="review-replay">
                  {t('review.replay')}
                </button>{' '}
                {log.stored && !d.events.some((e) => e.type === 'end') ? (
                  <button type="button" onClick={resumeSession} data-testid="review-resume" title={t('review.resume.what')}>
                    {t('review.resume')}
                  </button>
                ) : null}
              </>
            ) : (
              <p class="console-note">{t('review.needCase')}</p>
            )
          ) : null}
        </section>
      ) : null}
      {replay.phase === 'running' ? (
        <p class="console-note" data-testid="review-progress">
          {t(`console.stage.${replay.stage}` as MessageKey)} {replay.stage === 'replay' ? `${Math.round(replay.fraction * 100)} %` : ''}
        </p>
      ) : null}
      {replay.phase === 'error' ? (
        <p class="console-error" data-testid="review-error">
          {replay.message}
        </p>
      ) : null}
      {replay.phase === 'done' ? (
        <p
          class={replay.identical ? 'console-note' : 'console-error'}
          data-testid="review-result"
          data-identical={String(replay.identical)}
          data-state={replay.summary?.state ?? ''}
        >
          {replay.identical ? t('review.identical', { n: d?.events.length ?? 0 }) : t('review.diverged', { message: replay.message })}
          {replay.summary
            ? ` ${t('review.summary', { state: stateName(replay.summary.state), n: replay.summary.delivered.sonications })}`
            : ''}
          {replay.summary?.stop
            ? ` ${t('console.stopped', { time: replay.summary.stop.time.toFixed(1), reason: interlockName(replay.summary.stop.reason.split(':')[0]) })}`
            : ''}
        </p>
      ) : null}
      {snapshots.length > 0 && snap ? (
        <section data-testid="review-scrubber" data-snapshots={snapshots.length}>
          <label>
            {t('review.time', { time: snap.time.toFixed(1), state: stateName(snap.state), point: snap.point + 1 })}
            <input
              class="review-scrub"
              type="range"
              min="0"
              max={String(snapshots.length - 1)}
              value={String(at)}
              onInput={(e) => setAt(Number((e.target as HTMLInputElement).value))}
              data-testid="review-scrub"
            />
          </label>
          <p data-testid="review-gap" data-gap={Number.isFinite(gap) ? gap.toFixed(2) : ''}>
            {mr
              ? t('review.gapMr', {
                  measured: snap.measuredFocus.toFixed(1),
                  truth: snap.trueFocus.toFixed(1),
                  gap: gap.toFixed(1),
                  m240: (snap.measuredDose240Volume ?? 0).toFixed(2),
                  t240: snap.trueDose240Volume.toFixed(2),
                })
              : t('review.gapUs', {
                  grey: snap.measuredFocus.toFixed(0),
                  truth: snap.trueFocus.toFixed(1),
                  t240: snap.trueDose240Volume.toFixed(2),
                })}
          </p>
          <div class="review-images">
            <figure>
              <figcaption>{mr ? t('review.measuredMr') : t('review.measuredUs')}</figcaption>
              <ImageCanvas image={snap.measured.image} marks={snap.measured} testid="review-measured" label={t('review.measuredMr')} />
            </figure>
            <figure>
              <figcaption>{t('review.truth')}</figcaption>
              <ImageCanvas image={snap.truth} testid="review-truth" label={t('review.truth')} />
            </figure>
          </div>
          <GapPlot snapshots={snapshots} mr={mr} />
        </section>
      ) : null}
      {d && d.events.length > 0 ? (
        <section class="console-log">
          <h3>{t('console.log', { n: d.events.length })}</h3>
          <pre data-testid="review-events">{d.events.map((e) => `${eventLine(e)}\n`).join('')}</pre>
        </section>
      ) : null}
    </div>
  );
}
