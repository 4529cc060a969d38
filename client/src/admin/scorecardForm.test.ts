import { DEFAULT_SCORECARD } from '@earshot/shared';
import { describe, expect, it } from 'vitest';
import {
  move,
  nameNewQuestions,
  newQuestion,
  newSection,
  questionIdFor,
  scorecardProblems,
  takenIds,
} from './scorecardForm.js';

describe('scorecard editor', () => {
  it('makes question ids from the text, unique in the card', () => {
    expect(questionIdFor('Offered further help before closing', new Set())).toBe('offered_further_help_before');
    expect(questionIdFor('Greeting', takenIds(DEFAULT_SCORECARD))).toBe('greeting_2');
    expect(questionIdFor('', new Set(['question']))).toBe('question_2');
    expect(questionIdFor('Приветствие', new Set())).toBe('question');
  });

  it('moves items within bounds only', () => {
    expect(move(['a', 'b', 'c'], 2, -1)).toEqual(['a', 'c', 'b']);
    expect(move(['a', 'b', 'c'], 0, -1)).toEqual(['a', 'b', 'c']);
    expect(move(['a', 'b', 'c'], 2, 1)).toEqual(['a', 'b', 'c']);
  });

  it('says where a card is wrong before the server has to', () => {
    expect(scorecardProblems(DEFAULT_SCORECARD)).toEqual([]);
    const blank = { name: ' ', sections: [...DEFAULT_SCORECARD.sections, newSection(DEFAULT_SCORECARD)] };
    const problems = scorecardProblems(blank);
    expect(problems).toContain('Name: give the scorecard a name');
    expect(problems).toContain('Section 4 title: give the section a title');
    expect(problems).toContain('Section 4, question 1: write the question');

    const twice = structuredClone(DEFAULT_SCORECARD);
    const first = twice.sections[0]?.questions[0];
    if (!first) throw new Error('the default card has questions');
    twice.sections[1]?.questions.push({ ...newQuestion(twice), id: first.id, text: 'Again' });
    expect(scorecardProblems(twice)).toEqual([
      'Section 2, question 5 (id): question id greeting is used twice; ids must be unique in a scorecard',
    ]);
  });

  it('names added questions after their text and keeps the ids answers are stored under', () => {
    const card = structuredClone(DEFAULT_SCORECARD);
    const saved = takenIds(card);
    card.sections[0]?.questions.push({ ...newQuestion(card), text: 'Used the caller name' });
    card.sections[1]?.questions.push({ ...newQuestion(card), id: 'question_2', text: 'Greeting again' });
    const named = nameNewQuestions(card, saved);
    expect(named.sections[0]?.questions.map((q) => q.id)).toEqual([
      'greeting',
      'identification',
      'used_the_caller_name',
    ]);
    expect(named.sections[1]?.questions.at(-1)?.id).toBe('greeting_again');
    expect(scorecardProblems(named)).toEqual([]);
  });
});
