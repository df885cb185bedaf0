import { signal } from '@preact/signals';
import type { Ref } from 'preact';
import { type MessageKey, t } from '../../i18n/i18n.js';
import { useLanguage } from '../../i18n/language-signal.js';

/** The line over the viewer (loading, no WebGL, a failed start) as a key and a detail, and whether it shows. */
export const viewerMessage = signal<{ key: MessageKey; params?: Record<string, string | number>; detail?: string; hidden: boolean }>({
  key: 'app.loading',
  hidden: false,
});
/** Whether the CPU-drawn preview stands in for the viewer (until WebGL shows the case). */
export const previewShown = signal(false);

export interface ViewerAreaProps {
  canvas: Ref<HTMLCanvasElement>;
  preview: Ref<HTMLCanvasElement>;
  onShow3D: (on: boolean) => void;
  onLabelOpacity: (opacity: number) => void;
}

/**
 * The viewer's area: its toolbar (3D view, label opacity), the NiiVue canvas (the viewer draws into it; the page
 * never re-creates it), the CPU preview shown until WebGL is ready, and the loading or error line.
 */
export function ViewerArea({ canvas, preview, onShow3D, onLabelOpacity }: ViewerAreaProps) {
  useLanguage();
  const m = viewerMessage.value;
  return (
    <section class="viewer-area">
      <div class="viewer-toolbar">
        <label>
          <input type="checkbox" data-testid="show-3d" onChange={(e) => onShow3D((e.currentTarget as HTMLInputElement).checked)} />
          <span>{t('viewer.show3d')}</span>
        </label>
        <label>
          <span>{t('viewer.labelOpacity')}</span>
          <input
            type="range"
            min={0}
            max={1}
            step={0.05}
            defaultValue="0.35"
            data-testid="label-opacity"
            onInput={(e) => onLabelOpacity(Number((e.currentTarget as HTMLInputElement).value))}
          />
        </label>
        <span class="hint">{t('viewer.orientation')}</span>
      </div>
      <div class="viewer-canvas">
        <canvas data-testid="viewer" ref={canvas} />
        <canvas class="preview" data-testid="viewer-preview" hidden={!previewShown.value} ref={preview} />
        <div class="viewer-message" data-testid="viewer-message" hidden={m.hidden}>
          {`${t(m.key, m.params)}${m.detail ? ` (${m.detail})` : ''}`}
        </div>
      </div>
    </section>
  );
}
