import { SENTIMENT_LABELS, type Speaker, type TranscriptLanguage } from '@earshot/shared';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evaluateSentiment } from './evaluate.js';
import { LABELLED_SAMPLE, sampleHalf } from './labelledSample.js';
import { NEGATIVE_MAX_SCORE, POSITIVE_MIN_SCORE, scoreCallSentiment } from './sentiment.js';

const caller = (text: string, language: TranscriptLanguage = 'ru') => ({
  speaker: 'caller' as Speaker,
  text,
  language,
});
const agent = (text: string, language: TranscriptLanguage = 'ru') => ({ speaker: 'agent' as Speaker, text, language });
const scoreOf = (...lines: ReturnType<typeof caller>[]) => scoreCallSentiment(lines, true)?.score ?? Number.NaN;
const labelOf = (...lines: ReturnType<typeof caller>[]) => scoreCallSentiment(lines, true)?.label;

describe('the labelled sample', () => {
  it('holds at least 150 items in Russian, Ukrainian and Belarusian, every label in both halves', () => {
    expect(LABELLED_SAMPLE.length).toBeGreaterThanOrEqual(150);
    for (const language of ['ru', 'uk', 'be'] as const) {
      expect(LABELLED_SAMPLE.filter((item) => item.language === language).length).toBeGreaterThanOrEqual(50);
    }
    for (const half of ['dev', 'test'] as const) {
      const items = LABELLED_SAMPLE.filter((item) => sampleHalf(item) === half);
      expect(items.length).toBeGreaterThanOrEqual(100);
      for (const label of SENTIMENT_LABELS)
        expect(items.filter((item) => item.label === label).length).toBeGreaterThan(25);
    }
  });

  it('keeps translations of one idea in the same half', () => {
    const halves = new Map<string, Set<string>>();
    for (const item of LABELLED_SAMPLE)
      halves.set(item.group, (halves.get(item.group) ?? new Set()).add(sampleHalf(item)));
    expect([...halves.values()].every((set) => set.size === 1)).toBe(true);
  });
});

describe('scoreCallSentiment accuracy (figures in docs/sentiment.md)', () => {
  // Measured: test half 0.817 (0.786 before the last two fixes), dev half 0.929, all 0.873. A change that
  // loses more than three points fails here; one that gains should raise these floors and the docs.
  const MARGIN = 0.03;

  it('stays at or above its measured accuracy on the test half, the dev half and the whole sample', () => {
    const test = evaluateSentiment(LABELLED_SAMPLE.filter((item) => sampleHalf(item) === 'test'));
    const dev = evaluateSentiment(LABELLED_SAMPLE.filter((item) => sampleHalf(item) === 'dev'));
    const all = evaluateSentiment(LABELLED_SAMPLE);
    expect(test.accuracy).toBeGreaterThanOrEqual(0.817 - MARGIN);
    expect(test.macroF1).toBeGreaterThanOrEqual(0.818 - MARGIN);
    expect(dev.accuracy).toBeGreaterThanOrEqual(0.929 - MARGIN);
    expect(all.accuracy).toBeGreaterThanOrEqual(0.873 - MARGIN);
  });

  it('rarely mistakes one pole for the other, and every language is measured', () => {
    const all = evaluateSentiment(LABELLED_SAMPLE);
    // Polar errors (negative read as positive and back) are the costly ones; today they are the ironic lines.
    expect(all.confusion.negative.positive + all.confusion.positive.negative).toBeLessThanOrEqual(5);
    for (const language of ['ru', 'uk', 'be'] as const) {
      const byLanguage = evaluateSentiment(LABELLED_SAMPLE.filter((item) => item.language === language));
      expect(byLanguage.accuracy).toBeGreaterThanOrEqual(0.84);
    }
  });
});

