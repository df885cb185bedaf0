/// <reference lib="webworker" />
// The console worker: one treatment session of the core console (or the replay of a log) off the page's main
// thread, paced in treatment time (real time, ×N, or as fast as possible), its log in the origin's storage.
// Protocol in console-protocol.ts.
import {
  type Case,
  type LogEvent,
  type LogHeader,
  type LogSink,
  type OperatorAction,
  type Plan,
  type SessionSettings,
  type SessionSummary,
  FormatError,
  TICKS_PER_SECOND,
  checkLogHashes,
  decodeLog,
  deviceLimits,
  loggedSession,
  treatmentDomains,
} from '@openfuas/core';
import type { ConsoleReadout, CurveSample, FromConsole, Modality, ToConsole } from './console-protocol.js';
import { ConsoleImager, DisplayedSession, patientReadsFor } from './displayed-session.js';
import { OpfsLogSink, VolatileLogSink, hasOriginStorage } from './log-store.js';

const scope = self as unknown as DedicatedWorkerGlobalScope;
const post = (m: FromConsole, transfer: Transferable[] = []) => scope.postMessage(m, transfer);
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * wall ms between images above real time (at most 12.5 per second); at real time or slower every tick has its
 * image (10 per second of treatment), also the ticks that catch up after a slow one (a patient read)
 */
const FRAME_MS = 80;
const READOUT_MS = 100;

/** What the console knows from its own log events: the point under way, commanded powers, interlock levels. */
class ConsoleBook {
  point = -1;
  readonly power: Float64Array;
  readonly skipped = new Set<number>();
  interlocks: Record<string, 'ok' | 'warning' | 'error'> = {};
  readonly samples: CurveSample[] = [];

  constructor(plan: Plan) {
    this.power = Float64Array.from(plan.sonications, (s) => s.power);
  }

  read(e: LogEvent): void {
    if (e.type === 'state') {
      const point = typeof e.point === 'number' ? e.point : null;
      if (e.to === 'sonicating' && point !== null) this.point = point;
      if (e.action === 'setParameters' && point !== null && typeof e.power === 'number') this.power[point] = e.power;
      if (e.action === 'skipPoint' && point !== null) {
        this.skipped.add(point);
        this.point = -1;
      }
      if (e.action === 'arm') for (const k of Object.keys(this.interlocks)) this.interlocks[k] = 'ok';
    } else if (e.type === 'sonication-end') this.point = -1;
    else if (e.type === 'feedback' && Array.isArray(e.skipped)) for (const q of e.skipped as number[]) this.skipped.add(q);
    else if (e.type === 'interlock') this.interlocks[e.code as string] = e.level as 'ok' | 'warning' | 'error';
  }

  /** The point under way, else the next one not yet delivered nor skipped. */
  shown(onTime: Float64Array): number {
    if (this.point >= 0) return this.point;
    for (let i = 0; i < onTime.length; i++) if (onTime[i] === 0 && !this.skipped.has(i)) return i;
    return onTime.length - 1;
  }
}

let session: DisplayedSession | null = null;
let imager: ConsoleImager | null = null;
let book: ConsoleBook | null = null;
let sink: (LogSink & { close(): void }) | null = null;
let logName = '';
let speed = 1;
let hold = true;
let paceFrom = { wall: 0, tick: 0 };
let pendingEvents: LogEvent[] = [];
let looping = false;
/** a resumed session before its first tick: the console restarted, output off (the crash is marked at that tick) */
let resumedHold = false;
/** wall ms spent per tick stepping and drawing, summed since the last readout */
const cost = { ticks: 0, step: 0, image: 0, stepMs: 0, imageMs: 0, since: 0 };

function readout(s: DisplayedSession, b: ConsoleBook): ConsoleReadout {
  const per = s.deliveredPerPoint();
  const d = s.delivered();
  const point = b.shown(per.onTime);
  return {
    time: s.time,
    tick: s.tick,
    state: resumedHold ? 'recovered' : s.state,
    point,
    delivered: d.sonications,
    points: s.plan.sonications.length,
    power: point >= 0 ? b.power[point] : 0,
    pointEnergy: point >= 0 ? per.energy[point] : 0,
    energy: d.energy,
    sonicationTime: d.sonicationTime,
    interlocks: { ...b.interlocks },
    stop: s.stop,
    stepMs: cost.stepMs,
    imageMs: cost.imageMs,
  };
}

