import { signal } from '@preact/signals';
import { TRAINING_CASES, type TrainingCaseEntry, VERSION } from '@openfuas/core';
import { caseEntry } from './training-client.js';
import type { ScoredExercise } from './training-protocol.js';

/**
 * The training screen's state, kept while the screen is left (a scoring in progress finishes and shows when the
 * trainee comes back): the library's measured entries, the case being exercised, the scoring and its last result.
 */
export const entries = signal<Record<string, TrainingCaseEntry>>({});
export const activeCase = signal<TrainingCaseEntry | null>(null);
export const scoring = signal<{ caseId: string; since: number } | null>(null);
export const lastScored = signal<{ caseId: string; scored: ScoredExercise; resultId: string } | null>(null);
export const scoreError = signal<unknown>(null);

const ENTRIES_KEY = `openfuas.training.entries.${VERSION}`;
let measuring = false;

/** Measures every case of the library in the worker, one after the other (cached in this browser per core version). */
export function measureLibrary(): void {
  if (measuring) return;
  measuring = true;
  try {
    const cached = JSON.parse(localStorage.getItem(ENTRIES_KEY) ?? '{}') as Record<string, TrainingCaseEntry>;
    entries.value = { ...cached, ...entries.value };
  } catch {
    // a damaged cache is measured again
  }
  void (async () => {
    for (const spec of TRAINING_CASES) {
      if (entries.value[spec.id]) continue;
      try {
        const e = await caseEntry(spec.id);
        entries.value = { ...entries.value, [spec.id]: e };
        localStorage.setItem(ENTRIES_KEY, JSON.stringify(entries.value));
      } catch {
        // the card shows the case without its measured factors
      }
    }
  })();
}
