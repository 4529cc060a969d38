import { describe, expect, it } from 'vitest';
import { csvField, csvRow } from './csv.js';

describe('CSV escaping', () => {
  it('leaves plain text and numbers alone and writes null as an empty field', () => {
    expect(csvField('demo.admin')).toBe('demo.admin');
    expect(csvField(42)).toBe('42');
    expect(csvField(false)).toBe('false');
    expect(csvField(null)).toBe('');
  });

  it('quotes fields with commas, quotes or line breaks and doubles the quotes', () => {
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField('cr\rhere')).toBe('"cr\rhere"');
  });

  it('defuses text a spreadsheet would run as a formula', () => {
    expect(csvField('=HYPERLINK("http://evil")')).toBe(`"'=HYPERLINK(""http://evil"")"`);
    expect(csvField('+375 29 1234567')).toBe("'+375 29 1234567");
    expect(csvField('-1')).toBe("'-1");
    expect(csvField('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvField(-1)).toBe('-1');
  });

  it('ends a record with CRLF', () => {
    expect(csvRow(['a', null, 'b,c', 3])).toBe('a,,"b,c",3\r\n');
  });

  it('keeps Cyrillic text as it is', () => {
    expect(csvField('Алена Ковалева')).toBe('Алена Ковалева');
  });
});
