import { FuasError } from '../errors.js';

/**
 * The treatment session's states (one machine for ultrasound- and MR-guided treatments):
 * - idle: no plan;
 * - planLocked: the plan approved and hashed (SHA-256 of its canonical JSON); it can no longer change except
 *   through logged operator actions (parameters, re-plan);
 * - armed: pre-checks passed, output allowed, waiting for the operator to start the current point;
 * - sonicating: output on at the current point; paused: interrupted, resumable, output off;
 * - cooling: the pause after a point, output off; then armed at the next point;
 * - completed: every point delivered or skipped; terminated: an interlock (or the emergency stop) cut the output,
 *   re-arming needed; recovered: the console restarted after a crash, output off, resume offered from the log.
 */
export type SessionState = 'idle' | 'planLocked' | 'armed' | 'sonicating' | 'paused' | 'cooling' | 'completed' | 'terminated' | 'recovered';

/**
 * What moves the machine: operator actions (start, pause, resume, stop, emergencyStop, skipPoint, setParameters,
 * replan, lockPlan, arm, finish) and the console's own events (exposureDone, coolingDone, interlock, crash).
 */
export type SessionAction =
  | 'lockPlan'
  | 'arm'
  | 'start'
  | 'pause'
  | 'resume'
  | 'stop'
  | 'emergencyStop'
  | 'skipPoint'
  | 'setParameters'
  | 'replan'
  | 'finish'
  | 'exposureDone'
  | 'coolingDone'
  | 'interlock'
  | 'crash';

export const SESSION_STATES: readonly SessionState[] = [
  'idle',
  'planLocked',
  'armed',
  'sonicating',
  'paused',
  'cooling',
  'completed',
  'terminated',
  'recovered',
];

export const SESSION_ACTIONS: readonly SessionAction[] = [
  'lockPlan',
  'arm',
  'start',
  'pause',
  'resume',
  'stop',
  'emergencyStop',
  'skipPoint',
  'setParameters',
  'replan',
  'finish',
  'exposureDone',
  'coolingDone',
  'interlock',
  'crash',
];

const LIVE: Partial<Record<SessionAction, SessionState>> = { interlock: 'terminated', emergencyStop: 'terminated', crash: 'recovered' };

/**
 * The transition table: TRANSITIONS[state][action] is the next state; an action missing from a state's row is
 * forbidden there. `stop` ends the current sonication early (the rest of that point is dropped, its cooling
 * follows); `emergencyStop` is the patient's button and ends like an interlock. Parameter changes and re-plans
 * keep the state and are allowed only while no output is on (armed, paused) or before arming (planLocked).
 */
export const TRANSITIONS: Readonly<Record<SessionState, Readonly<Partial<Record<SessionAction, SessionState>>>>> = {
  idle: { lockPlan: 'planLocked' },
  planLocked: { arm: 'armed', setParameters: 'planLocked', replan: 'planLocked', crash: 'recovered' },
  armed: { start: 'sonicating', skipPoint: 'armed', setParameters: 'armed', replan: 'armed', finish: 'completed', ...LIVE },
  sonicating: { pause: 'paused', stop: 'cooling', exposureDone: 'cooling', ...LIVE },
  paused: { resume: 'sonicating', stop: 'cooling', skipPoint: 'armed', setParameters: 'paused', replan: 'paused', ...LIVE },
  cooling: { coolingDone: 'armed', ...LIVE },
  completed: {},
  terminated: { arm: 'armed' },
  recovered: { arm: 'armed' },
};

/** A state in which the transducer may be driven (the only one: sonicating). */
export function outputOn(state: SessionState): boolean {
  return state === 'sonicating';
}

/** An action refused in a state: code 'forbidden-transition', the state and action in params. */
export class SessionStateError extends FuasError {
  readonly state: SessionState;
  readonly action: SessionAction;
  constructor(state: SessionState, action: SessionAction) {
    const allowed = Object.keys(TRANSITIONS[state]).join(', ') || 'nothing';
    super('forbidden-transition', `"${action}" is not allowed in state "${state}" (allowed: ${allowed})`, {
      reason: 'forbidden-transition',
      params: { state, action },
    });
    this.state = state;
    this.action = action;
  }
}

/** Whether `action` is allowed in `state`. */
export function canTransition(state: SessionState, action: SessionAction): boolean {
  return TRANSITIONS[state][action] !== undefined;
}

/** The state after `action` in `state`; SessionStateError where the table forbids it. */
export function transition(state: SessionState, action: SessionAction): SessionState {
  const next = TRANSITIONS[state][action];
  if (next === undefined) throw new SessionStateError(state, action);
  return next;
}