function postReadout(): void {
  if (!session || !book) return;
  const samples = book.samples.splice(0);
  post({ type: 'tick', readout: readout(session, book), events: pendingEvents, samples });
  pendingEvents = [];
}

function thermometrySample(e: LogEvent, energy: number): CurveSample {
  return {
    time: e.time,
    focusTemperature: e.focusTemperature as number,
    nearFieldTemperature: e.nearFieldTemperature as number,
    farFieldTemperature: e.farFieldTemperature as number,
    dose17Volume: (e.dose17Volume as number) * 1e6,
    dose240Volume: (e.dose240Volume as number) * 1e6,
    energy: energy / 1000,
  };
}

function postFrame(s: DisplayedSession, im: ConsoleImager, b: ConsoleBook): void {
  const per = s.deliveredPerPoint();
  const point = b.shown(per.onTime);
  if (s.settings.modality === 'us') {
    const { frame, grey } = im.bmode(point, per.onTime);
    b.samples.push({ time: s.time, focalGrey: grey, energy: s.delivered().energy / 1000 });
    post({ type: 'frame', frame }, [frame.image.rgba.buffer]);
  } else {
    const frame = im.thermometry(point, per.onTime);
    if (frame) post({ type: 'frame', frame }, [frame.image.rgba.buffer]);
  }
}

async function start(c: Case, plan: Plan, modality: Modality, name: string): Promise<void> {
  post({ type: 'progress', stage: 'acoustics' });
  const domains = await treatmentDomains(c, plan);
  post({ type: 'progress', stage: 'patient' });
  logName = name;
  sink = hasOriginStorage() ? await OpfsLogSink.create(name) : new VolatileLogSink();
  const settings: SessionSettings = { modality, operator: 'plan', injections: [], seed: 1 };
  await open(c, plan, domains, settings, patientReadsFor(modality), null);
}

/**
 * Continues a session from its log after a crash (the page closed or reloaded mid-treatment): the torn tail is cut
 * off, the logged session replays (bit-identical, or a FormatError) and goes on in the same log, through the
 * `recovered` state (output off since the crash, re-armed by the operator's start).
 */
async function resume(c: Case, name: string): Promise<void> {
  let decoded: ReturnType<typeof decodeLog> | null = null;
  const r = await OpfsLogSink.reopen(name, (bytes) => {
    decoded = decodeLog(bytes);
    return decoded.valid ? decoded.validBytes : bytes.length;
  });
  const d = decoded as ReturnType<typeof decodeLog> | null;
  if (!d || !d.valid || !d.header) {
    r.sink.close();
    throw new FormatError(name, `not a valid treatment log (${d?.error ?? 'no header'})`);
  }
  if (d.events.some((e) => e.type === 'end')) {
    r.sink.close();
    throw new FormatError(name, 'the session in this log has ended: nothing to resume');
  }
  logName = name;
  sink = r.sink;
  const fromLog = loggedSession(d.header, name);
  const plan = fromLog.plan;
  post({ type: 'progress', stage: 'acoustics' });
  const domains = await treatmentDomains(c, plan);
  post({ type: 'progress', stage: 'replay' });
  const run = (d.header as { run?: Record<string, unknown> }).run;
  await open(c, plan, domains, fromLog.settings, fromLog.patientReadEvery, {
    events: d.events,
    header: d.header,
    loggedPlan: fromLog.loggedPlan,
    run: run ?? {},
  });
}

