import {
  type DeviceLimits,
  type Grid3D,
  type Sonication,
  type Vec3,
  type BowlTransducer,
  deviceLimits,
  getTransducerPreset,
} from '@openfuas/core';
import { type EditResult, type ShotField, addPoint, deletePoints, movePoint, nearestSlice, setShotValue } from '../../engine/plan-edits.js';
import type { WorkstationPlan } from '../../engine/planning.js';
import { type PlanChecks, type PointCheckContext, type PointWarning, checkPlan, checkPoint } from '../../engine/point-safety.js';
import type { WorkstationCase } from '../../engine/workstation-case.js';

/** Which points a power/exposure/cooling edit applies to. */
export type EditScope = 'point' | 'slice' | 'all';

/**
 * What PlanState tells its listeners: `plan` (a new plan, or points edited, added or deleted), `selection` (the
 * selected slice or point changed), `checks` (the checks of a new plan and its allowed region arrived).
 */
export type PlanStateEvent = 'plan' | 'selection' | 'checks';

/** Runs the checks of a whole plan (checkPlanInWorker in the page; checkPlan itself in tests). */
export type PlanChecker = (ctx: PointCheckContext, sonications: readonly Sonication[]) => Promise<PlanChecks>;

type Bowl = Pick<BowlTransducer, 'radiusOfCurvature' | 'aperture' | 'holeDiameter'>;

/**
 * The plan being edited, in one place: the automatic plan with the user's edits, the selected slice and point, and
 * the planner's checks of every point (beam path, margins, target, slice). The Plan tab, the viewer's markers, the
 * transducer side view, the simulation and the plan download all read it; edits go through its methods (pure
 * functions of plan-edits.ts) and each edit tells the listeners.
 */
export class PlanState {
  planned: WorkstationPlan | null = null;
  slice: number | null = null;
  point: number | null = null;
  /** 1 where a focus may sit (target inside every margin), from the plan checks; null until they arrive */
  allowed: Uint8Array | null = null;
  /** whether the checks of the whole plan have arrived (edited points are checked at once, on the main thread) */
  checked = false;
  /** ms the checks of the last plan took (in the worker, round trip) */
  checksMs = 0;
  private grid: Grid3D | null = null;
  private checks: PointCheckContext | null = null;
  private readonly found = new Map<Sonication, PointWarning[]>();
  /** points checked here after an edit: the whole-plan checks, made before the edit, do not replace theirs */
  private readonly fresh = new WeakSet<Sonication>();
  private readonly edited = new WeakSet<Sonication>();
  /** every label the plan has had (a deleted point's label is not given to a new one) */
  private readonly labels = new Set<string>();
  /** the point lists before each edit (undo) and after each undone one (redo), with their selections */
  private readonly undoStack: PlanSnapshot[] = [];
  private readonly redoStack: PlanSnapshot[] = [];
  /** the state before an edit that moves the selection before committing (add, remove) */
  private pendingSnapshot: PlanSnapshot | null = null;
  private readonly listeners: Record<PlanStateEvent, Set<() => void>> = {
    plan: new Set(),
    selection: new Set(),
    checks: new Set(),
  };

  on(event: PlanStateEvent, listener: () => void): () => void {
    this.listeners[event].add(listener);
    return () => this.listeners[event].delete(listener);
  }

  private emit(event: PlanStateEvent): void {
    for (const l of this.listeners[event]) l();
  }

  /** A new plan for a case (its points are checked by `runChecks`). */
  setPlan(planned: WorkstationPlan | null, c: WorkstationCase | null): void {
    this.planned = planned;
    this.slice = null;
    this.point = null;
    this.allowed = null;
    this.checked = false;
    this.checksMs = 0;
    this.found.clear();
    this.labels.clear();
    this.undoStack.length = 0;
    this.redoStack.length = 0;
    for (const s of planned?.plan.sonications ?? []) if (s.label) this.labels.add(s.label);
    this.grid = c?.grid ?? null;
    this.checks =
      planned && c?.labels
        ? {
            case: {
              name: c.name,
              grid: c.grid,
              labels: c.labels,
              structures: c.structures,
              target: c.target,
              beamDirection: c.beamDirection,
            },
            constraints: planned.plan.constraints,
            beam: planned.plan.placement.beamDirection as Vec3,
            geometry: this.bowl() ?? { radiusOfCurvature: 0.15, aperture: 0.2 },
          }
        : null;
    this.emit('plan');
    this.emit('selection');
    this.emit('checks');
  }

