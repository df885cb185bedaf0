/**
 * A progress bar on stderr: redrawn in place on a terminal, a line per 10 % step otherwise (CI logs), so
 * stdout stays clean for JSON.
 */
export class ProgressBar {
  private lastLine = '';
  private lastDecile = new Map<string, number>();
  private readonly tty = Boolean(process.stderr.isTTY);

  update(label: string, fraction: number, detail = ''): void {
    const f = Math.max(0, Math.min(1, Number.isFinite(fraction) ? fraction : 0));
    if (this.tty) {
      const width = 28;
      const filled = Math.round(f * width);
      const line = `${label.padEnd(12)} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(f * 100).toFixed(0).padStart(3)}% ${detail}`;
      if (line !== this.lastLine) process.stderr.write(`\r${line.padEnd(this.lastLine.length)}`);
      this.lastLine = line;
      if (f >= 1) {
        process.stderr.write('\n');
        this.lastLine = '';
      }
      return;
    }
    const decile = Math.floor(f * 10);
    if (decile !== this.lastDecile.get(label)) {
      this.lastDecile.set(label, decile);
      process.stderr.write(`${label}: ${decile * 10}% ${detail}\n`);
    }
  }

  /** A one-line message between bars. */
  note(text: string): void {
    if (this.tty && this.lastLine) process.stderr.write('\n');
    this.lastLine = '';
    process.stderr.write(`${text}\n`);
  }
}
