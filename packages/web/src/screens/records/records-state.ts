import { signal } from '@preact/signals';

/**
 * What the Records screen's panels share while the page lives: the patient chosen (with the local identifier
 * typed for it, shown only in this page, never stored), the treatments recorded in this page, and a stamp the
 * analytics refetch on (bumped after records reach the server).
 */
export interface ChosenPatient {
  id: string;
  /** what the user typed (local identifier), or the server's pseudonym shortened */
  label: string;
}

export const chosenPatient = signal<ChosenPatient | null>(null);
/** treatments recorded from this page, newest last: the observed-outcome form offers them */
export const recordedTreatments = signal<Array<{ id: string; patient: string; date: string; predicted?: number }>>([]);
export const analyticsStamp = signal(0);
export const patientsStamp = signal(0);
