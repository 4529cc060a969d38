import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { AUDIO_SAMPLE_RATE_HZ, TopicSchema } from '@earshot/shared';
import { z } from 'zod';

/*
 * The committed speech fixtures (scripts/generate-speech-fixtures.sh): short phrases spoken by espeak-ng,
 * stored as raw 8 kHz G.711 µ-law so a frame's payload is a slice of the file, never re-encoded.
 */

export const PHRASES_DIR = fileURLToPath(new URL('./phrases/', import.meta.url));

export const SPEAKERS = ['agent', 'caller'] as const;
export type Speaker = (typeof SPEAKERS)[number];
export const PHRASE_LANGUAGES = ['ru', 'be', 'uk'] as const;
export type PhraseLanguage = (typeof PHRASE_LANGUAGES)[number];
/** What a phrase does in a conversation; the dialogue model picks phrases by role (and topic). */
export const PHRASE_ROLES = [
  'greeting',
  'transfer_in',
  'transfer_out',
  'question',
  'ack',
  'check',
  'hold',
  'resume',
  'after_silence',
  'answer',
  'closing',
  'opening',
  'problem',
  'reply',
  'impatience',
  'farewell',
  // The caller's mood (dialogue.ts): a complaint and displeasure for a negative call, praise for a positive
  // one (whose farewell is warm thanks: caller_thanks_warm).
  'complaint',
  'displeasure',
  'praise',
] as const;
export type PhraseRole = (typeof PHRASE_ROLES)[number];

const ManifestSchema = z.object({
  format: z.literal('pcmu'),
  sampleRateHz: z.literal(AUDIO_SAMPLE_RATE_HZ),
  phrases: z
    .array(
      z.object({
        id: z.string().regex(/^[a-z0-9_]+$/, 'must be lower-case letters, digits and _'),
        speaker: z.enum(SPEAKERS),
        language: z.enum(PHRASE_LANGUAGES),
        role: z.enum(PHRASE_ROLES),
        topic: TopicSchema.nullable(),
        text: z.string().min(1),
        file: z.string().regex(/^[a-z0-9_]+\.ul$/, 'must be a .ul file name in the phrases folder'),
        durationMs: z.number().int().positive(),
      }),
    )
    .min(1),
});
type ManifestEntry = z.infer<typeof ManifestSchema>['phrases'][number];

export interface Phrase extends Omit<ManifestEntry, 'file'> {
  /** µ-law samples, one byte each, 8 per millisecond. */
  audio: Uint8Array;
}

export interface PhraseBook {
  readonly all: readonly Phrase[];
  byId(id: string): Phrase;
  /** The phrase with this id, or undefined (for optional variants such as `<id>_uk`). */
  get(id: string): Phrase | undefined;
}

let cached: PhraseBook | undefined;

/** Loads (once per process) and checks the committed fixtures; throws a sentence naming what is wrong. */
export function loadPhraseBook(dir = PHRASES_DIR): PhraseBook {
  if (dir === PHRASES_DIR && cached) return cached;
  const manifestPath = `${dir}manifest.json`;
  const parsed = ManifestSchema.safeParse(JSON.parse(readFileSync(manifestPath, 'utf8')));
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')} ${issue.message}`).join('; ');
    throw new Error(`speech fixture manifest ${manifestPath} is invalid: ${problems}`);
  }
  const all = parsed.data.phrases.map(({ file, ...entry }) => {
    const audio = new Uint8Array(readFileSync(`${dir}${file}`));
    if (audio.length === 0) throw new Error(`speech fixture ${file} is empty`);
    return { ...entry, audio, durationMs: Math.floor(audio.length / (AUDIO_SAMPLE_RATE_HZ / 1000)) };
  });
  const index = new Map(all.map((phrase) => [phrase.id, phrase]));
  const book: PhraseBook = {
    all,
    byId(id) {
      const phrase = index.get(id);
      if (!phrase) throw new Error(`no speech fixture has the id ${id}`);
      return phrase;
    },
    get: (id) => index.get(id),
  };
  if (dir === PHRASES_DIR) cached = book;
  return book;
}
