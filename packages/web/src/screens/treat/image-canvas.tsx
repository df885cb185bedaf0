import { useEffect, useRef } from 'preact/hooks';
import type { RgbaImage } from './console-images.js';
import type { ConsoleFrame } from './console-protocol.js';

/**
 * An RGBA image on a canvas scaled to its box (pixels kept square), with the plan's points marked when given:
 * the current point as a cross, other points near the plane as rings (filled once delivered).
 */
export function ImageCanvas(props: {
  image: RgbaImage | null;
  marks?: Pick<ConsoleFrame, 'focus' | 'points'> | null;
  testid: string;
  label: string;
  attrs?: Record<string, string | number>;
}) {
  const ref = useRef<HTMLCanvasElement>(null);
  // the image's own pixels, kept between frames (a new canvas per frame costs the page more than the drawing)
  const source = useRef<OffscreenCanvas | null>(null);
  useEffect(() => {
    const canvas = ref.current;
    const img = props.image;
    if (!canvas || !img) return;
    // 2× the image so that the marks are crisp; the canvas is resized (and so cleared and reallocated) only when
    // the image's size changes
    const k = Math.max(1, Math.round(512 / Math.max(img.width, img.height)));
    if (canvas.width !== img.width * k) canvas.width = img.width * k;
    if (canvas.height !== img.height * k) canvas.height = img.height * k;
    const ctx = canvas.getContext('2d');
    if (!ctx) return;
    let src = source.current;
    if (!src || src.width !== img.width || src.height !== img.height) {
      src = new OffscreenCanvas(img.width, img.height);
      source.current = src;
    }
    const sctx = src.getContext('2d');
    if (!sctx) return;
    sctx.putImageData(new ImageData(img.rgba as Uint8ClampedArray<ArrayBuffer>, img.width, img.height), 0, 0);
    ctx.imageSmoothingEnabled = false;
    ctx.drawImage(src, 0, 0, canvas.width, canvas.height);
    const m = props.marks;
    if (!m) return;
    ctx.lineWidth = 1.5;
    for (const p of m.points) {
      ctx.strokeStyle = p.done ? '#5ed18a' : '#38c7e8';
      ctx.beginPath();
      ctx.arc(p.x * k, p.y * k, 3, 0, 2 * Math.PI);
      if (p.done) {
        ctx.fillStyle = '#5ed18a';
        ctx.fill();
      } else ctx.stroke();
    }
    if (m.focus) {
      const x = m.focus.x * k;
      const y = m.focus.y * k;
      ctx.strokeStyle = '#38c7e8';
      ctx.beginPath();
      ctx.moveTo(x - 10, y);
      ctx.lineTo(x - 3, y);
      ctx.moveTo(x + 3, y);
      ctx.lineTo(x + 10, y);
      ctx.moveTo(x, y - 10);
      ctx.lineTo(x, y - 3);
      ctx.moveTo(x, y + 3);
      ctx.lineTo(x, y + 10);
      ctx.stroke();
    }
  }, [props.image, props.marks]);
  const data: Record<string, string | number> = {};
  for (const [k, v] of Object.entries(props.attrs ?? {})) data[`data-${k}`] = v;
  return <canvas ref={ref} class="console-image" data-testid={props.testid} aria-label={props.label} role="img" {...data} />;
}
