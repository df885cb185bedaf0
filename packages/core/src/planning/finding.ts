/** A message about a plan or its simulated outcome: a limit exceeded, a point skipped, an assumption made. */
export interface Finding {
  severity: 'info' | 'warning' | 'error';
  /** stable identifier, e.g. "beam-path-bowel-gas", "skin-temperature" */
  code: string;
  /** English text for logs and reports */
  message: string;
  /** the values in the message, by name (numbers in the message's units), so viewers can word it in other languages */
  params?: Record<string, number | string>;
}
