/** Browsers by how their user-agent strings name them; the first that matches wins (Edge also says Chrome). */
const BROWSERS: readonly [RegExp, string][] = [
  [/\bEdg\/(\d+)/, 'Edge'],
  [/\bOPR\/(\d+)/, 'Opera'],
  [/\bFirefox\/(\d+)/, 'Firefox'],
  [/\bHeadlessChrome\/(\d+)/, 'Headless Chrome'],
  [/\bChrom(?:e|ium)\/(\d+)/, 'Chrome'],
  [/\bVersion\/(\d+)[\d.]* (?:Mobile\/\w+ )?Safari\//, 'Safari'],
];
const PLATFORMS: readonly [RegExp, string][] = [
  [/Windows/, 'Windows'],
  [/Android/, 'Android'],
  [/iPhone|iPad/, 'iOS'],
  [/Mac OS X/, 'macOS'],
  [/Linux/, 'Linux'],
];

/** The browser and platform out of a user-agent string, e.g. `Chrome 120 · Windows`; enough to tell sessions apart. */
export function shortUserAgent(userAgent: string): string {
  let browser: string | undefined;
  for (const [pattern, name] of BROWSERS) {
    const match = pattern.exec(userAgent);
    if (match) {
      browser = `${name} ${match[1]}`;
      break;
    }
  }
  const platform = PLATFORMS.find(([pattern]) => pattern.test(userAgent))?.[1];
  const short = [browser, platform].filter(Boolean).join(' · ');
  return short || userAgent.slice(0, 40);
}
