import { AUDIO_SAMPLE_RATE_HZ, type Topic } from '@earshot/shared';
import { deriveSeed, Rng } from '../random.js';
import type { Phrase, PhraseBook, PhraseLanguage, Speaker } from './phrases.js';

/*
 * The pure dialogue model of one talking call: who says which phrase when, on the call's audio timeline
 * (milliseconds since the call was answered, where audio frame 0 starts). Natural turn-taking: the agent
 * greets, the caller states the problem, questions and answers follow with short pauses and now and then a
 * short overlap; about one call in five has a "hanging question" (the agent cannot find the answer and the
 * line goes quiet for 10-25 s, while the agent either works in the CRM or sits stuck: see `hangingSilenceAt`).
 * Each call has a caller language (mostly Russian, some Belarusian and Ukrainian: the caller's phrases are
 * in it where the fixtures have it, the agent speaks Russian) and a mood (mostly neutral; a negative caller
 * complains and is displeased, a positive one praises and thanks warmly), so the transcripts carry the
 * distribution the sentiment scorer should find. Holds, transfers and the end of the call come from the
 * call's real events: told ahead (the driver looks a few seconds into the model), the dialogue winds up
 * before them ("I'll put you on hold", "Thank you for calling, goodbye"); told late, it is simply cut off.
 *
 * Same seed, call id, topic and events: the same schedule, whatever the order in which the clock advances.
 */

/** Ordinary pause between turns. */
export const TURN_GAP_MIN_MS = 300;
export const TURN_GAP_MAX_MS = 1_500;
/** Share of turn changes where the next speaker starts before the other has finished. */
export const OVERLAP_CHANCE = 0.08;
const OVERLAP_MIN_MS = 100;
const OVERLAP_MAX_MS = 400;
/** The agent looking something up: a pause longer than a turn gap, well short of a long silence. */
const WORKING_PAUSE_MIN_MS = 2_000;
const WORKING_PAUSE_MAX_MS = 5_000;
/** Share of calls with a hanging question, and how long the line stays quiet. */
export const HANGING_QUESTION_CHANCE = 0.2;
export const LONG_SILENCE_MIN_MS = 10_000;
export const LONG_SILENCE_MAX_MS = 25_000;
/**
 * Share of hanging questions during which the agent works in the CRM (the screen changes: a knowledge-base
 * search); in the others the agent is stuck and the screen stands still.
 */
export const HANGING_SCREEN_WORKING_CHANCE = 0.5;
/** The callers' moods, from the source material: 85 % neutral, 8 % positive, 7 % negative. */
export const MOOD_SHARES = { neutral: 0.85, positive: 0.08, negative: 0.07 } as const;
export type CallMood = keyof typeof MOOD_SHARES;
/** The callers' languages: a Belarusian operator's line, mostly Russian-speaking. */
export const CALLER_LANGUAGE_SHARES: Readonly<Record<PhraseLanguage, number>> = { ru: 0.8, be: 0.12, uk: 0.08 };
/** After an answer, a caller with a mood voices it (pleased, displeased) with this chance; always after the first. */
const MOOD_REACTION_CHANCE = 0.5;
/** Share of holds with music on the caller's side (the rest are silent). */
export const HOLD_MUSIC_CHANCE = 0.75;
/** Gap between the last phrase before a hold, transfer or hang-up and the event itself. */
const WIND_UP_MARGIN_MS = 300;
/** An end this much sooner than expected replaces the expected one (otherwise timers are just early). */
const EARLY_END_TOLERANCE_MS = 1_000;
/** Gap between the phrases of a wind-up (they are placed together, ending just before the event). */
const WIND_UP_GAP_MS = 400;
/** The same speaker going on: a breath at least. */
const SAME_SPEAKER_GAP_MIN_MS = 250;
/** Share of callers who start with "Hello?" before their problem; agents greeting in Belarusian. */
const CALLER_HELLO_CHANCE = 0.3;
const BELARUSIAN_GREETING_CHANCE = 0.15;
const SAMPLES_PER_MS = AUDIO_SAMPLE_RATE_HZ / 1000;

