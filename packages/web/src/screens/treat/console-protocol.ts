import type { Case, LogEvent, OperatorAction, Plan, SessionState, SessionSummary } from '@openfuas/core';
import type { RgbaImage } from './console-images.js';

/**
 * Messages between the page and the console worker (console-worker.ts). The worker runs one treatment session of
 * the core console (or the replay of a log) and reports what the console shows: durable log events (after the log
 * is flushed to the origin's storage), readouts, and images. Nothing it sends during a treatment is the simulated
 * patient's hidden truth; the review's replay adds the truth beside the measurements (the measured vs true gap).
 */

export type Modality = 'us' | 'mr';

/** Treatment-time speed: 1 real time, N × real time, 0 as fast as possible. */
export type Speed = number;

export type ToConsole =
  | {
      type: 'start';
      case: Case;
      plan: Plan;
      modality: Modality;
      speed: Speed;
      /** the log file's name in the origin's storage */
      logName: string;
    }
  | { type: 'act'; action: OperatorAction }
  | { type: 'speed'; speed: Speed }
  /** stops pacing ticks (the session stays as it is; output off is the session's own business) */
  | { type: 'hold'; hold: boolean }
  /** asks for the log's bytes so far (the download) */
  | { type: 'log-bytes' }
  | { type: 'replay'; case: Case; bytes: Uint8Array; name: string }
  /** continues an unfinished session from its log in the origin's storage (after a crash: output was off since) */
  | { type: 'resume'; case: Case; logName: string; speed: Speed };

/** What the readouts show after a tick (measurements and the console's own bookkeeping only). */
export interface ConsoleReadout {
  time: number;
  tick: number;
  state: SessionState;
  /** plan point under way or next (−1: none) */
  point: number;
  /** points delivered / in the plan */
  delivered: number;
  points: number;
  /** W commanded for the point under way or next */
  power: number;
  /** J forward (power meter) in the current point, and in all */
  pointEnergy: number;
  energy: number;
  /** s of output in all */
  sonicationTime: number;
  /** interlock code → level (from the logged interlock events) */
  interlocks: Record<string, 'ok' | 'warning' | 'error'>;
  /** the reason of the stop, when terminated */
  stop: SessionSummary['stop'];
  /** wall ms per control tick in the worker over the last second: the session's step and the images */
  stepMs: number;
  imageMs: number;
}

/** A sample of the curves: MR thermometry readings, or the B-mode focal grey (US), and the energy. */
export interface CurveSample {
  time: number;
  /** °C measured (MR) */
  focusTemperature?: number;
  nearFieldTemperature?: number;
  farFieldTemperature?: number;
  /** cm³ in the measured 17 / 240 CEM43 contours (MR) */
  dose17Volume?: number;
  dose240Volume?: number;
  /** 0..255, mean grey at the focus on the B-mode image (US) */
  focalGrey?: number;
  /** kJ delivered */
  energy: number;
}

export interface ConsoleFrame {
  kind: Modality;
  time: number;
  image: RgbaImage;
  /** m per image pixel, across and down */
  pixelSize: [number, number];
  /** pixel position of the current (or next) point's focus on the image, and other plan points near the plane */
  focus: { x: number; y: number } | null;
  points: Array<{ x: number; y: number; done: boolean }>;
}

/** The review's picture at one moment: the measured image, the true temperature and the readings beside it. */
export interface ReviewSnapshot {
  time: number;
  state: SessionState;
  point: number;
  measured: ConsoleFrame;
  /** the simulated patient's true temperature and dose on the same plane (hidden during the treatment) */
  truth: RgbaImage;
  /** measured focal reading (°C, MR) or focal grey (US) and the true peak temperature within 5 mm of the focus */
  measuredFocus: number;
  trueFocus: number;
  /** cm³ of true tissue ≥ 240 CEM43, and measured (MR) */
  trueDose240Volume: number;
  measuredDose240Volume: number | null;
}

export type FromConsole =
  | { type: 'progress'; stage: 'acoustics' | 'patient' | 'outcome' | 'replay'; fraction?: number }
  | {
      type: 'ready';
      planHash: string;
      logName: string;
      points: number;
      maxPower: number;
      minPower: number;
      modality: Modality;
    }
  | { type: 'tick'; readout: ConsoleReadout; events: LogEvent[]; samples: CurveSample[] }
  | { type: 'frame'; frame: ConsoleFrame }
  | { type: 'refused'; action: string; message: string }
  | { type: 'finished'; summary: SessionSummary }
  | { type: 'error'; message: string }
  | { type: 'log-bytes'; name: string; bytes: Uint8Array }
  | { type: 'replay-snapshot'; snapshot: ReviewSnapshot }
  | { type: 'replayed'; identical: boolean; events: number; message: string; summary: SessionSummary | null; tornTail: boolean };
