import { client, session } from '../records/records-session.js';
import type { TrainingResult } from './training-book.js';

/** Where a result went: the records server too, only this browser (not signed in), or this browser after a refusal. */
export type PushState = 'server' | 'local' | 'failed';

/**
 * Sends a scored exercise to the records server (issue 14's /api/v1/training/results) when the workstation is signed
 * in there (Records screen), as the signed-in user; the result's id makes a second push store nothing twice. The
 * result always stays in this browser.
 */
export async function pushTrainingResult(r: TrainingResult): Promise<PushState> {
  const s = session.value;
  if (!s) return 'local';
  try {
    await client.value.post('training/results', {
      id: r.id,
      trainee: s.username,
      case: r.caseId,
      score: r.score.score,
      passed: r.score.passed,
      npvRatio: r.score.npvRatio,
      eef: r.score.eef,
      safetyEvents: r.score.safetyEvents,
      at: r.at,
    });
    return 'server';
  } catch {
    return 'failed';
  }
}
