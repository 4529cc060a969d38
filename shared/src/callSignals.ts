import { z } from 'zod';

/**
 * Live signals a call carries besides its state (speech analytics): the silence in progress and the
 * sentiment so far. Kept apart from speech.ts so calls.ts can use them without an import cycle.
 */

/**
 * What a live call carries about its silence, on the wallboard and the call page. The browser ticks the
 * badge from `silentSince`; past the dead-air threshold the tile raises the alert, saying whether the agent's
 * screen changed since the silence began (`screenChanges` > 0: working) or not (stuck).
 */
export const LiveSilenceSchema = z.object({
  /** Epoch ms since when neither side has spoken (hold excluded): the end of the last speech. */
  silentSince: z.number(),
  /** Screenshots with new content (not duplicates) captured since `silentSince`. */
  screenChanges: z.number().int().nonnegative(),
  /** Whether any screenshot arrived since `silentSince` at all (without one, "stuck" cannot be told from "no capture"). */
  screenSeen: z.boolean(),
});
export type LiveSilence = z.infer<typeof LiveSilenceSchema>;

/* --------------------------------------------------------------- sentiment --------------------------------------------------------------- */

export const SENTIMENT_LABELS = ['negative', 'neutral', 'positive'] as const;
export const SentimentLabelSchema = z.enum(SENTIMENT_LABELS);
export type SentimentLabel = z.infer<typeof SentimentLabelSchema>;

/** A call's sentiment: live while the transcript grows, final at the end. `score` is −1 (negative) to +1. */
export const SentimentSchema = z.object({
  label: SentimentLabelSchema,
  score: z.number().min(-1).max(1),
  final: z.boolean(),
});
export type Sentiment = z.infer<typeof SentimentSchema>;
