import type { WorkstationCase } from '../engine/workstation-case.js';

/** What the console holds: the current case (and later the plan and the simulated outcome). */
export interface StoreEvents {
  case: WorkstationCase;
}

type Listener<T> = (value: T) => void;

/** A minimal typed event hub for the workstation's state; panels subscribe, the engine publishes. */
export class Store {
  case: WorkstationCase | null = null;
  private readonly listeners: { [K in keyof StoreEvents]?: Set<Listener<StoreEvents[K]>> } = {};

  on<K extends keyof StoreEvents>(event: K, listener: Listener<StoreEvents[K]>): () => void {
    let set = this.listeners[event] as Set<Listener<StoreEvents[K]>> | undefined;
    if (!set) {
      set = new Set();
      (this.listeners as Record<string, unknown>)[event] = set;
    }
    set.add(listener);
    return () => set.delete(listener);
  }

  emit<K extends keyof StoreEvents>(event: K, value: StoreEvents[K]): void {
    const set = this.listeners[event] as Set<Listener<StoreEvents[K]>> | undefined;
    if (set) for (const l of set) l(value);
  }

  setCase(c: WorkstationCase): void {
    this.case = c;
    this.emit('case', c);
  }
}
