import { createHmac, randomBytes } from 'node:crypto';

/**
 * A patient's pseudonym: HMAC-SHA256 of the centre's local identifier under the centre's secret key (hex).
 * The same local identifier always gives the same pseudonym at one centre, and without the key the
 * identifier cannot be recovered nor checked by trying candidates (unlike a plain hash).
 */
export function pseudonymOf(centreKeyHex: string, localId: string): string {
  return createHmac('sha256', Buffer.from(centreKeyHex, 'hex')).update(localId.normalize('NFC').trim()).digest('hex');
}

export function newCentreKey(): string {
  return randomBytes(32).toString('hex');
}
