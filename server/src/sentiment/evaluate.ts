import { SENTIMENT_LABELS, type SentimentLabel } from '@earshot/shared';
import type { LabelledItem } from './labelledSample.js';
import { scoreCallSentiment } from './sentiment.js';

/** The scorer's accuracy on labelled items: overall, per class, the confusion matrix, and the misses. */
export interface SentimentEvaluation {
  items: number;
  accuracy: number;
  /** Unweighted mean of the per-class F1 (a scorer calling everything neutral scores low here). */
  macroF1: number;
  perClass: Record<SentimentLabel, { precision: number; recall: number; f1: number; support: number }>;
  /** confusion[expected][predicted] = count. */
  confusion: Record<SentimentLabel, Record<SentimentLabel, number>>;
  misses: { item: LabelledItem; predicted: SentimentLabel; score: number }[];
}

export function evaluateSentiment(items: readonly LabelledItem[]): SentimentEvaluation {
  const zeroRow = () => ({ negative: 0, neutral: 0, positive: 0 });
  const confusion = { negative: zeroRow(), neutral: zeroRow(), positive: zeroRow() };
  const misses: SentimentEvaluation['misses'] = [];
  let correct = 0;
  for (const item of items) {
    const sentiment = scoreCallSentiment(item.lines, true);
    const predicted = sentiment?.label ?? 'neutral';
    confusion[item.label][predicted] += 1;
    if (predicted === item.label) correct += 1;
    else misses.push({ item, predicted, score: sentiment?.score ?? 0 });
  }
  const ratio = (a: number, b: number) => (b === 0 ? 0 : a / b);
  const perClass = Object.fromEntries(
    SENTIMENT_LABELS.map((label) => {
      const truePositives = confusion[label][label];
      const predicted = SENTIMENT_LABELS.reduce((sum, expected) => sum + confusion[expected][label], 0);
      const support = SENTIMENT_LABELS.reduce((sum, guess) => sum + confusion[label][guess], 0);
      const precision = ratio(truePositives, predicted);
      const recall = ratio(truePositives, support);
      return [label, { precision, recall, f1: ratio(2 * precision * recall, precision + recall), support }];
    }),
  ) as SentimentEvaluation['perClass'];
  return {
    items: items.length,
    accuracy: ratio(correct, items.length),
    macroF1: SENTIMENT_LABELS.reduce((sum, label) => sum + perClass[label].f1, 0) / SENTIMENT_LABELS.length,
    perClass,
    confusion,
    misses,
  };
}