async function open(
  c: Case,
  plan: Plan,
  domains: Awaited<ReturnType<typeof treatmentDomains>>,
  settings: SessionSettings,
  reads: number,
  logged: { events: readonly LogEvent[]; header: LogHeader; loggedPlan: unknown; run: Record<string, unknown> } | null,
): Promise<void> {
  const modality = settings.modality;
  const b = new ConsoleBook(plan);
  const s = new DisplayedSession(
    {
      case: c,
      plan,
      domains,
      settings,
      sink: sink ?? undefined,
      // events reach the page only once flushed to the origin's storage
      onDurable: (events) => {
        for (const e of events) {
          b.read(e);
          if (e.type === 'thermometry') b.samples.push(thermometrySample(e, s.delivered().energy));
        }
        pendingEvents.push(...events);
      },
      run: logged?.run ?? { workstation: { patientReadEvery: reads, storage: sink instanceof OpfsLogSink ? 'opfs' : 'memory' } },
      ...(logged ? { loggedPlan: logged.loggedPlan } : {}),
    },
    reads,
  );
  if (logged) {
    checkLogHashes(s, logged.header, logName);
    // the logged events replay without reaching the log or the page; the page gets them once, here
    await s.replay(logged.events, { resume: true });
    for (const e of logged.events) {
      b.read(e);
      if (e.type === 'thermometry') b.samples.push(thermometrySample(e, s.delivered().energy));
    }
    pendingEvents.push(...logged.events);
    resumedHold = true;
  }
  session = s;
  book = b;
  imager = new ConsoleImager(c, s);
  const lim = deviceLimits(s.plan.device);
  post({
    type: 'ready',
    planHash: s.planHash,
    logName,
    points: s.plan.sonications.length,
    maxPower: lim.maxPower,
    minPower: lim.minPower,
    modality,
  });
  postFrame(s, imager, b);
  postReadout();
}

/** Runs ticks paced to the speed until the session ends; messages (operator actions) are handled between ticks. */
async function loop(): Promise<void> {
  const s = session;
  const im = imager;
  const b = book;
  if (!s || !im || !b || looping) return;
  looping = true;
  let lastFrame = 0;
  let lastReadout = 0;
  let lastYield = performance.now();
  paceFrom = { wall: performance.now(), tick: s.tick };
  try {
    while (!s.finished) {
      if (hold) {
        postReadout();
        await sleep(50);
        paceFrom = { wall: performance.now(), tick: s.tick };
        continue;
      }
      const before = s.state;
      const t0 = performance.now();
      resumedHold = false;
      await s.step();
      let now = performance.now();
      cost.ticks++;
      cost.step += now - t0;
      if ((speed > 0 && speed <= 1) || now - lastFrame >= FRAME_MS || s.finished) {
        postFrame(s, im, b);
        lastFrame = now;
        cost.image += performance.now() - now;
      }
      if (now - cost.since >= 1000) {
        cost.stepMs = cost.step / cost.ticks;
        cost.imageMs = cost.image / cost.ticks;
        Object.assign(cost, { ticks: 0, step: 0, image: 0, since: now });
      }
      if (now - lastReadout >= READOUT_MS || s.state !== before || s.finished) {
        postReadout();
        lastReadout = now;
      }
      now = performance.now();
      if (speed > 0) {
        const due = paceFrom.wall + ((s.tick - paceFrom.tick) * 1000) / (TICKS_PER_SECOND * speed);
        if (due > now) {
          await sleep(due - now);
          lastYield = performance.now();
          continue;
        }
        // more than a second behind: the machine cannot keep this speed; pace on from now
        if (now - due > 1000) paceFrom = { wall: now, tick: s.tick };
      }
      if (now - lastYield > 30) {
        await sleep(0);
        lastYield = performance.now();
      }
    }
    postReadout();
    post({ type: 'finished', summary: s.summary(null) });
    post({ type: 'progress', stage: 'outcome' });
    const outcome = await s.outcome();
    await s.finish(outcome);
    postReadout();
    post({ type: 'finished', summary: s.summary(outcome) });
  } finally {
    looping = false;
  }
}

function act(action: OperatorAction): void {
  if (!session) return;
  try {
    session.act(action);
  } catch (e) {
    post({ type: 'refused', action: action.type, message: e instanceof Error ? e.message : String(e) });
  }
}