describe('scoreCallSentiment', () => {
  it('is null without text and carries the final flag', () => {
    expect(scoreCallSentiment([], false)).toBeNull();
    expect(scoreCallSentiment([caller('  ')], true)).toBeNull();
    expect(scoreCallSentiment([caller('Алло')], false)).toEqual({ label: 'neutral', score: 0, final: false });
    expect(scoreCallSentiment([caller('Алло')], true)?.final).toBe(true);
  });

  it('reads praise and complaints in Russian, Ukrainian and Belarusian, with prefix stems', () => {
    expect(labelOf(caller('Вы мне очень помогли, отличная работа'))).toBe('positive');
    expect(labelOf(caller('Щиро дякую, ви чудовий фахівець', 'uk'))).toBe('positive');
    expect(labelOf(caller('Вялікі дзякуй, усё выдатна', 'be'))).toBe('positive');
    expect(labelOf(caller('Это безобразие, ужасный сервис'))).toBe('negative');
    expect(labelOf(caller('Жахливе обслуговування, я буду скаржитися', 'uk'))).toBe('negative');
    expect(labelOf(caller('Гэта ганьба, колькі можна чакаць', 'be'))).toBe('negative');
    expect(labelOf(caller('Здравствуйте, у меня не работает интернет'))).toBe('neutral');
  });

  it('counts the agent’s scripted courtesy for nothing, and the caller’s closing thanks as politeness only', () => {
    expect(scoreOf(agent('Спасибо за звонок, всего доброго! Спасибо за ожидание.'))).toBe(0);
    expect(scoreOf(agent('Дзякуй за званок, усяго добрага!', 'be'))).toBe(0);
    // Thanks at every turn of an ordinary call stay neutral (each repeat counts less).
    const polite = [
      caller('Хорошо, спасибо.'),
      caller('Нет, больше ничего, спасибо.'),
      caller('Спасибо, до свидания.'),
    ];
    expect(labelOf(...polite)).toBe('neutral');
    // The same words weigh more from the caller than from the agent.
    expect(scoreOf(caller('Отлично, замечательно'))).toBeGreaterThan(scoreOf(agent('Отлично, замечательно')));
  });

  it('flips negated words: a negated praise is negative, a negated complaint mildly positive at most', () => {
    expect(scoreOf(caller('Я доволен'))).toBeGreaterThan(0);
    expect(labelOf(caller('Я не доволен'))).toBe('negative');
    expect(labelOf(caller('Ви мені зовсім не допомогли', 'uk'))).toBe('negative');
    expect(labelOf(caller('Не вельмі вы мне дапамаглі', 'be'))).toBe('negative');
    expect(labelOf(caller('Не очень-то вы мне помогли'))).toBe('negative');
    expect(scoreOf(caller('Не плохо'))).toBeGreaterThan(0);
    expect(labelOf(caller('Не плохо'))).not.toBe('negative');
    // A complaint noun negated after it: "no complaints".
    expect(scoreOf(caller('Жалоб нет'))).toBeGreaterThan(0);
    // The negation reaches the next few words only, and not past a comma.
    expect(scoreOf(caller('Нет, спасибо, всё отлично'))).toBeGreaterThan(POSITIVE_MIN_SCORE);
  });

  it('strengthens with intensifiers and "!", and weighs the clause after "но" more', () => {
    expect(scoreOf(caller('Очень плохо'))).toBeLessThan(scoreOf(caller('Плохо')));
    expect(scoreOf(caller('Ужасно!'))).toBeLessThan(scoreOf(caller('Ужасно')));
    expect(scoreOf(caller('Немного неудобно'))).toBeGreaterThan(scoreOf(caller('Неудобно')));
    expect(labelOf(caller('Спасибо, но вы мне так и не помогли'))).toBe('negative');
    expect(labelOf(caller('Дякую, але ви мені не допомогли', 'uk'))).toBe('negative');
  });

  it('reads a sarcastic "ну спасибо" as blame', () => {
    expect(labelOf(caller('Ну спасибо, очень помогли'))).toBe('negative');
    expect(labelOf(caller('Ну дзякуй, вельмі дапамаглі', 'be'))).toBe('negative');
    // With a pause after "ну" it is an ordinary goodbye.
    expect(labelOf(caller('Ну, спасибо, до свидания'))).toBe('neutral');
  });

  it('copes with what a recogniser writes: case, ё, Latin look-alikes inside Cyrillic words', () => {
    expect(scoreOf(caller('УЖАСНО'))).toBe(scoreOf(caller('ужасно')));
    expect(scoreOf(caller('Всё отлично'))).toBe(scoreOf(caller('Все отлично')));
    // "нe" with a Latin e, "дoвoлен" with Latin o.
    expect(scoreOf(caller('Я нe дoвoлен'))).toBe(scoreOf(caller('Я не доволен')));
  });

  it('puts labels on the thresholds and keeps the score in −1…+1 whatever the text', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            speaker: fc.constantFrom<Speaker>('agent', 'caller'),
            text: fc.oneof(
              fc.string(),
              fc
                .array(
                  fc.constantFrom('не', 'очень', 'ужасно', 'спасибо', 'ну', 'но', '!', ',', 'жалоб', 'нет', 'дуже'),
                  {
                    maxLength: 12,
                  },
                )
                .map((words) => words.join(' ')),
            ),
            language: fc.constantFrom<TranscriptLanguage>('ru', 'uk', 'be', 'en'),
          }),
          { maxLength: 8 },
        ),
        (lines) => {
          const sentiment = scoreCallSentiment(lines, false);
          if (!lines.some((line) => line.text.trim() !== '')) return sentiment === null;
          if (!sentiment) return false;
          const expected =
            sentiment.score >= POSITIVE_MIN_SCORE
              ? 'positive'
              : sentiment.score <= NEGATIVE_MAX_SCORE
                ? 'negative'
                : 'neutral';
          return sentiment.score >= -1 && sentiment.score <= 1 && sentiment.label === expected;
        },
      ),
    );
  });
});
