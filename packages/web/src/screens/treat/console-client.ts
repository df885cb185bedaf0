import { signal } from '@preact/signals';
import type { Case, LogEvent, OperatorAction, Plan, SessionSummary } from '@openfuas/core';
import type { ConsoleFrame, ConsoleReadout, CurveSample, FromConsole, Modality, Speed, ToConsole } from './console-protocol.js';
import { downloadBytes, newLogName } from './log-store.js';

/** Where the console stands, as the Treat screen shows it. */
export type ConsolePhase = 'none' | 'preparing' | 'ready' | 'running' | 'finished' | 'error';

/**
 * The page's side of the console worker, as signals that the Treat screen renders. It lives at module level so
 * that a treatment goes on (and is shown again) when the operator visits another screen and comes back.
 */
export const phase = signal<ConsolePhase>('none');
export const stage = signal<string>('');
export const readout = signal<ConsoleReadout | null>(null);
export const frame = signal<ConsoleFrame | null>(null);
export const events = signal<LogEvent[]>([]);
export const samples = signal<CurveSample[]>([]);
export const summary = signal<SessionSummary | null>(null);
export const outcomeDone = signal(false);
export const refusal = signal<string | null>(null);
export const failure = signal<string | null>(null);
export const session = signal<{
  planHash: string;
  logName: string;
  points: number;
  minPower: number;
  maxPower: number;
  modality: Modality;
} | null>(null);
/** images drawn per second of wall time, over the last two seconds */
export const framesPerSecond = signal(0);
/** images drawn since the session started */
export const framesDrawn = signal(0);
export const speed = signal<Speed>(1);
/**
 * Parts of the readout that change seldom, as their own signals (set only when they change), so that the screen
 * around the readouts does not re-render with every tick: the session state, the stop, the interlock levels and
 * the power shown (W, rounded).
 */
export const state = signal<string>('idle');
export const stop = signal<ConsoleReadout['stop']>(null);
export const interlocks = signal<ConsoleReadout['interlocks']>({});
export const shownPower = signal<number | null>(null);

/**
 * The log and the curves grow every tick; the page shows them at most every LOG_MS / CURVES_MS of wall time
 * (and at once on a state change or the end), which keeps the page's work per image small at real time.
 */
const LOG_MS = 250;
const CURVES_MS = 500;
let eventList: LogEvent[] = [];
let sampleList: CurveSample[] = [];
let shownEvents = 0;
let shownSamples = 0;
let lastLog = 0;
let lastCurves = 0;
let publishTimer: ReturnType<typeof setTimeout> | null = null;

function publish(force: boolean): void {
  const now = performance.now();
  if (eventList.length !== shownEvents && (force || now - lastLog >= LOG_MS)) {
    events.value = eventList.slice();
    shownEvents = eventList.length;
    lastLog = now;
  }
  if (sampleList.length !== shownSamples && (force || now - lastCurves >= CURVES_MS)) {
    samples.value = sampleList.slice();
    shownSamples = sampleList.length;
    lastCurves = now;
  }
  // what waits is shown by a trailing update
  if ((eventList.length !== shownEvents || sampleList.length !== shownSamples) && !publishTimer)
    publishTimer = setTimeout(() => {
      publishTimer = null;
      publish(false);
    }, LOG_MS);
}

function showReadout(r: ConsoleReadout): boolean {
  readout.value = r;
  const changed = state.value !== r.state;
  if (changed) state.value = r.state;
  if (JSON.stringify(stop.value) !== JSON.stringify(r.stop)) stop.value = r.stop;
  if (JSON.stringify(interlocks.value) !== JSON.stringify(r.interlocks)) interlocks.value = r.interlocks;
  const w = Number.isFinite(r.power) ? Math.round(r.power) : null;
  if (shownPower.value !== w) shownPower.value = w;
  return changed;
}

let worker: Worker | null = null;
const frameTimes: number[] = [];
let onLogBytes: ((name: string, bytes: Uint8Array) => void) | null = null;

