import { signal } from '@preact/signals';
import type { SimulationOutcome } from '@openfuas/core';
import type { MessageKey } from '../../i18n/i18n.js';

/** The outcome numbers the Results tab shows: the JSON contract of `fuas simulate --json` (SI units). */
export type OutcomeView = SimulationOutcome;

/** What was simulated, for the line above the numbers. */
export interface RunInfo {
  scope: 'quick' | 'slice' | 'all';
  simulated: number;
  planned: number;
  /** thermal grid spacing, m */
  fineSpacing: number;
  nearField: boolean;
}

/** A file the user can save; `make` builds it when clicked. */
export interface Download {
  key: MessageKey;
  testId: string;
  make: () =>
    | { name: string; type: string; bytes: Uint8Array | string }
    | Promise<{ name: string; type: string; bytes: Uint8Array | string }>;
}

/** The Results tab's state: the last outcome and what was simulated; stale once the plan is edited after it. */
export const results = signal<{ outcome: OutcomeView; info: RunInfo | null; stale: boolean } | null>(null);
/** The files the user can save now. */
export const downloads = signal<Download[]>([]);

export function showResults(outcome: OutcomeView | null, info: RunInfo | null = null): void {
  results.value = outcome ? { outcome, info, stale: false } : null;
}

/** Says that the plan was edited after these results were computed (they stay, marked, until the next run). */
export function markResultsStale(): void {
  const r = results.value;
  if (r && !r.stale) results.value = { ...r, stale: true };
}
