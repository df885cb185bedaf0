/** A table in the validation report. */
export interface ValidationTable {
  caption: string;
  columns: string[];
  rows: (string | number)[][];
}

/** A figure in the validation report: an SVG written next to docs/validation/README.md. */
export interface ValidationFigure {
  /** file name, e.g. "oneil-axis.svg" */
  file: string;
  caption: string;
  svg: string;
}

/** What one validation case contributes to the report. */
export interface ValidationSection {
  title: string;
  /** Markdown: method, reference, tolerance, verdict. */
  text: string;
  tables: ValidationTable[];
  figures: ValidationFigure[];
}

/** A validation file (validation/*.validate.ts) exports one of these as default. */
export interface ValidationCase {
  name: string;
  title: string;
  run: () => Promise<ValidationSection>;
}
