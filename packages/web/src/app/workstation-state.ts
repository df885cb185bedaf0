import { signal } from '@preact/signals';
import type { Plan } from '@openfuas/core';
import type { WorkstationPlan } from '../engine/planning.js';
import type { TreatmentResult } from '../engine/simulation-protocol.js';
import type { WorkstationCase } from '../engine/workstation-case.js';

/**
 * What the screens share: the case on the planning screen, its current plan, and the last finished treatment
 * simulation (the plan simulated and its result). The planning screen writes them; the treatment console,
 * records and training screens read them (and re-render when they change).
 */
export const currentCase = signal<WorkstationCase | null>(null);
export const currentPlan = signal<WorkstationPlan | null>(null);
export const lastTreatment = signal<{ result: TreatmentResult; plan: Plan } | null>(null);
/** A case another screen asks the planning screen to show (the training library's cases); main.ts loads it. */
export const caseToOpen = signal<WorkstationCase | null>(null);
