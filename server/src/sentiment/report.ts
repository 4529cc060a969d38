import { SENTIMENT_LABELS } from '@earshot/shared';
import { evaluateSentiment, type SentimentEvaluation } from './evaluate.js';
import { LABELLED_SAMPLE, type LabelledItem, sampleHalf } from './labelledSample.js';

/*
 * Prints the sentiment scorer's figures on the labelled sample (what docs/sentiment.md reports):
 *   node --import tsx server/src/sentiment/report.ts [--misses]
 * Per half (dev: used for tuning; test: held out), per class and per language, with the confusion matrix;
 * --misses lists the items it gets wrong in the test half too.
 */

const showMisses = process.argv.includes('--misses');
const pct = (x: number) => `${(x * 100).toFixed(1)} %`;

function print(name: string, items: readonly LabelledItem[]): SentimentEvaluation {
  const e = evaluateSentiment(items);
  console.log(`\n${name}: ${e.items} items, accuracy ${pct(e.accuracy)}, macro-F1 ${e.macroF1.toFixed(3)}`);
  console.log('  expected \\ predicted   negative  neutral  positive   precision  recall');
  for (const label of SENTIMENT_LABELS) {
    const row = e.confusion[label];
    const { precision, recall } = e.perClass[label];
    console.log(
      `  ${label.padEnd(22)}${String(row.negative).padStart(8)}${String(row.neutral).padStart(9)}${String(row.positive).padStart(10)}   ${pct(precision).padStart(9)}  ${pct(recall).padStart(7)}`,
    );
  }
  const languages = ['ru', 'uk', 'be', 'en'] as const;
  console.log(
    `  by language: ${languages
      .map((language) => {
        const part = evaluateSentiment(items.filter((item) => item.language === language));
        return `${language} ${pct(part.accuracy)} (${part.items})`;
      })
      .join(', ')}`,
  );
  return e;
}

print(
  'dev half',
  LABELLED_SAMPLE.filter((item) => sampleHalf(item) === 'dev'),
);
const test = print(
  'test half (held out)',
  LABELLED_SAMPLE.filter((item) => sampleHalf(item) === 'test'),
);
const all = print('whole sample', LABELLED_SAMPLE);
if (showMisses) {
  console.log('\nmisses in the test half:');
  for (const miss of test.misses) {
    const text = miss.item.lines.map((line) => `${line.speaker === 'agent' ? 'A' : 'C'}: ${line.text}`).join(' / ');
    console.log(`  [${miss.item.language}] ${miss.item.label} → ${miss.predicted} (${miss.score}): ${text}`);
  }
}
console.log(
  JSON.stringify({
    sentiment_accuracy_test: Number(test.accuracy.toFixed(3)),
    sentiment_macro_f1_test: Number(test.macroF1.toFixed(3)),
    sentiment_accuracy_all: Number(all.accuracy.toFixed(3)),
    items: all.items,
  }),
);