export interface Utterance {
  speaker: Speaker;
  phraseId: string;
  text: string;
  language: PhraseLanguage;
  /** Milliseconds since the call's audio started (frame 0 at the answer). */
  startMs: number;
  endMs: number;
  /** Cut off by a hold, a transfer or the end of the call that came sooner than the dialogue knew. */
  truncated: boolean;
}

export interface HoldSpan {
  startMs: number;
  /** null while the hold lasts. */
  endMs: number | null;
  /** Music on the caller's side; otherwise silence. */
  music: boolean;
}

/**
 * A hanging question's silence on the call's audio timeline, and what the agent's screen does meanwhile:
 * `working` (it changes: the agent searches the knowledge base) or `stuck` (it stands still).
 */
export interface HangingSilence {
  startMs: number;
  endMs: number;
  screen: 'working' | 'stuck';
}

/** A call event the dialogue has to meet, at its time on the audio timeline. */
export type CallBoundary =
  | { kind: 'hold'; atMs: number }
  | { kind: 'resume'; atMs: number }
  | { kind: 'transfer'; atMs: number }
  | { kind: 'end'; atMs: number; lastWord: Speaker };

export interface DialogueOptions {
  seed: number;
  callId: string;
  topic: Topic;
  phrases: PhraseBook;
}

interface Turn {
  speaker: Speaker;
  phrase: Phrase;
  /** Pause before the turn, from the end of the previous one; negative for an overlap. */
  gapMs: number;
  /** Fixed start (the phrases of a wind-up, placed to end just before their event). */
  atMs?: number;
  /** The turn that ends a hanging question's silence. */
  hanging?: boolean;
}

