/** A layer as written in SCENARIO.json: a built-in tissue name (or custom properties) and a thickness in m. */
export interface LayerSpec {
  readonly tissue: string | Record<string, number>;
  /** m; omitted on the last layer */
  readonly thickness?: number;
}

/**
 * Water path from the bowl apex to the skin (m) used by default: with the abdominal wall below (27.1 mm) and
 * the clinical-0.8mhz bowl (R = 150 mm) the geometric focus lies 150 − 88 − 27.1 = 34.9 mm into the fibroid
 * (the refracted/attenuated focus a few mm nearer the transducer).
 */
export const DEFAULT_WATER_PATH = 0.088;

/**
 * The default abdominal path for fibroid treatment, as SCENARIO.json `medium.layers`: degassed water to the
 * skin, skin 2 mm, subcutaneous fat 16.0 mm and rectus abdominis 9.1 mm (medians of 1000 patients, Yang et
 * al., Front Surg 2021; shared/reference/tissue-properties.md), then the target tissue (unbounded).
 * `waterPath` in m (default 88 mm, see DEFAULT_WATER_PATH); `target` a tissue name (default "fibroid").
 */
export function defaultAbdominalLayers(waterPath = DEFAULT_WATER_PATH, target = 'fibroid'): { layers: LayerSpec[] } {
  return {
    layers: [
      { tissue: 'water', thickness: waterPath },
      { tissue: 'skin', thickness: 0.002 },
      { tissue: 'fat', thickness: 0.016 },
      { tissue: 'muscle', thickness: 0.0091 },
      { tissue: target },
    ],
  };
}