/** Replays a log through the core replay (bit-identical or a FormatError), with the review's snapshots. */
async function replay(c: Case, bytes: Uint8Array): Promise<void> {
  const d = decodeLog(bytes);
  if (!d.valid || !d.header) throw new FormatError('log', `not a valid treatment log (${d.error ?? 'no header'})`);
  const fromLog = loggedSession(d.header);
  const plan = fromLog.plan;
  post({ type: 'progress', stage: 'acoustics' });
  const domains = await treatmentDomains(c, plan);
  post({ type: 'progress', stage: 'replay', fraction: 0 });
  const s = new DisplayedSession(
    { case: c, plan, domains, settings: fromLog.settings, loggedPlan: fromLog.loggedPlan },
    fromLog.patientReadEvery,
  );
  checkLogHashes(s, d.header);
  const b = new ConsoleBook(plan);
  const im = new ConsoleImager(c, s);
  const total = d.events.length;
  let replayed = 0;
  s.afterStep = (events) => {
    let map = false;
    for (const e of events) {
      b.read(e);
      if (e.type === 'thermometry') map = true;
    }
    replayed += events.length;
    // the patient was read this tick (a map, or the workstation's own read): the truth costs nothing more
    if (!map && !s.readThisTick) return;
    const per = s.deliveredPerPoint();
    const point = b.shown(per.onTime);
    let measured = null;
    let measuredFocus = 0;
    if (s.settings.modality === 'us') {
      const r = im.bmode(point, per.onTime);
      measured = r.frame;
      measuredFocus = r.grey;
    } else {
      measured = im.thermometry(point, per.onTime);
      measuredFocus = s.lastMap?.focusTemperature ?? 37;
    }
    if (!measured) return;
    const truth = im.truth(point);
    const tr = im.trueReadings(point);
    post(
      {
        type: 'replay-snapshot',
        snapshot: {
          time: s.time,
          state: s.state,
          point,
          measured,
          truth,
          measuredFocus,
          trueFocus: tr.focus,
          trueDose240Volume: tr.dose240Volume,
          measuredDose240Volume: s.lastMap ? s.lastMap.dose240Volume * 1e6 : null,
        },
      },
      [measured.image.rgba.buffer, truth.rgba.buffer],
    );
    post({ type: 'progress', stage: 'replay', fraction: replayed / Math.max(1, total) });
  };
  let summary: SessionSummary | null = null;
  try {
    await s.replay(d.events);
    if (d.events.some((e) => e.type === 'end')) {
      post({ type: 'progress', stage: 'outcome' });
      const outcome = await s.outcome();
      await s.finish(outcome); // compared with the logged end event
      summary = s.summary(outcome);
    } else summary = s.summary(null);
    post({
      type: 'replayed',
      identical: true,
      events: total,
      message: `identical to the log (${total} events, plan ${s.planHash.slice(0, 12)})`,
      summary,
      tornTail: d.tornTail,
    });
  } catch (e) {
    if (!(e instanceof FormatError)) throw e;
    post({ type: 'replayed', identical: false, events: total, message: e.message, summary: null, tornTail: d.tornTail });
  }
}

scope.onmessage = (e: MessageEvent<ToConsole>) => {
  const m = e.data;
  const fail = (err: unknown) => post({ type: 'error', message: err instanceof Error ? err.message : String(err) });
  switch (m.type) {
    case 'start':
      speed = m.speed;
      hold = true;
      start(m.case, m.plan, m.modality, m.logName)
        .then(() => loop())
        .catch(fail);
      return;
    case 'hold':
      hold = m.hold;
      return;
    case 'speed':
      speed = m.speed;
      if (session) paceFrom = { wall: performance.now(), tick: session.tick };
      return;
    case 'act':
      act(m.action);
      return;
    case 'log-bytes': {
      if (!sink) return;
      const bytes = sink instanceof OpfsLogSink ? sink.bytes() : (sink as VolatileLogSink).bytes;
      post({ type: 'log-bytes', name: logName, bytes }, [bytes.buffer]);
      return;
    }
    case 'replay':
      replay(m.case, m.bytes).catch(fail);
      return;
    case 'resume':
      speed = m.speed;
      hold = true;
      resume(m.case, m.logName)
        .then(() => loop())
        .catch(fail);
      return;
  }
};
