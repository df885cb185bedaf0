import type { TankResult } from '@openfuas/core';
import { useEffect, useRef, useState } from 'preact/hooks';
import { errorText } from '../../i18n/error-text.js';
import { t } from '../../i18n/i18n.js';
import { fmt } from '../../ui/dom.js';
import { tankShotInWorker } from './training-client.js';

const SCALE = 4;

/** A fixed speckle (seeded), so that two shots are drawn on the same block. */
function speckle(n: number): Float32Array {
  const out = new Float32Array(n);
  let s = 12345;
  for (let i = 0; i < n; i++) {
    s = (s * 1103515245 + 12345) >>> 0;
    out[i] = (s >>> 8) / 16777216;
  }
  return out;
}

/**
 * Draws the beam plane through the focus as a B-mode-like picture: the block's speckle, the 240 CEM43 lesion outlined
 * in red and, where the simulation reports a greyscale change (bubbles), the lesion hyperechoic (bright). The
 * transducer is at the top; the image is never mirrored (its canvas keeps left-to-right in any layout).
 */
function drawTank(canvas: HTMLCanvasElement, r: TankResult): void {
  const { nx, nz, temperature, dose } = r.plane;
  canvas.width = nx * SCALE;
  canvas.height = nz * SCALE;
  const g = canvas.getContext('2d');
  if (!g) return;
  const img = g.createImageData(nx, nz);
  const noise = speckle(nx * nz);
  const bright = r.greyscale.onset !== null;
  for (let k = 0; k < nz; k++)
    for (let i = 0; i < nx; i++) {
      const p = i + nx * k;
      const lesion = dose[p] >= 240;
      let v = 70 + 60 * noise[p];
      if (lesion && bright) v = 200 + 55 * noise[p];
      else if (lesion) v = 95 + 60 * noise[p];
      // a faint warm tint where the block is still above 43 °C at the end
      const warm = Math.max(0, Math.min(1, (temperature[p] - 43) / 40));
      const o = 4 * p;
      img.data[o] = Math.min(255, v + 60 * warm);
      img.data[o + 1] = v;
      img.data[o + 2] = Math.max(0, v - 30 * warm);
      img.data[o + 3] = 255;
    }
  const tmp = document.createElement('canvas');
  tmp.width = nx;
  tmp.height = nz;
  tmp.getContext('2d')?.putImageData(img, 0, 0);
  g.imageSmoothingEnabled = false;
  g.drawImage(tmp, 0, 0, nx * SCALE, nz * SCALE);
  // lesion outline: lesion pixels with a neighbour outside
  g.fillStyle = '#ff3b3b';
  for (let k = 1; k < nz - 1; k++)
    for (let i = 1; i < nx - 1; i++) {
      const p = i + nx * k;
      if (dose[p] < 240) continue;
      if (dose[p - 1] < 240 || dose[p + 1] < 240 || dose[p - nx] < 240 || dose[p + nx] < 240)
        g.fillRect(i * SCALE, k * SCALE, SCALE, SCALE);
    }
}

interface Shot {
  result: TankResult;
}

/** The virtual tank: single shots of chosen power and time into an ex vivo block; greyscale, lesion and boiling. */
export function VirtualTank() {
  const [power, setPower] = useState('300');
  const [duration, setDuration] = useState('3');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [shots, setShots] = useState<Shot[]>([]);
  const canvas = useRef<HTMLCanvasElement>(null);
  const last = shots[shots.length - 1]?.result;
  useEffect(() => {
    if (last && canvas.current) drawTank(canvas.current, last);
  }, [last]);
  const fire = async () => {
    setBusy(true);
    setError(null);
    try {
      const result = await tankShotInWorker({ power: Number(power), duration: Number(duration) });
      setShots((s) => [...s, { result }]);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <section class="training-tank" data-testid="training-tank">
      <p class="hint">{t('training.tank.hint')}</p>
      <div class="training-actions">
        <label>
          {t('training.tank.power')}
          <input
            type="number"
            min={10}
            max={600}
            step={10}
            value={power}
            onInput={(e) => setPower((e.target as HTMLInputElement).value)}
            data-testid="tank-power"
          />
        </label>
        <label>
          {t('training.tank.duration')}
          <input
            type="number"
            min={0.1}
            max={10}
            step={0.5}
            value={duration}
            onInput={(e) => setDuration((e.target as HTMLInputElement).value)}
            data-testid="tank-duration"
          />
        </label>
        <button type="button" class="primary" disabled={busy} onClick={() => void fire()} data-testid="tank-fire">
          {busy ? t('training.tank.firing') : t('training.tank.fire')}
        </button>
      </div>
      {error ? (
        <p class="error" data-testid="tank-error">
          {errorText(error)}
        </p>
      ) : null}
      {last ? (
        <div class="training-tank-result" data-testid="tank-result">
          <figure>
            <canvas ref={canvas} class="tank-image" data-testid="tank-image" />
            <figcaption class="hint">{t('training.tank.caption')}</figcaption>
          </figure>
          <dl class="training-tank-numbers">
            <dt>{t('training.tank.peak')}</dt>
            <dd data-testid="tank-peak">{fmt(last.peakTemperature, 1)} °C</dd>
            <dt>{t('training.tank.boiling')}</dt>
            <dd>{last.boilingOnset === null ? t('training.tank.none') : t('training.tank.at', { s: fmt(last.boilingOnset, 2) })}</dd>
            <dt>{t('training.tank.greyscale')}</dt>
            <dd>
              {last.greyscale.onset === null
                ? t('training.tank.none')
                : t('training.tank.greyscaleAt', { s: fmt(last.greyscale.onset, 2), v: fmt(last.greyscale.volume * 1e9, 0) })}
            </dd>
            <dt>{t('training.tank.lesion')}</dt>
            <dd data-testid="tank-lesion">
              {last.lesion.volume > 0
                ? t('training.tank.lesionSize', {
                    l: fmt(last.lesion.length * 1000, 1),
                    w: fmt(last.lesion.width * 1000, 1),
                    v: fmt(last.lesion.volume * 1e9, 0),
                  })
                : t('training.tank.none')}
            </dd>
            <dt>{t('training.tank.seconds')}</dt>
            <dd>{fmt(last.seconds, 1)} s</dd>
          </dl>
        </div>
      ) : null}
      {shots.length > 0 ? (
        <table class="training-history" data-testid="tank-shots">
          <thead>
            <tr>
              <th>{t('training.col.n')}</th>
              <th>{t('training.tank.power')}</th>
              <th>{t('training.tank.duration')}</th>
              <th>{t('training.tank.peak')}</th>
              <th>{t('training.tank.boiling')}</th>
              <th>{t('training.tank.lesion')}</th>
            </tr>
          </thead>
          <tbody>
            {shots.map((s, i) => (
              <tr key={i}>
                <td class="num">{i + 1}</td>
                <td class="num">{fmt(s.result.shot.power, 0)}</td>
                <td class="num">{fmt(s.result.shot.duration, 1)}</td>
                <td class="num">{fmt(s.result.peakTemperature, 1)}</td>
                <td>{s.result.boilingOnset === null ? '–' : fmt(s.result.boilingOnset, 2)}</td>
                <td class="num">
                  {fmt(s.result.lesion.length * 1000, 1)} × {fmt(s.result.lesion.width * 1000, 1)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}