  /**
   * Checks every point of the current plan (the planner flags bowel wall in the cone only as a count) and computes
   * the allowed region, with `checker` (a worker in the page). Edits made meanwhile keep their own checks; if the
   * checker fails, the points are checked here.
   */
  async runChecks(checker: PlanChecker = async (ctx, sons) => checkPlan(ctx, sons)): Promise<void> {
    const planned = this.planned;
    const ctx = this.checks;
    if (!planned || !ctx) return;
    const sons = planned.plan.sonications.slice();
    const t0 = performance.now();
    let r: PlanChecks;
    try {
      r = await checker(ctx, sons);
    } catch (e) {
      console.warn('plan checks:', (e as Error).message);
      r = checkPlan(ctx, sons);
    }
    if (this.planned !== planned) return;
    // by focus array: a point whose settings were edited since is a new object with the same focus
    const byFocus = new Map<unknown, PointWarning[]>();
    for (let i = 0; i < sons.length; i++) byFocus.set(sons[i].focus, r.warnings[i]);
    for (const s of this.sonications) {
      const w = byFocus.get(s.focus);
      if (w && !this.fresh.has(s)) this.found.set(s, w);
    }
    this.allowed = r.allowed;
    this.checked = true;
    this.checksMs = performance.now() - t0;
    this.emit('checks');
  }

  get sonications(): readonly Sonication[] {
    return this.planned?.plan.sonications ?? [];
  }

  /** The device's limits (core deviceLimits of the plan's device). */
  limits(): DeviceLimits | null {
    return this.planned ? deviceLimits(this.planned.plan.device) : null;
  }

  /** Geometry of the plan's transducer (a preset's, or the plan's own). */
  bowl(): Bowl | null {
    const device = this.planned?.plan.device;
    if (!device) return null;
    return 'preset' in device ? getTransducerPreset(device.preset) : device;
  }

  /** The beam direction of the plan (RAS unit vector). */
  beam(): Vec3 {
    return (this.planned?.plan.placement.beamDirection as Vec3 | undefined) ?? [0, -1, 0];
  }

  /** The planner's checks of point `index` (empty when it is fine). */
  warnings(index: number): PointWarning[] {
    const s = this.sonications[index];
    return (s && this.found.get(s)) ?? [];
  }

  /** Whether point `index` was moved, added or had its settings changed by hand. */
  isEdited(index: number): boolean {
    const s = this.sonications[index];
    return s !== undefined && this.edited.has(s);
  }

  /** Number of points changed by hand. */
  editedCount(): number {
    return this.sonications.filter((s) => this.edited.has(s)).length;
  }

  /** The point the side view and the beam cone show: the selected point, else the first of the selected slice. */
  currentPoint(): number | null {
    if (this.point !== null) return this.point;
    if (this.slice === null) return null;
    const i = this.sonications.findIndex((s) => s.slice === this.slice);
    return i < 0 ? null : i;
  }

  select(slice: number | null, point: number | null): void {
    if (point !== null && !this.sonications[point]) point = null;
    this.slice = point !== null ? this.sonications[point].slice : slice;
    this.point = point;
    this.emit('selection');
  }

  /** Indices of the points an edit of `scope` applies to. */
  scopeIndices(scope: EditScope): number[] {
    const sons = this.sonications;
    if (scope === 'all') return sons.map((_, i) => i);
    if (scope === 'slice') {
      const slice = this.point !== null ? sons[this.point].slice : this.slice;
      return slice === null ? [] : sons.flatMap((s, i) => (s.slice === slice ? [i] : []));
    }
    return this.point === null ? [] : [this.point];
  }

  /** Sets power (W), exposure (s) or cooling (s) of the points of `scope`, within the device's limits. */
  setShot(field: ShotField, value: number, scope: EditScope): EditResult {
    const limits = this.limits();
    if (!this.planned || !limits) return noPlan();
    const r = setShotValue(this.sonications, this.scopeIndices(scope), field, value, limits);
    if (r.ok) this.commit(r.sonications, []);
    return r;
  }

  /** Moves the selected point to `focus` (RAS m); it is checked again. */
  moveTo(focus: Vec3): EditResult {
    if (!this.planned || this.point === null) return noPlan();
    const r = movePoint(this.sonications, this.point, focus, this.grid ?? undefined);
    if (r.ok) this.commit(r.sonications, [this.point]);
    return r;
  }

  /** Moves the selected point by `deltaMm` along RAS axis `axis` (0 = R, 1 = A, 2 = S). */
  nudge(axis: 0 | 1 | 2, deltaMm: number): EditResult {
    const s = this.point === null ? undefined : this.sonications[this.point];
    if (!s) return noPlan();
    const d = deltaMm / 1000;
    return this.moveTo([s.focus[0] + (axis === 0 ? d : 0), s.focus[1] + (axis === 1 ? d : 0), s.focus[2] + (axis === 2 ? d : 0)]);
  }

