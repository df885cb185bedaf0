import { useEffect, useReducer, useRef } from 'preact/hooks';
import type { PlanState, PlanStateEvent } from './plan-state.js';

/**
 * Re-renders the calling component on the plan state's events (a new or edited plan, a selection, checks).
 * Returns a counter of the events seen, current as soon as one is told (a key for parts rebuilt on each).
 */
export function usePlanState(state: PlanState, events: PlanStateEvent[] = ['plan', 'selection', 'checks']): { readonly current: number } {
  const [, bump] = useReducer((n: number) => n + 1, 0);
  const seen = useRef(0);
  const key = events.join(',');
  useEffect(() => {
    const offs = events.map((e) =>
      state.on(e, () => {
        seen.current++;
        bump(0);
      }),
    );
    return () => {
      for (const off of offs) off();
    };
  }, [state, key]);
  return seen;
}
