import { describe, expect, it } from 'vitest';
import { shortUserAgent } from './auditFormat.js';

describe('shortUserAgent', () => {
  it('names the browser and platform', () => {
    expect(
      shortUserAgent(
        'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36',
      ),
    ).toBe('Chrome 124 · Windows');
    expect(
      shortUserAgent(
        'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36 Edg/124.0.2478.51',
      ),
    ).toBe('Edge 124 · Windows');
    expect(shortUserAgent('Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0')).toBe(
      'Firefox 125 · Linux',
    );
    expect(
      shortUserAgent(
        'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15',
      ),
    ).toBe('Safari 17 · macOS');
  });

  it('shows the start of anything it does not recognise', () => {
    expect(shortUserAgent('curl/8.5.0')).toBe('curl/8.5.0');
  });
});
