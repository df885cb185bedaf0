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
/**
 * Local identifier and birth year of the patients added or found in this page (memory only): a treatment
 * recorded offline for a patient found on the server copies her into the offline store under the same id.
 */
export const knownPatients = new Map<string, { localId: string; birthYear: number }>();
