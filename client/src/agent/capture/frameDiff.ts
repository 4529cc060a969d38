/**
 * A cheap "did the screen change?" measure: the frame downscaled to a small grey image, compared with the
 * last one taken by mean absolute difference. Cursor blinks stay under the threshold; a new window does not.
 */

export const DIFF_WIDTH_PX = 64;
export const DIFF_HEIGHT_PX = 36;

/** RGBA pixels (as from getImageData) to one grey byte per pixel (Rec. 601 luma). */
export function toGrayscale(rgba: ArrayLike<number>): Uint8Array {
  const pixels = Math.floor(rgba.length / 4);
  const grey = new Uint8Array(pixels);
  for (let i = 0; i < pixels; i += 1) {
    const r = rgba[i * 4] ?? 0;
    const g = rgba[i * 4 + 1] ?? 0;
    const b = rgba[i * 4 + 2] ?? 0;
    grey[i] = Math.round(0.299 * r + 0.587 * g + 0.114 * b);
  }
  return grey;
}

/** Mean absolute difference of two grey images of the same size, 0 (identical) to 255. */
export function meanAbsDifference(a: Uint8Array, b: Uint8Array): number {
  if (a.length !== b.length) throw new Error(`cannot compare frames of ${a.length} and ${b.length} pixels`);
  if (a.length === 0) return 0;
  let sum = 0;
  for (let i = 0; i < a.length; i += 1) sum += Math.abs((a[i] ?? 0) - (b[i] ?? 0));
  return sum / a.length;
}

/** JPEG/WebP qualities tried in turn until a frame fits the upload limit. */
export const ENCODE_QUALITIES = [0.8, 0.6, 0.45, 0.3, 0.2] as const;