/** 32-bit FNV-1a over the call id, so each call's dialogue draws from its own stream. */
function hashCallId(callId: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < callId.length; i++) {
    hash ^= callId.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

export class CallDialogue {
  readonly callId: string;
  readonly topic: Topic;
  private readonly book: PhraseBook;
  /** Script (words and pauses) and hold choices draw from separate streams, so one cannot shift the other. */
  private readonly scriptRng: Rng;
  private readonly holdRng: Rng;
  private readonly committed: Utterance[] = [];
  private readonly holdSpans: HoldSpan[] = [];
  private readonly boundaries: CallBoundary[] = [];
  private nextBoundary = 0;
  /** Boundary index whose wind-up was already planned (or found not to fit). */
  private preparedFor = -1;
  private windUp: Turn[] = [];
  /** Script turns drawn but not yet said. */
  private readonly script: Turn[] = [];
  private exchange = 0;
  /** The exchange in which the agent gets stuck (a hanging question), or -1. */
  private readonly hangingExchange: number;
  private readonly problem: Phrase;
  private readonly greetingLanguage: PhraseLanguage;
  /** The caller's language: their phrases are in it where the fixtures have a variant. */
  readonly callerLanguage: PhraseLanguage;
  readonly mood: CallMood;
  private readonly hangingScreen: HangingSilence['screen'];
  private readonly hangingSpans: HangingSilence[] = [];
  /** Mood, language and screen draws: a stream of their own, so the script's draws stay as they were. */
  private readonly traitsRng: Rng;
  private phase: 'talk' | 'hold' | 'ended' = 'talk';
  /** End of the last utterance (or the moment talk resumed); the next pause counts from here. */
  private cursorMs = 0;
  private lastSpeaker: Speaker | null = null;
  /** Utterances not yet reported finished, by index into `committed`. */
  private unreported: number[] = [];

  constructor(options: DialogueOptions) {
    this.callId = options.callId;
    this.topic = options.topic;
    this.book = options.phrases;
    const callSeed = deriveSeed(options.seed, hashCallId(options.callId));
    this.scriptRng = new Rng(deriveSeed(callSeed, 1));
    this.holdRng = new Rng(deriveSeed(callSeed, 2));
    this.traitsRng = new Rng(deriveSeed(callSeed, 3));
    this.mood = this.traitsRng.weighted(MOOD_SHARES);
    this.callerLanguage = this.traitsRng.weighted(CALLER_LANGUAGE_SHARES);
    this.hangingScreen = this.traitsRng.chance(HANGING_SCREEN_WORKING_CHANCE) ? 'working' : 'stuck';
    const rng = this.scriptRng;
    this.hangingExchange = rng.chance(HANGING_QUESTION_CHANCE) ? rng.int(0, 1) : -1;
    const problems = this.find('caller', 'problem', options.topic);
    const own = problems.filter((p) => p.language === this.callerLanguage);
    const russian = problems.filter((p) => p.language === 'ru');
    this.problem = rng.pick(own.length > 0 ? own : russian.length > 0 ? russian : problems);
    this.greetingLanguage = rng.chance(BELARUSIAN_GREETING_CHANCE) ? 'be' : 'ru';
    this.openingTurns();
  }

  /**
   * A call event the dialogue will meet at `atMs`, in the order they happen. Told early enough (a few
   * seconds), the conversation winds up before it; told late, talk in progress is cut off.
   */
  expect(boundary: CallBoundary): void {
    const last = this.boundaries[this.boundaries.length - 1];
    if (last && boundary.atMs < last.atMs) {
      throw new Error(
        `call ${this.callId}: ${boundary.kind} at ${boundary.atMs} ms comes before ${last.kind} at ${last.atMs} ms`,
      );
    }
    if (last?.kind === 'end') throw new Error(`call ${this.callId}: ${boundary.kind} after the end of the call`);
    this.boundaries.push({ ...boundary, atMs: Math.max(0, Math.round(boundary.atMs)) });
  }

  /**
   * Plans every utterance that starts before `untilMs` and applies the events up to then; returns the
   * utterances that finished by `untilMs` (each once, in the order they ended).
   */
  advance(untilMs: number): Utterance[] {
    this.plan(untilMs);
    const finished: Utterance[] = [];
    const still: number[] = [];
    for (const index of this.unreported) {
      const utterance = this.committed[index] as Utterance;
      if (utterance.endMs <= untilMs) finished.push(utterance);
      else still.push(index);
    }
    this.unreported = still;
    return finished.sort((a, b) => a.endMs - b.endMs);
  }

  /**
   * Ends the dialogue: at its expected end, or at `atMs` when no end was expected or the call ended
   * sooner than expected (a call given up on). Returns the utterances that finished since the last advance.
   */
  close(atMs: number): Utterance[] {
    const foreseen = this.boundaries.find((b) => b.kind === 'end');
    if (this.phase !== 'ended' && (!foreseen || atMs < foreseen.atMs - EARLY_END_TOLERANCE_MS)) {
      const endAtMs = Math.max(Math.round(atMs), this.boundaries[this.nextBoundary - 1]?.atMs ?? 0);
      // Events that were to come after this end never will.
      const still = this.boundaries.slice(this.nextBoundary).filter((b) => b.kind !== 'end' && b.atMs <= endAtMs);
      this.boundaries.splice(this.nextBoundary, Number.POSITIVE_INFINITY, ...still, {
        kind: 'end',
        atMs: endAtMs,
        lastWord: foreseen?.kind === 'end' ? foreseen.lastWord : 'caller',
      });
      if (this.preparedFor >= this.nextBoundary) this.preparedFor = -1;
      this.windUp = [];
    }
    const end = this.boundaries.find((b) => b.kind === 'end');
    return this.advance(end?.atMs ?? atMs);
  }

  /** Everything said so far (started before the last `advance`), in order of start. */
  utterances(): readonly Utterance[] {
    return this.committed;
  }

  holds(): readonly HoldSpan[] {
    return this.holdSpans;
  }

  get ended(): boolean {
    return this.phase === 'ended';
  }

  /**
   * The hanging question's silence that `atMs` falls in (as far as the dialogue has been advanced), or null.
   * Known from its first moment: the screen simulation asks while the line is quiet.
   */
  hangingSilenceAt(atMs: number): HangingSilence | null {
    for (const span of this.hangingSpans) if (atMs >= span.startMs && atMs < span.endMs) return span;
    const pending = this.script[0];
    if (this.phase !== 'talk' || this.windUp.length > 0 || !pending?.hanging) return null;
    const startMs = this.cursorMs;
    const endMs = Math.min(this.startOf(pending), this.boundaries[this.nextBoundary]?.atMs ?? Number.POSITIVE_INFINITY);
    return atMs >= startMs && atMs < endMs ? { startMs, endMs, screen: this.hangingScreen } : null;
  }

  /** The hanging questions' silences so far (each once its end was said). */
  hangingSilences(): readonly HangingSilence[] {
    return this.hangingSpans;
  }

  /**
   * Stretches of at least `minMs` where neither side speaks, outside holds, up to `untilMs` (or the
   * end of the call): the hanging questions the quality team looks for.
   */
  silences(minMs = LONG_SILENCE_MIN_MS, untilMs?: number): { startMs: number; endMs: number }[] {
    const end = this.boundaries.find((b) => b.kind === 'end')?.atMs;
    const limit = Math.min(untilMs ?? Number.POSITIVE_INFINITY, end ?? Number.POSITIVE_INFINITY);
    // Busy spans: speech and holds, merged in order of start.
    const busy = [
      ...this.committed.map((u) => [u.startMs, u.endMs] as const),
      ...this.holdSpans.map((h) => [h.startMs, h.endMs ?? limit] as const),
    ].sort((a, b) => a[0] - b[0]);
    const quiet: { startMs: number; endMs: number }[] = [];
    let reached = 0;
    for (const [start, stop] of busy) {
      if (start - reached >= minMs) quiet.push({ startMs: reached, endMs: start });
      reached = Math.max(reached, stop);
    }
    if (Number.isFinite(limit) && limit - reached >= minMs) quiet.push({ startMs: reached, endMs: limit });
    return quiet;
  }

  /**
   * Fills `out` (AUDIO_SAMPLES_PER_FRAME × 2 bytes, interleaved agent, caller) with the µ-law samples of
   * the 20 ms frame starting at `startSample`. The dialogue must have been advanced past the frame's end.
   */
  renderInterleaved(startSample: number, out: Uint8Array, music: Uint8Array): void {
    out.fill(MULAW_SILENCE);
    const samples = out.length / 2;
    const frameEnd = startSample + samples;
    for (const hold of this.holdSpans) {
      if (!hold.music) continue;
      const from = Math.max(startSample, hold.startMs * SAMPLES_PER_MS);
      const to = Math.min(frameEnd, hold.endMs === null ? frameEnd : hold.endMs * SAMPLES_PER_MS);
      const holdStart = hold.startMs * SAMPLES_PER_MS;
      for (let s = from; s < to; s++) out[(s - startSample) * 2 + 1] = music[(s - holdStart) % music.length] as number;
    }
    // Only the last few utterances can reach into the frame: walk back from the newest.
    for (let i = this.committed.length - 1; i >= 0; i--) {
      const utterance = this.committed[i] as Utterance;
      const uStart = utterance.startMs * SAMPLES_PER_MS;
      const uEnd = utterance.endMs * SAMPLES_PER_MS;
      if (uEnd <= startSample) {
        // Starts are in order and no utterance lasts longer than a phrase; far enough back, stop.
        if (uStart + MAX_PHRASE_SAMPLES < startSample) break;
        continue;
      }
      if (uStart >= frameEnd) continue;
      const audio = this.book.byId(utterance.phraseId).audio;
      const side = utterance.speaker === 'agent' ? 0 : 1;
      const from = Math.max(startSample, uStart);
      const to = Math.min(frameEnd, uEnd, uStart + audio.length);
      for (let s = from; s < to; s++) out[(s - startSample) * 2 + side] = audio[s - uStart] as number;
    }
  }

  /* ------------------------------------------------------------ planning ------------------------------------------------------------ */

  private plan(untilMs: number): void {
    for (;;) {
      if (this.phase === 'ended') return;
      const boundary = this.boundaries[this.nextBoundary];
      if (this.phase === 'hold') {
        if (!boundary || boundary.atMs > untilMs) return;
        this.apply(boundary);
        continue;
      }
      const next = this.nextTurn(boundary);
      const startMs = next?.startMs ?? Number.POSITIVE_INFINITY;
      if (boundary && boundary.atMs <= startMs) {
        if (boundary.atMs > untilMs) return;
        this.apply(boundary);
        continue;
      }
      if (!next || startMs > untilMs) return;
      this.say(next.turn, startMs);
    }
  }

  /** The next thing to say and when, or null when nothing more is said before the coming event. */
  private nextTurn(boundary: CallBoundary | undefined): { turn: Turn; startMs: number } | null {
    const pending = this.windUp[0];
    if (pending) return { turn: pending, startMs: pending.atMs ?? this.startOf(pending) };
    if (boundary && this.preparedFor === this.nextBoundary) return null;
    const turn = this.peekScript();
    const startMs = this.startOf(turn);
    if (boundary && boundary.kind !== 'resume') {
      const phrases = this.windUpPhrases(boundary);
      const windUpMs = phrases.reduce((sum, p) => sum + p.durationMs + WIND_UP_GAP_MS, 0);
      // Saying this turn would leave no room to wind up before the event: wind up now instead.
      if (startMs + turn.phrase.durationMs + windUpMs + WIND_UP_MARGIN_MS >= boundary.atMs) {
        this.preparedFor = this.nextBoundary;
        this.windUp = this.placeWindUp(phrases, boundary.atMs);
        const first = this.windUp[0];
        return first ? { turn: first, startMs: first.atMs as number } : null;
      }
    }
    return { turn, startMs };
  }

  private startOf(turn: Turn): number {
    // No overlap with oneself, nor with the silence of a hold or a transfer just ended.
    const gap =
      this.lastSpeaker === null
        ? Math.max(TURN_GAP_MIN_MS, turn.gapMs)
        : turn.speaker === this.lastSpeaker
          ? Math.max(SAME_SPEAKER_GAP_MIN_MS, turn.gapMs)
          : turn.gapMs;
    const lastStart = this.committed[this.committed.length - 1]?.startMs ?? 0;
    // An overlap never starts before the other speaker's turn has begun.
    return Math.max(lastStart + 1, Math.round(this.cursorMs + gap));
  }

  /** Fits the wind-up between the last word and the event, dropping its first phrases if time is short. */
  private placeWindUp(phrases: Phrase[], eventAtMs: number): Turn[] {
    const earliest = Math.max(this.cursorMs, this.committed[this.committed.length - 1]?.endMs ?? 0) + TURN_GAP_MIN_MS;
    let chosen = phrases;
    const total = (list: Phrase[]) =>
      list.reduce((sum, p) => sum + p.durationMs, 0) + WIND_UP_GAP_MS * Math.max(0, list.length - 1);
    while (chosen.length > 0 && earliest + total(chosen) + WIND_UP_MARGIN_MS > eventAtMs) chosen = chosen.slice(1);
    let at = eventAtMs - WIND_UP_MARGIN_MS - total(chosen);
    return chosen.map((phrase) => {
      const turn: Turn = { speaker: phrase.speaker, phrase, gapMs: 0, atMs: at };
      at += phrase.durationMs + WIND_UP_GAP_MS;
      return turn;
    });
  }

  private windUpPhrases(boundary: CallBoundary): Phrase[] {
    switch (boundary.kind) {
      case 'hold':
        return [this.book.byId('agent_hold')];
      case 'transfer':
        return [this.book.byId('agent_transfer')];
      case 'end': {
        const closing = this.book.byId(this.greetingLanguage === 'be' ? 'agent_closing_be' : 'agent_closing');
        const bye = this.callerPhrase(this.mood === 'positive' ? 'caller_thanks_warm' : 'caller_bye');
        const offer = [this.book.byId('agent_anything_else'), this.callerPhrase('caller_no_thanks')];
        return boundary.lastWord === 'caller' ? [...offer, closing, bye] : [...offer, bye, closing];
      }
      case 'resume':
        return [];
    }
  }

  private say(turn: Turn, startMs: number): void {
    if (this.windUp[0] === turn) this.windUp.shift();
    else this.script.shift();
    if (turn.hanging) this.hangingSpans.push({ startMs: this.cursorMs, endMs: startMs, screen: this.hangingScreen });
    const endMs = startMs + turn.phrase.durationMs;
    this.committed.push({
      speaker: turn.speaker,
      phraseId: turn.phrase.id,
      text: turn.phrase.text,
      language: turn.phrase.language,
      startMs,
      endMs,
      truncated: false,
    });
    this.unreported.push(this.committed.length - 1);
    this.cursorMs = Math.max(this.cursorMs, endMs);
    this.lastSpeaker = turn.speaker;
  }

  private apply(boundary: CallBoundary): void {
    this.nextBoundary += 1;
    this.windUp = [];
    for (const utterance of this.committed) {
      if (utterance.endMs > boundary.atMs) {
        utterance.endMs = Math.max(utterance.startMs, boundary.atMs);
        utterance.truncated = true;
      }
    }
    const openHold = this.holdSpans[this.holdSpans.length - 1];
    if (openHold && openHold.endMs === null && boundary.kind !== 'hold') openHold.endMs = boundary.atMs;
    this.cursorMs = boundary.atMs;
    this.lastSpeaker = null;
    switch (boundary.kind) {
      case 'hold':
        this.phase = 'hold';
        if (!openHold || openHold.endMs !== null) {
          this.holdSpans.push({ startMs: boundary.atMs, endMs: null, music: this.holdRng.chance(HOLD_MUSIC_CHANCE) });
        }
        return;
      case 'resume':
        this.phase = 'talk';
        this.script.unshift(this.turn('agent', this.book.byId('agent_thanks_for_waiting'), this.pause()));
        return;
      case 'transfer':
        this.phase = 'talk';
        // The colleague picks up and the caller explains again.
        this.script.unshift(
          this.turn('agent', this.book.byId('agent_greeting_second_line'), this.pause()),
          this.turn('caller', this.problem, this.pause()),
        );
        return;
      case 'end':
        this.phase = 'ended';
        return;
    }
  }

  /* ------------------------------------------------------------- script ------------------------------------------------------------- */

  private peekScript(): Turn {
    while (this.script.length === 0) this.nextExchange();
    return this.script[0] as Turn;
  }

  private openingTurns(): void {
    const rng = this.scriptRng;
    const greetings = this.find('agent', 'greeting').filter((p) => p.language === this.greetingLanguage);
    this.script.push(this.turn('agent', rng.pick(greetings), rng.uniform(200, 800)));
    if (rng.chance(CALLER_HELLO_CHANCE))
      this.script.push(this.turn('caller', this.callerPhrase('caller_hello'), this.pause()));
    this.script.push(this.turn('caller', this.problem, this.pause()));
    // An unhappy caller says so straight away (the third call about it, say).
    if (this.mood === 'negative')
      this.script.push(this.turn('caller', this.callerPhrase('caller_complaint'), this.pause()));
  }

  /** One round: the agent asks or acknowledges, looks it up (sometimes getting stuck), answers; the caller reacts. */
  private nextExchange(): void {
    const rng = this.scriptRng;
    const exchange = this.exchange++;
    // `hanging`: this turn ends a hanging question's silence.
    const agent = (id: string, gapMs = this.pause(), hanging = false) =>
      this.script.push({ ...this.turn('agent', this.book.byId(id), gapMs), hanging });
    const caller = (id: string, gapMs = this.pause(), hanging = false) =>
      this.script.push({ ...this.turn('caller', this.callerPhrase(id), gapMs), hanging });
    if (exchange === 0 || rng.chance(0.4)) {
      if (rng.chance(0.5)) {
        agent('agent_ask_number');
        caller('caller_number');
      } else {
        agent('agent_ask_since');
        caller('caller_since');
      }
    } else if (rng.chance(0.5)) {
      caller('caller_how_much');
    }
    agent(rng.chance(0.5) ? 'agent_one_minute' : 'agent_understood');
    if (exchange === this.hangingExchange) {
      // The hanging question: the agent cannot find the answer, and nobody speaks for a long while.
      const silenceMs = rng.uniform(LONG_SILENCE_MIN_MS, LONG_SILENCE_MAX_MS);
      if (rng.chance(0.5)) {
        caller('caller_are_you_there', silenceMs, true);
        agent('agent_sorry_pause');
      } else {
        agent('agent_sorry_pause', silenceMs, true);
      }
      agent(this.answerFor(), this.pause());
    } else {
      agent(this.answerFor(), rng.uniform(WORKING_PAUSE_MIN_MS, WORKING_PAUSE_MAX_MS));
    }
    const reaction = rng.chance(0.7) ? 'caller_ok' : 'caller_how_much';
    const voicesMood = this.mood !== 'neutral' && (exchange === 0 || this.traitsRng.chance(MOOD_REACTION_CHANCE));
    caller(voicesMood ? (this.mood === 'positive' ? 'caller_pleased' : 'caller_displeased') : reaction);
  }

  /** The caller's phrase in their language when the fixtures have it (`<id>_uk`, `<id>_be`), else the Russian one. */
  private callerPhrase(id: string): Phrase {
    return (
      (this.callerLanguage === 'ru' ? undefined : this.book.get(`${id}_${this.callerLanguage}`)) ?? this.book.byId(id)
    );
  }

  private answerFor(): string {
    const own = this.find('agent', 'answer', this.topic);
    const general = this.find('agent', 'answer').filter((p) => p.topic === null);
    const pool = own.length > 0 && !this.scriptRng.chance(0.15) ? own : general.length > 0 ? general : own;
    return this.scriptRng.pick(pool).id;
  }

  /** A pause between turns, now and then an overlap. */
  private pause(): number {
    const rng = this.scriptRng;
    if (rng.chance(OVERLAP_CHANCE)) return -rng.uniform(OVERLAP_MIN_MS, OVERLAP_MAX_MS);
    return rng.uniform(TURN_GAP_MIN_MS, TURN_GAP_MAX_MS);
  }

  private turn(speaker: Speaker, phrase: Phrase, gapMs: number): Turn {
    return { speaker, phrase, gapMs };
  }

  private find(speaker: Speaker, role: Phrase['role'], topic?: Topic): Phrase[] {
    const found = this.book.all.filter(
      (p) => p.speaker === speaker && p.role === role && (topic === undefined || p.topic === topic),
    );
    if (found.length === 0)
      throw new Error(`the speech fixtures have no ${speaker} ${role} phrase${topic ? ` for ${topic}` : ''}`);
    return found;
  }
}

/** µ-law byte of a zero sample. */
export const MULAW_SILENCE = 0xff;
/** No fixture is longer than this (checked against the book in tests); bounds the backwards search. */
const MAX_PHRASE_SAMPLES = 10 * AUDIO_SAMPLE_RATE_HZ;