  /**
   * Adds a point at `at` (RAS m, the crosshair) in the selected slice (else the slice nearest in depth), on that
   * slice's plane; selects it.
   */
  add(at: Vec3): EditResult {
    if (!this.planned) return noPlan();
    const sons = this.sonications;
    const beam = this.beam();
    const slice = this.point !== null ? sons[this.point].slice : (this.slice ?? nearestSlice(sons, at, beam));
    const template = sons[0] ?? {
      power: this.planned.shot.power,
      exposure: this.planned.shot.exposure,
      cooling: this.planned.cooling.seconds,
    };
    const r = addPoint(sons, at, slice, beam, template, this.grid ?? undefined, this.labels);
    if (r.ok && r.index !== undefined) {
      const label = r.sonications[r.index].label;
      if (label) this.labels.add(label);
      // the selection moves to the new point before the listeners hear of the new plan
      this.pendingSnapshot = this.snapshot();
      this.slice = slice;
      this.point = r.index;
      this.commit(r.sonications, [r.index]);
      this.emit('selection');
    }
    return r;
  }

  /** Deletes point `index` (the selection follows the points that remain). */
  remove(index: number): void {
    if (!this.planned || !this.sonications[index]) return;
    const next = deletePoints(this.sonications, [index]);
    // the selection follows the remaining points before the listeners hear of the new plan
    this.pendingSnapshot = this.snapshot();
    if (this.point === index) this.point = null;
    else if (this.point !== null && this.point > index) this.point--;
    if (this.slice !== null && !next.some((s) => s.slice === this.slice)) this.slice = null;
    this.commit(next, []);
    this.emit('selection');
  }

  /** Whether an edit can be undone / redone. */
  get canUndo(): boolean {
    return this.undoStack.length > 0;
  }
  get canRedo(): boolean {
    return this.redoStack.length > 0;
  }

  /** Undoes the last edit of the plan (points and their settings as before it, and its selection). */
  undo(): boolean {
    return this.restore(this.undoStack, this.redoStack);
  }

  /** Redoes the last undone edit. */
  redo(): boolean {
    return this.restore(this.redoStack, this.undoStack);
  }

  private snapshot(): PlanSnapshot {
    return { sonications: this.planned?.plan.sonications ?? [], slice: this.slice, point: this.point };
  }

  /** Puts back the list on top of `from`, the current one going onto `to`; points are the same objects as then. */
  private restore(from: PlanSnapshot[], to: PlanSnapshot[]): boolean {
    const snap = from.pop();
    if (!this.planned || !snap) return false;
    to.push(this.snapshot());
    const current = new Set(this.planned.plan.sonications);
    const back = new Set(snap.sonications);
    // the slices whose points change: their points are checked again (a slice plane may move with its points)
    const slices = new Set<number>();
    for (const s of current) if (!back.has(s)) slices.add(s.slice);
    for (const s of back) if (!current.has(s)) slices.add(s.slice);
    this.planned.plan.sonications = snap.sonications;
    for (const s of current) if (!back.has(s)) this.found.delete(s);
    snap.sonications.forEach((s, j) => {
      if (slices.has(s.slice) || !this.found.has(s)) this.check(j);
    });
    this.point = snap.point !== null && snap.sonications[snap.point] ? snap.point : null;
    this.slice = this.point !== null ? snap.sonications[this.point].slice : snap.slice;
    this.emit('plan');
    this.emit('selection');
    return true;
  }

  /** Installs an edited list: points that are new objects are marked edited; `recheck` ones are checked again. */
  private commit(next: Sonication[], recheck: number[]): void {
    if (!this.planned) return;
    this.undoStack.push(this.pendingSnapshot ?? this.snapshot());
    this.pendingSnapshot = null;
    this.redoStack.length = 0;
    const before = new Set(this.planned.plan.sonications);
    // an edit of settings makes a new object with the same focus array: it keeps that point's checks
    const byFocus = new Map<unknown, Sonication>();
    for (const s of before) byFocus.set(s.focus, s);
    // the plan object stays the same (the download and the simulation read it); its list is replaced
    this.planned.plan.sonications = next;
    next.forEach((s, i) => {
      if (before.has(s)) return;
      this.edited.add(s);
      const old = byFocus.get(s.focus);
      this.found.set(s, (old && !recheck.includes(i) && this.found.get(old)) || []);
      if (old && this.fresh.has(old)) this.fresh.add(s);
    });
    const kept = new Set(next);
    for (const s of before) if (!kept.has(s)) this.found.delete(s);
    // a moved or added point is checked; so are the others of its slice (their slice plane may have moved)
    const slices = new Set(recheck.map((i) => next[i]?.slice));
    next.forEach((s, j) => {
      if (slices.has(s.slice)) this.check(j);
    });
    this.emit('plan');
  }

  private check(index: number): void {
    const s = this.sonications[index];
    if (!s || !this.checks) return;
    this.found.set(s, checkPoint(this.checks, this.sonications, index));
    this.fresh.add(s);
  }
}

/** A state of the plan's points and the selection, for undo and redo. */
interface PlanSnapshot {
  sonications: Sonication[];
  slice: number | null;
  point: number | null;
}

function noPlan(): EditResult {
  return { ok: false, error: { field: 'point', reason: 'no-point', detail: 'no point selected' } };
}
