import { signal } from '@preact/signals';
import type { SimulationStage } from '../../engine/simulation-protocol.js';
import type { MessageKey } from '../../i18n/i18n.js';
import { t } from '../../i18n/i18n.js';
import { TimePlot } from './time-plot.js';

export type SimulationScope = 'quick' | 'slice' | 'all';

/** The frame the live temperature overlay shows: treatment time s, sonication index, of `total`. */
export interface LiveFrameInfo {
  time: number;
  sonication?: number;
  total: number;
}

/** The Simulate tab's state; the planning screen writes it while runs go, the panel renders it. */
export const simulation = {
  running: signal(false),
  /** a plan exists to simulate (the run button is on when this holds and nothing runs) */
  canSimulate: signal(false),
  scope: signal<SimulationScope>('quick'),
  progress: signal(0),
  stage: signal<{ stage: SimulationStage; detail: string } | null>(null),
  message: signal<[MessageKey, Record<string, string | number>] | null>(['sim.idle', {}]),
  /** null hides the live line (no run, or the run ended) */
  live: signal<LiveFrameInfo | null>(null),
  /** frames drawn this run (data-frames of the live line) */
  liveFrames: signal(0),
  /** the playback slider is on over the plotted timeline (after a run) */
  playback: signal(false),
  /** the playback slider's time, s */
  playbackAt: signal(0),
};

export const plotLabels = () => ({
  title: t('sim.plot.title'),
  x: t('sim.plot.time'),
  left: t('sim.plot.temperature'),
  right: t('sim.plot.energy'),
});

/** The treatment timeline (one for the page: the runs append to it, the panel shows it). */
export const timePlot = new TimePlot(plotLabels());
timePlot.setMarks([
  { value: 43, label: '43 °C' },
  { value: 60, label: '60 °C' },
]);

/** Turns the playback slider on over the plotted timeline (at its end), or off. */
export function setPlayback(on: boolean): void {
  simulation.playback.value = on;
  simulation.playbackAt.value = on ? timePlot.duration : 0;
  if (!on) timePlot.setCursor(null);
}

/** Clears the progress bar and stage. */
export function resetProgress(): void {
  simulation.progress.value = 0;
  simulation.stage.value = null;
}

export function showProgress(fraction: number, stage: SimulationStage, detail?: string): void {
  simulation.progress.value = fraction;
  simulation.stage.value = { stage, detail: detail ?? '' };
}

export function showSimMessage(key: MessageKey | null, params: Record<string, string | number> = {}): void {
  simulation.message.value = key ? [key, params] : null;
}
