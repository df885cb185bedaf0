import { signal } from '@preact/signals';
import type { ExerciseScore } from '@openfuas/core';
import type { ExpertSummary, OutcomeSummary } from './training-protocol.js';

/**
 * The training results kept in this browser (localStorage): who trained, in which workshop, every scored exercise
 * in order, and the instructor's comments. A trainee's LC-CUSUM chart is computed from their results in order.
 */
export interface TrainingResult {
  /** random UUID: the records server stores a result pushed twice once */
  id: string;
  /** ISO time of the scoring */
  at: string;
  trainee: string;
  workshop: string;
  caseId: string;
  difficulty: number;
  exercise: 'planning' | 'tank' | 'treatment';
  score: ExerciseScore;
  outcome: OutcomeSummary;
  expert: OutcomeSummary;
  /** where it is stored besides this browser (records server), once known */
  pushed?: 'server' | 'local' | 'failed';
}

export interface TrainingComment {
  at: string;
  trainee: string;
  text: string;
}

export interface TrainingBook {
  version: 1;
  /** the trainee at this workstation now */
  trainee: string;
  workshop: string;
  results: TrainingResult[];
  comments: TrainingComment[];
}

const KEY = 'openfuas.training.v1';
const EXPERT_KEY = 'openfuas.training.expert.v1.';

const EMPTY: TrainingBook = { version: 1, trainee: '', workshop: '', results: [], comments: [] };

function load(): TrainingBook {
  try {
    const raw = typeof localStorage === 'undefined' ? null : localStorage.getItem(KEY);
    if (!raw) return { ...EMPTY };
    const b = JSON.parse(raw) as Partial<TrainingBook>;
    if (b.version !== 1 || !Array.isArray(b.results) || !Array.isArray(b.comments)) return { ...EMPTY };
    return { ...EMPTY, ...b } as TrainingBook;
  } catch {
    return { ...EMPTY };
  }
}

/** The book as a signal: screens re-render when it changes; every change is saved. */
export const trainingBook = signal<TrainingBook>(load());

function save(b: TrainingBook): void {
  trainingBook.value = b;
  try {
    localStorage.setItem(KEY, JSON.stringify(b));
  } catch {
    // storage full or refused: the results stay for this visit
  }
}

export function setTrainee(trainee: string, workshop: string): void {
  save({ ...trainingBook.value, trainee: trainee.trim(), workshop: workshop.trim() });
}

export function addResult(r: TrainingResult): void {
  save({ ...trainingBook.value, results: [...trainingBook.value.results, r] });
}

/** Notes where a result went (records server or this browser only). */
export function markPushed(id: string, pushed: NonNullable<TrainingResult['pushed']>): void {
  save({ ...trainingBook.value, results: trainingBook.value.results.map((r) => (r.id === id ? { ...r, pushed } : r)) });
}

export function addComment(c: TrainingComment): void {
  save({ ...trainingBook.value, comments: [...trainingBook.value.comments, c] });
}

/** A trainee's results in order. */
export function resultsOf(book: TrainingBook, trainee: string): TrainingResult[] {
  return book.results.filter((r) => r.trainee === trainee);
}

/** The trainees of a workshop ('' = all), in order of their first result. */
export function traineesOf(book: TrainingBook, workshop: string): string[] {
  const out: string[] = [];
  for (const r of book.results) if ((!workshop || r.workshop === workshop) && !out.includes(r.trainee)) out.push(r.trainee);
  return out;
}

/** The expert reference of a case computed earlier in this browser for this core version, or null. */
export function cachedExpert(caseId: string, version: string): ExpertSummary | null {
  try {
    const raw = localStorage.getItem(`${EXPERT_KEY}${version}.${caseId}`);
    return raw ? (JSON.parse(raw) as ExpertSummary) : null;
  } catch {
    return null;
  }
}

export function cacheExpert(caseId: string, version: string, expert: ExpertSummary): void {
  try {
    localStorage.setItem(`${EXPERT_KEY}${version}.${caseId}`, JSON.stringify(expert));
  } catch {
    // storage full: computed again next time
  }
}