function send(m: ToConsole, transfer: Transferable[] = []): void {
  worker?.postMessage(m, transfer);
}

function receive(m: FromConsole): void {
  switch (m.type) {
    case 'progress':
      stage.value = m.stage;
      return;
    case 'ready':
      session.value = {
        planHash: m.planHash,
        logName: m.logName,
        points: m.points,
        minPower: m.minPower,
        maxPower: m.maxPower,
        modality: m.modality,
      };
      phase.value = 'ready';
      stage.value = '';
      return;
    case 'tick': {
      for (const e of m.events) eventList.push(e);
      for (const x of m.samples) sampleList.push(x);
      const changed = showReadout(m.readout);
      publish(changed);
      return;
    }
    case 'frame': {
      frame.value = m.frame;
      framesDrawn.value++;
      const now = performance.now();
      frameTimes.push(now);
      while (frameTimes.length > 0 && frameTimes[0] < now - 2000) frameTimes.shift();
      framesPerSecond.value = frameTimes.length >= 2 ? ((frameTimes.length - 1) * 1000) / (now - frameTimes[0]) : 0;
      return;
    }
    case 'refused':
      refusal.value = m.message;
      return;
    case 'finished':
      publish(true);
      summary.value = m.summary;
      phase.value = 'finished';
      if (m.summary.outcome) {
        outcomeDone.value = true;
        stage.value = '';
      }
      return;
    case 'error':
      publish(true);
      failure.value = m.message;
      phase.value = 'error';
      return;
    case 'log-bytes':
      onLogBytes?.(m.name, m.bytes);
      onLogBytes = null;
      return;
    default:
      return;
  }
}

/** Starts a new console session on the case and plan (any previous session's worker is ended). */
export function prepare(c: Case, plan: Plan, modality: Modality): void {
  begin();
  send({ type: 'start', case: c, plan, modality, speed: speed.value, logName: newLogName() });
}

/** Continues an unfinished session from its log in the origin's storage (after the page closed mid-treatment). */
export function resume(c: Case, logName: string): void {
  begin();
  send({ type: 'resume', case: c, logName, speed: speed.value });
}

function begin(): void {
  worker?.terminate();
  phase.value = 'preparing';
  for (const s of [readout, frame, summary, refusal, failure, session]) s.value = null;
  events.value = [];
  samples.value = [];
  eventList = [];
  sampleList = [];
  shownEvents = 0;
  shownSamples = 0;
  if (publishTimer) clearTimeout(publishTimer);
  publishTimer = null;
  state.value = 'idle';
  stop.value = null;
  interlocks.value = {};
  shownPower.value = null;
  outcomeDone.value = false;
  framesPerSecond.value = 0;
  framesDrawn.value = 0;
  frameTimes.length = 0;
  worker = new Worker(new URL('./console-worker.ts', import.meta.url), { type: 'module', name: 'console' });
  worker.onmessage = (e: MessageEvent<FromConsole>) => receive(e.data);
  worker.onerror = (e) => {
    e.preventDefault();
    failure.value = e.message || 'console worker failed';
    phase.value = 'error';
  };
}

/** Lets the session's ticks run (the policy locks the plan, arms and starts the points as written). */
export function run(): void {
  send({ type: 'hold', hold: false });
  phase.value = 'running';
}

export function setSpeed(s: Speed): void {
  speed.value = s;
  send({ type: 'speed', speed: s });
}

export function act(action: OperatorAction): void {
  refusal.value = null;
  send({ type: 'act', action });
}

/** The patient's button (also Escape / Space on the Treat screen). */
export function emergencyStop(): void {
  act({ type: 'emergencyStop' });
}

/** Downloads the log as it is now. */
export function downloadLog(): void {
  onLogBytes = (name, bytes) => downloadBytes(bytes, name);
  send({ type: 'log-bytes' });
}

/** Whether a session is live (ticking or able to tick). */
export function live(): boolean {
  return phase.value === 'ready' || phase.value === 'running';
}
