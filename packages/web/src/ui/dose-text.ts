import { fmt } from './dom.js';

const SUPERSCRIPT = '⁰¹²³⁴⁵⁶⁷⁸⁹';

/** A thermal dose in CEM43 min: plain below 10⁴, else as a × 10ⁿ (doses grow exponentially with temperature). */
export function doseText(v: number, decimals = 1): string {
  if (!(v >= 1e4)) return fmt(v, decimals);
  const [mantissa, exponent] = v.toExponential(1).split('e+');
  return `${mantissa} × 10${[...exponent].map((d) => SUPERSCRIPT[Number(d)]).join('')}`;
}
