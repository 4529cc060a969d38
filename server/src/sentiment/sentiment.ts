import type { Sentiment, SentimentLabel, Speaker, TranscriptLanguage } from '@earshot/shared';
import {
  ACKNOWLEDGEMENTS,
  CONTRASTS,
  INTENSIFIERS,
  IRONY_OPENERS,
  LEXICON,
  type LexiconEntry,
  NEGATORS,
  normaliseWord,
  POST_NEGATORS,
} from './lexicon.js';

/*
 * A call's sentiment from its transcript: a lexicon scorer for Russian, Ukrainian, Belarusian and English
 * (lexicon.ts) with prefix-stem matching, negation, intensifiers and contrast, where the caller's words
 * count and the agent's scripted courtesy does not. Chosen over a model because it runs in microseconds
 * per line on every live call, can be read and corrected by the quality team, and needs no training data
 * in three languages we do not have; its accuracy on a labelled sample is in docs/sentiment.md.
 */

export interface TranscriptLineForSentiment {
  speaker: Speaker;
  text: string;
  language: TranscriptLanguage;
}

/** A call scores at least this to be positive, at most NEGATIVE_MAX_SCORE to be negative (chosen on the dev half). */
export const POSITIVE_MIN_SCORE = 0.4;
export const NEGATIVE_MAX_SCORE = -0.3;
/** How much an agent's words count next to the caller's (the agent's mood is not the customer's). */
export const AGENT_WEIGHT = 0.3;
/** Squashes the summed valence into −1…+1: x / √(x² + α); with α = 1, one strong word gives about ±0.7. */
const SQUASH_ALPHA = 1;
/** A negated positive word ("не доволен") becomes this share of its opposite… */
const NEGATED_POSITIVE_FACTOR = -0.75;
/** …and a negated negative word ("не плохо") only mildly positive. */
const NEGATED_NEGATIVE_FACTOR = -0.4;
/** Words after a negator it reaches ("не очень-то и помогли" reaches помогли). */
const NEGATION_SCOPE_WORDS = 3;
/** Words after an intensifier it reaches ("очень вы мне помогли"). */
const INTENSIFIER_SCOPE_WORDS = 2;
/** Before a contrast ("…, но …") a clause counts for less, after it for more. */
const BEFORE_CONTRAST_FACTOR = 0.5;
const AFTER_CONTRAST_FACTOR = 1.5;
/** "Хорошо." alone: an acknowledgement, no mood (said at every turn, it would add up to delight). */
const ACK_WEIGHT = 0;
/** Praise after an ironic "ну" counts as this share of its opposite. */
const IRONY_FACTOR = -0.75;
/** Each "!" in a line strengthens its sentiment by this much, up to two of them. */
const EXCLAMATION_BOOST = 0.15;

/** One lexicon hit in a line: which entry and what it contributes after negation and intensity. */
export interface SentimentHit {
  entry: LexiconEntry;
  /** The words of the line that matched. */
  matched: string;
  valence: number;
}

/* ------------------------------------------------------------- lexicon index ------------------------------------------------------------- */

const exactWords = new Map<string, LexiconEntry[]>();
const stems = new Map<string, LexiconEntry[]>();
const phrases: LexiconEntry[] = [];
let longestStem = 0;
for (const entry of LEXICON) {
  const [first] = entry.words;
  if (!first) continue;
  if (entry.words.length > 1) {
    phrases.push(entry);
    continue;
  }
  const index = first.exact ? exactWords : stems;
  index.set(first.text, [...(index.get(first.text) ?? []), entry]);
  if (!first.exact) longestStem = Math.max(longestStem, first.text.length);
}
// Longer phrases first, so "в который раз" wins over "который раз".
phrases.sort((a, b) => b.words.length - a.words.length);

const applies = (entry: LexiconEntry, language: TranscriptLanguage) =>
  entry.languages === null || entry.languages.includes(language);

function wordMatches(pattern: { text: string; exact: boolean }, word: string): boolean {
  return pattern.exact ? word === pattern.text : word.startsWith(pattern.text);
}

/** The entry matching at `words[at]` (a phrase, an exact word, else the longest stem) and how many words it took. */
function lookup(
  words: readonly string[],
  at: number,
  language: TranscriptLanguage,
): { entry: LexiconEntry; length: number } | null {
  for (const phrase of phrases) {
    if (!applies(phrase, language) || at + phrase.words.length > words.length) continue;
    if (phrase.words.every((pattern, k) => wordMatches(pattern, words[at + k] as string))) {
      return { entry: phrase, length: phrase.words.length };
    }
  }
  const word = words[at] as string;
  const exact = exactWords.get(word)?.find((entry) => applies(entry, language));
  if (exact) return { entry: exact, length: 1 };
  for (let length = Math.min(word.length, longestStem); length >= 2; length--) {
    const stem = stems.get(word.slice(0, length))?.find((entry) => applies(entry, language));
    if (stem) return { entry: stem, length: 1 };
  }
  return null;
}

/* ----------------------------------------------------------------- lines ----------------------------------------------------------------- */

