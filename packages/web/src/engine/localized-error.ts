import { type MessageKey, en } from '../i18n/messages.js';

export type MessageParams = Record<string, string | number>;

/**
 * An error the workstation itself words (not one of the core's English file errors): it carries its message key
 * and parameters, so that the page shows it in the user's language and re-words it when the language changes.
 * `message` is the English text (logs, tests). Travels between worker and page as `{ key, params }`.
 */
export class LocalizedError extends Error {
  readonly key: MessageKey;
  readonly params: MessageParams;
  constructor(key: MessageKey, params: MessageParams = {}) {
    super(en[key].replace(/\{(\w+)\}/g, (m, name: string) => (params[name] === undefined ? m : String(params[name]))));
    this.name = 'LocalizedError';
    this.key = key;
    this.params = params;
  }
}
