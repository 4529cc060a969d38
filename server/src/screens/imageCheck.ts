import {
  SCREENSHOT_MAX_BYTES,
  SCREENSHOT_MAX_PIXELS,
  SCREENSHOT_MIME_TYPES,
  SCREENSHOT_THUMB_WIDTH_PX,
  type ScreenshotMime,
} from '@earshot/shared';
import sharp from 'sharp';

/** A refused image: the HTTP status that fits (413, 415, 422) and a message naming the problem. */
export class ImageRejection extends Error {
  override name = 'ImageRejection';
  constructor(
    readonly status: 413 | 415 | 422,
    message: string,
  ) {
    super(message);
  }
}

export const SCREENSHOT_EXTENSIONS: Record<ScreenshotMime, string> = {
  'image/webp': 'webp',
  'image/jpeg': 'jpg',
  'image/png': 'png',
};

/** The type the bytes say they are (magic numbers), whatever the Content-Type header claimed. */
export function sniffImageType(bytes: Uint8Array): ScreenshotMime | null {
  const starts = (offset: number, signature: number[]) => signature.every((b, i) => bytes[offset + i] === b);
  if (starts(0, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
  if (starts(0, [0xff, 0xd8, 0xff])) return 'image/jpeg';
  // RIFF....WEBP
  if (starts(0, [0x52, 0x49, 0x46, 0x46]) && starts(8, [0x57, 0x45, 0x42, 0x50])) return 'image/webp';
  return null;
}

export interface CheckedImage {
  mime: ScreenshotMime;
  width: number;
  height: number;
  thumb: Buffer;
  thumbWidth: number;
  thumbHeight: number;
}

const sharpFormatToMime: Record<string, ScreenshotMime> = { png: 'image/png', jpeg: 'image/jpeg', webp: 'image/webp' };

/**
 * Checks that `bytes` are a whole image of an allowed type, within the size and pixel limits, and makes its
 * thumbnail. Making the thumbnail decodes every pixel with `failOn: 'truncated'`, so a truncated or corrupt
 * image is refused here rather than stored. Throws ImageRejection.
 */
export async function checkImage(bytes: Buffer): Promise<CheckedImage> {
  if (bytes.length === 0) throw new ImageRejection(422, 'the body is empty: send the image bytes');
  if (bytes.length > SCREENSHOT_MAX_BYTES) {
    throw new ImageRejection(413, `the image is ${bytes.length} bytes; the limit is ${SCREENSHOT_MAX_BYTES}`);
  }
  const mime = sniffImageType(bytes);
  if (!mime) {
    throw new ImageRejection(
      415,
      `the body is not an image of an accepted type (by its content): send ${SCREENSHOT_MIME_TYPES.join(', ')}`,
    );
  }
  let metadata: sharp.Metadata;
  try {
    // limitInputPixels: false here; the limit is checked below with a clearer message.
    metadata = await sharp(bytes, { failOn: 'truncated', limitInputPixels: false }).metadata();
  } catch (error) {
    throw new ImageRejection(422, `the image cannot be read: ${(error as Error).message}`);
  }
  if (sharpFormatToMime[metadata.format ?? ''] !== mime) {
    throw new ImageRejection(422, `the image's header and content disagree (${metadata.format ?? 'unknown'})`);
  }
  const { width, height } = metadata;
  if (!width || !height) throw new ImageRejection(422, 'the image has no dimensions');
  if (width * height > SCREENSHOT_MAX_PIXELS) {
    throw new ImageRejection(
      422,
      `the image is ${width}×${height} pixels; at most ${SCREENSHOT_MAX_PIXELS} pixels are accepted`,
    );
  }
  try {
    const { data, info } = await sharp(bytes, { failOn: 'truncated', limitInputPixels: SCREENSHOT_MAX_PIXELS })
      .resize({ width: SCREENSHOT_THUMB_WIDTH_PX, withoutEnlargement: false })
      .webp({ quality: 70, effort: 2 })
      .toBuffer({ resolveWithObject: true });
    return { mime, width, height, thumb: data, thumbWidth: info.width, thumbHeight: info.height };
  } catch (error) {
    throw new ImageRejection(422, `the image is truncated or corrupt: ${(error as Error).message}`);
  }
}
