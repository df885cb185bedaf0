import { describe, expect, it } from 'vitest';
import {
  SESSION_ACTIONS,
  SESSION_STATES,
  type SessionAction,
  type SessionState,
  SessionStateError,
  TRANSITIONS,
  canTransition,
  outputOn,
  transition,
} from '../../src/console/session-state.js';

// The transitions the issue asks for, written out independently of the table: every other pair must be refused.
const EXPECTED: Array<[SessionState, SessionAction, SessionState]> = [
  ['idle', 'lockPlan', 'planLocked'],
  ['planLocked', 'arm', 'armed'],
  ['planLocked', 'setParameters', 'planLocked'],
  ['planLocked', 'replan', 'planLocked'],
  ['planLocked', 'crash', 'recovered'],
  ['armed', 'start', 'sonicating'],
  ['armed', 'skipPoint', 'armed'],
  ['armed', 'setParameters', 'armed'],
  ['armed', 'replan', 'armed'],
  ['armed', 'finish', 'completed'],
  ['armed', 'interlock', 'terminated'],
  ['armed', 'emergencyStop', 'terminated'],
  ['armed', 'crash', 'recovered'],
  ['sonicating', 'pause', 'paused'],
  ['sonicating', 'stop', 'cooling'],
  ['sonicating', 'exposureDone', 'cooling'],
  ['sonicating', 'interlock', 'terminated'],
  ['sonicating', 'emergencyStop', 'terminated'],
  ['sonicating', 'crash', 'recovered'],
  ['paused', 'resume', 'sonicating'],
  ['paused', 'stop', 'cooling'],
  ['paused', 'skipPoint', 'armed'],
  ['paused', 'setParameters', 'paused'],
  ['paused', 'replan', 'paused'],
  ['paused', 'interlock', 'terminated'],
  ['paused', 'emergencyStop', 'terminated'],
  ['paused', 'crash', 'recovered'],
  ['cooling', 'coolingDone', 'armed'],
  ['cooling', 'interlock', 'terminated'],
  ['cooling', 'emergencyStop', 'terminated'],
  ['cooling', 'crash', 'recovered'],
  ['terminated', 'arm', 'armed'],
  ['recovered', 'arm', 'armed'],
];

describe('session state machine', () => {
  it.each(EXPECTED)('%s --%s--> %s', (from, action, to) => {
    expect(canTransition(from, action)).toBe(true);
    expect(transition(from, action)).toBe(to);
  });

  const allowed = new Set(EXPECTED.map(([s, a]) => `${s}:${a}`));
  const forbidden = SESSION_STATES.flatMap((s) => SESSION_ACTIONS.filter((a) => !allowed.has(`${s}:${a}`)).map((a) => [s, a] as const));

  it('refuses every other (state, action) pair with a typed error naming both', () => {
    expect(forbidden.length).toBe(SESSION_STATES.length * SESSION_ACTIONS.length - EXPECTED.length);
    for (const [s, a] of forbidden) {
      expect(canTransition(s, a)).toBe(false);
      let err: unknown;
      try {
        transition(s, a);
      } catch (e) {
        err = e;
      }
      expect(err, `${s} ${a}`).toBeInstanceOf(SessionStateError);
      expect((err as SessionStateError).code).toBe('forbidden-transition');
      expect((err as Error).message).toContain(`"${a}"`);
      expect((err as Error).message).toContain(`"${s}"`);
    }
  });

  it('refuses the examples of the issue: start while terminated, resume while sonicating, anything once completed', () => {
    expect(() => transition('terminated', 'start')).toThrow(SessionStateError);
    expect(() => transition('sonicating', 'resume')).toThrow(SessionStateError);
    expect(() => transition('recovered', 'start')).toThrow(/arm/);
    for (const a of SESSION_ACTIONS) expect(canTransition('completed', a)).toBe(false);
  });

  it('has no more transitions than listed, and output is on only while sonicating', () => {
    const count = Object.values(TRANSITIONS).reduce((n, row) => n + Object.keys(row).length, 0);
    expect(count).toBe(EXPECTED.length);
    expect(SESSION_STATES.filter(outputOn)).toEqual(['sonicating']);
  });
});