/** Words (letters, digits, inner hyphens and apostrophes) and the punctuation that ends a clause. */
const TOKEN_PATTERN = /[\p{L}\p{N}]+(?:['’ʼ-][\p{L}\p{N}]+)*|[.!?;:,…—–]/gu;

/** The lexicon hits of one line, in order, before speaker weighting. */
export function scoreLine(text: string, language: TranscriptLanguage, speaker: Speaker): SentimentHit[] {
  const tokens = (text.match(TOKEN_PATTERN) ?? []).map(normaliseWord);
  // Clauses: split at punctuation; contrast words split too and mark what follows as the stronger part.
  const hits: SentimentHit[] = [];
  let exclamations = 0;
  let contrastSeenAt = -1;
  let clause: string[] = [];
  let ironic = false;
  const flush = () => {
    const before = hits.length;
    scoreClause(clause, language, speaker, hits);
    // "Ну спасибо…" / "Ну дякую…" at the start of the line: praise in it and after it is sarcasm.
    const opener = hits[before];
    if (before === 0 && opener && opener.valence > 0 && IRONY_OPENERS.has(clause[0] ?? '')) ironic = true;
    clause = [];
  };
  for (const token of tokens) {
    if (token === '!') exclamations += 1;
    if (/^[.!?;:,…—–]$/.test(token)) {
      flush();
    } else if (CONTRASTS.has(token)) {
      flush();
      contrastSeenAt = hits.length;
    } else {
      clause.push(token);
    }
  }
  flush();
  if (contrastSeenAt >= 0) {
    hits.forEach((hit, i) => {
      hit.valence *= i < contrastSeenAt ? BEFORE_CONTRAST_FACTOR : AFTER_CONTRAST_FACTOR;
    });
  }
  const boost = 1 + EXCLAMATION_BOOST * Math.min(2, exclamations);
  for (const hit of hits) hit.valence *= (ironic && hit.valence > 0 ? IRONY_FACTOR : 1) * boost;
  return hits;
}

function scoreClause(words: string[], language: TranscriptLanguage, speaker: Speaker, hits: SentimentHit[]): void {
  let negationLeft = 0;
  let intensity = 1;
  let intensityLeft = 0;
  for (let i = 0; i < words.length; ) {
    const word = words[i] as string;
    const intensifier = INTENSIFIERS.get(word);
    if (NEGATORS.has(word) || word.endsWith("n't")) {
      negationLeft = NEGATION_SCOPE_WORDS;
      i += 1;
      continue;
    }
    if (intensifier !== undefined) {
      // "не очень доволен" is milder than "не доволен", not stronger: under a negation the intensifier
      // only stretches the negation's reach.
      if (negationLeft > 0) negationLeft += 1;
      else {
        intensity = intensifier;
        intensityLeft = INTENSIFIER_SCOPE_WORDS;
      }
      i += 1;
      continue;
    }
    const found = lookup(words, i, language);
    const weight = words.length === 1 && ACKNOWLEDGEMENTS.has(word) ? ACK_WEIGHT : found?.entry.weight;
    if (found && weight && !(found.entry.polite && speaker === 'agent')) {
      let valence = weight;
      if (intensityLeft > 0) valence *= intensity;
      // Negated before ("не доволен") or, for a complaint noun, right after ("жалоб нет"), not both.
      const negatedBefore = negationLeft > 0;
      const negatedAfter = valence < 0 && POST_NEGATORS.has(words[i + found.length] ?? '');
      if (negatedBefore !== negatedAfter) {
        valence *= valence > 0 ? NEGATED_POSITIVE_FACTOR : NEGATED_NEGATIVE_FACTOR;
      }
      hits.push({ entry: found.entry, matched: words.slice(i, i + found.length).join(' '), valence });
    }
    const length = found?.length ?? 1;
    negationLeft = Math.max(0, negationLeft - length);
    intensityLeft = Math.max(0, intensityLeft - length);
    i += length;
  }
}

/* ----------------------------------------------------------------- calls ----------------------------------------------------------------- */

export function labelFor(score: number): SentimentLabel {
  if (score >= POSITIVE_MIN_SCORE) return 'positive';
  if (score <= NEGATIVE_MAX_SCORE) return 'negative';
  return 'neutral';
}

/**
 * The sentiment of a call so far (`final` false, live) or at its end, from its transcript lines in order;
 * null when there is no text. Each hit counts for its valence, the agent's at AGENT_WEIGHT, and the same
 * word said again counts less each time (1, ½, ⅓…): a caller who says "спасибо" at every turn is polite,
 * not delighted. The sum is squashed into −1…+1.
 */
export function scoreCallSentiment(lines: readonly TranscriptLineForSentiment[], final: boolean): Sentiment | null {
  if (!lines.some((line) => line.text.trim() !== '')) return null;
  const repeats = new Map<LexiconEntry, number>();
  let sum = 0;
  for (const line of lines) {
    const weight = line.speaker === 'agent' ? AGENT_WEIGHT : 1;
    for (const hit of scoreLine(line.text, line.language, line.speaker)) {
      const seen = (repeats.get(hit.entry) ?? 0) + 1;
      repeats.set(hit.entry, seen);
      sum += (weight * hit.valence) / seen;
    }
  }
  const score = Math.round((sum / Math.sqrt(sum * sum + SQUASH_ALPHA)) * 1000) / 1000;
  return { label: labelFor(score), score, final };
}
