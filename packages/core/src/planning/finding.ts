/** A message about a plan or its simulated outcome: a limit exceeded, a point skipped, an assumption made. */
export interface Finding {
  severity: 'info' | 'warning' | 'error';
  /** stable identifier, e.g. "beam-path-bowel-gas", "skin-temperature" */
  code: string;
  message: string;
}
