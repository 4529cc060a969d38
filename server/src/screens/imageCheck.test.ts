import { SCREENSHOT_THUMB_WIDTH_PX } from '@earshot/shared';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { checkImage, type ImageRejection, sniffImageType } from './imageCheck.js';

const image = (format: 'png' | 'jpeg' | 'webp', width = 640, height = 360) =>
  sharp({ create: { width, height, channels: 3, background: { r: 40, g: 90, b: 160 } } })
    .toFormat(format)
    .toBuffer();

describe('checkImage', () => {
  it('accepts png, jpeg and webp by content and makes a WebP thumbnail of the configured width', async () => {
    for (const format of ['png', 'jpeg', 'webp'] as const) {
      const checked = await checkImage(await image(format));
      expect(checked.mime).toBe(`image/${format}`);
      expect([checked.width, checked.height]).toEqual([640, 360]);
      const thumb = await sharp(checked.thumb).metadata();
      expect(thumb.format).toBe('webp');
      expect(thumb.width).toBe(SCREENSHOT_THUMB_WIDTH_PX);
      expect(checked.thumbHeight).toBe(180);
    }
  });

  it('refuses text (415), a truncated image (422), a corrupt one (422) and an empty body', async () => {
    const reject = (bytes: Buffer) =>
      checkImage(bytes).then(
        () => null,
        (e: ImageRejection) => e.status,
      );
    expect(await reject(Buffer.from('hello, not an image'))).toBe(415);
    const png = await image('png', 800, 600);
    expect(await reject(png.subarray(0, Math.floor(png.length / 2)))).toBe(422);
    const corrupt = Buffer.from(png);
    corrupt.fill(0x41, 60, corrupt.length - 20);
    expect(await reject(corrupt)).toBe(422);
    expect(await reject(Buffer.alloc(0))).toBe(422);
  });

  it('refuses too many pixels with 422', async () => {
    const huge = await sharp({ create: { width: 10_000, height: 2_000, channels: 3, background: '#000' } })
      .png({ compressionLevel: 9 })
      .toBuffer();
    await expect(checkImage(huge)).rejects.toMatchObject({ status: 422, message: /pixels/ });
  });

  it('sniffs types from magic bytes only', () => {
    expect(sniffImageType(Buffer.from('RIFF0000WEBPVP8 '))).toBe('image/webp');
    expect(sniffImageType(Buffer.from([0xff, 0xd8, 0xff, 0xe0]))).toBe('image/jpeg');
    expect(sniffImageType(Buffer.from('GIF89a'))).toBeNull();
  });
});
