import { InputError, requireFinite } from '../errors.js';
import type { HeatSource } from './heat-source.js';

/**
 * One interval of a treatment: the source on at `power` W (Q = q·power/referencePower) for `duration` s, or,
 * without a source, cooling. A whole treatment is an array of these, stepped in order.
 */
export interface TimelineSegment {
  /** s, > 0 */
  readonly duration: number;
  /** absent or null: source off (cooling) */
  readonly source?: HeatSource | null;
  /** W; default the source's referencePower (scale 1) */
  readonly power?: number;
  /** free text shown in logs/consoles, e.g. "sonication 12" */
  readonly label?: string;
}

/** The usual sonication: heating for `duration` s, then cooling for `cooling` s (omitted when 0). */
export function sonication(source: HeatSource, duration: number, cooling = 0, power?: number, label?: string): TimelineSegment[] {
  const out: TimelineSegment[] = [{ duration, source, power, label }];
  if (cooling > 0) out.push({ duration: cooling, source: null, label: label ? `${label} cooling` : 'cooling' });
  return out;
}

/** Checks a segment (positive finite duration, non-negative power); returns the source scale factor. */
export function segmentScale(segment: TimelineSegment, field: string): number {
  requireFinite(`${field}.duration`, segment.duration, 'positive');
  if (!segment.source) {
    if (segment.power !== undefined && segment.power !== 0)
      throw new InputError(`${field}.power`, 'a segment without a source must have no power');
    return 0;
  }
  const ref = segment.source.referencePower ?? 1;
  if (segment.power === undefined) return 1;
  return requireFinite(`${field}.power`, segment.power, 'non-negative') / ref;
}
