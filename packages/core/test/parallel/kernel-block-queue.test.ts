import { describe, expect, it } from 'vitest';
import { KernelBlockQueue, type KernelBlockTask, sharedFloat64 } from '../../src/index.js';

// Fake workers: tasks are recorded, and the test answers them by hand.
function fakePool(threads: number) {
  const posted: Array<{ worker: number; task: KernelBlockTask }> = [];
  const q = new KernelBlockQueue<number>(threads, (worker, task) => posted.push({ worker, task }));
  for (let w = 0; w < threads; w++) q.addWorker(w);
  return { q, posted };
}

const args = () => ({ T0: sharedFloat64(4), T1: sharedFloat64(4) });

describe('KernelBlockQueue (the worker pools’ scheduler)', () => {
  it('hands blocks to workers as they free up, run after run, covering each range once; resolves on the last block', async () => {
    const { q, posted } = fakePool(2);
    const settled: number[] = [];
    const runs = [
      q.run('thermal.dose', args(), 10).then(() => settled.push(1)),
      q.run('thermal.dose', args(), 5).then(() => settled.push(2)),
    ];
    expect(posted.length).toBe(2); // one block per idle worker
    for (let answered = 0; answered < posted.length; answered++) {
      q.done(posted[answered].worker, { job: posted[answered].task.job });
      await Promise.resolve();
      expect(posted.length - answered - 1).toBeLessThanOrEqual(2); // never more tasks out than workers
    }
    await Promise.all(runs);
    expect(settled).toEqual([1, 2]);
    const jobs = posted.map((p) => p.task.job);
    expect(jobs).toEqual([...jobs].sort()); // first come, first served
    for (const [job, count] of [
      [1, 10],
      [2, 5],
    ]) {
      const covered = new Array(count).fill(0);
      for (const p of posted.filter((x) => x.task.job === job)) for (let i = p.task.start; i < p.task.end; i++) covered[i]++;
      expect(covered).toEqual(new Array(count).fill(1));
    }
  });

  it('rejects a run on its first failing block and drops its queued blocks; failAll rejects what is in flight', async () => {
    const { q, posted } = fakePool(1);
    const a = q.run('thermal.dose', args(), 3);
    expect(posted.length).toBe(1);
    q.done(posted[0].worker, { job: 1, error: 'boom' });
    await expect(a).rejects.toThrow(/boom/);
    expect(posted.length).toBe(1); // nothing else of run 1 was posted
    const b = q.run('thermal.dose', args(), 3);
    q.failAll(new Error('worker died'));
    await expect(b).rejects.toThrow(/worker died/);
    await expect(q.run('no.such-kernel', args(), 3)).rejects.toThrow(/no\.such-kernel/);
    await expect(q.run('thermal.dose', { T0: new Float64Array(4) }, 3)).rejects.toThrow();
    await expect(q.run('thermal.dose', args(), 0)).resolves.toBeUndefined();
  });
});
