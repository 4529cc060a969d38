import type { Line, Topic } from '@earshot/shared';
import { Rng } from './random.js';

export interface SimAgent {
  id: string;
  name: string;
}

const FEMALE_FIRST_NAMES = [
  'Алена',
  'Анастасия',
  'Ольга',
  'Наталья',
  'Екатерина',
  'Юлия',
  'Татьяна',
  'Ирина',
  'Мария',
  'Дарья',
  'Светлана',
  'Виктория',
  'Анна',
  'Ксения',
  'Елена',
  'Марина',
  'Людмила',
  'Вероника',
  'Кристина',
  'Полина',
  'Валерия',
  'Янина',
] as const;

const MALE_FIRST_NAMES = [
  'Дмитрий',
  'Александр',
  'Сергей',
  'Андрей',
  'Алексей',
  'Максим',
  'Павел',
  'Артем',
  'Евгений',
  'Владимир',
  'Никита',
  'Игорь',
  'Денис',
  'Олег',
  'Илья',
  'Кирилл',
  'Вадим',
  'Юрий',
] as const;

/** [masculine, feminine] forms; Belarusian surnames in -ич, -ук, -енко and the like do not change. */
const SURNAMES: readonly (readonly [string, string])[] = [
  ['Ковалев', 'Ковалева'],
  ['Новиков', 'Новикова'],
  ['Козлов', 'Козлова'],
  ['Лебедев', 'Лебедева'],
  ['Морозов', 'Морозова'],
  ['Волков', 'Волкова'],
  ['Соколов', 'Соколова'],
  ['Петров', 'Петрова'],
  ['Гончаров', 'Гончарова'],
  ['Кузнецов', 'Кузнецова'],
  ['Василевский', 'Василевская'],
  ['Янковский', 'Янковская'],
  ['Жуковский', 'Жуковская'],
  ['Савицкий', 'Савицкая'],
  ['Жук', 'Жук'],
  ['Климович', 'Климович'],
  ['Макаревич', 'Макаревич'],
  ['Лукашевич', 'Лукашевич'],
  ['Романович', 'Романович'],
  ['Михалевич', 'Михалевич'],
  ['Карпович', 'Карпович'],
  ['Грицевич', 'Грицевич'],
  ['Бабич', 'Бабич'],
  ['Кузьмич', 'Кузьмич'],
  ['Кравченко', 'Кравченко'],
  ['Бондаренко', 'Бондаренко'],
  ['Сидоренко', 'Сидоренко'],
  ['Шевчук', 'Шевчук'],
  ['Ковальчук', 'Ковальчук'],
  ['Ткачук', 'Ткачук'],
  ['Мельник', 'Мельник'],
  ['Козел', 'Козел'],
];

/** Most contact-centre agents are women (and callers prefer a female voice, says the seed document). */
const FEMALE_AGENT_SHARE = 0.7;

/** The agent pool is the same people whatever the run's seed, so agent-007 is always the same person. */
const AGENT_POOL_SEED = 0x0e4a_5407;

/** The largest pool; there are about 1,300 distinct names to draw from, so names stay unique. */
export const MAX_AGENTS = 1_000;

/** Builds `count` agents with distinct realistic names and ids agent-001, agent-002, ... */
export function createAgentPool(count: number): SimAgent[] {
  if (!Number.isInteger(count) || count < 1 || count > MAX_AGENTS) {
    throw new Error(`agent count must be an integer from 1 to ${MAX_AGENTS}, got ${count}`);
  }
  const rng = new Rng(AGENT_POOL_SEED);
  const width = Math.max(3, String(count).length);
  const taken = new Set<string>();
  const agents: SimAgent[] = [];
  while (agents.length < count) {
    const female = rng.chance(FEMALE_AGENT_SHARE);
    const first = female ? rng.pick(FEMALE_FIRST_NAMES) : rng.pick(MALE_FIRST_NAMES);
    const [masculine, feminine] = rng.pick(SURNAMES);
    const name = `${first} ${female ? feminine : masculine}`;
    if (taken.has(name)) continue;
    taken.add(name);
    agents.push({ id: `agent-${String(agents.length + 1).padStart(width, '0')}`, name });
  }
  return agents;
}

/**
 * Which line a caller dials. The short numbers are free from the operator's own mobiles and take most of
 * the traffic; the city number serves other operators and landlines; the +375 29 number is for abroad.
 */
export const LINE_WEIGHTS: Readonly<Record<Line, number>> = {
  '0890': 0.58,
  '*7777': 0.22,
  '8 017 237-98-98': 0.15,
  '+375 29 7770890': 0.05,
};

const SUBSCRIBER_TOPIC_WEIGHTS: Readonly<Record<Topic, number>> = {
  billing: 24,
  tariffs: 20,
  technical: 20,
  mobile_internet: 20,
  roaming: 1.5,
  other: 12,
};

/** The city number: often not yet subscribers (asking about tariffs) or calling from a landline. */
const CITY_LINE_TOPIC_WEIGHTS: Readonly<Record<Topic, number>> = {
  billing: 15,
  tariffs: 35,
  technical: 10,
  mobile_internet: 10,
  roaming: 2,
  other: 25,
};

/** Calls from abroad are mostly subscribers in roaming. */
const ABROAD_LINE_TOPIC_WEIGHTS: Readonly<Record<Topic, number>> = {
  billing: 10,
  tariffs: 3,
  technical: 5,
  mobile_internet: 12,
  roaming: 67,
  other: 3,
};

export function topicWeightsFor(line: Line): Readonly<Record<Topic, number>> {
  if (line === '8 017 237-98-98') return CITY_LINE_TOPIC_WEIGHTS;
  if (line === '+375 29 7770890') return ABROAD_LINE_TOPIC_WEIGHTS;
  return SUBSCRIBER_TOPIC_WEIGHTS;
}

function digits(rng: Rng, count: number): string {
  let text = '';
  for (let i = 0; i < count; i++) text += String(rng.int(0, 9));
  return text;
}

/** A Belarusian mobile number such as +375 29 612-34-56 (subscriber numbers never start with 0). */
function mobileNumber(rng: Rng, operatorCode: string): string {
  const subscriber = String(rng.int(1, 9)) + digits(rng, 6);
  return `+375 ${operatorCode} ${subscriber.slice(0, 3)}-${subscriber.slice(3, 5)}-${subscriber.slice(5)}`;
}

/** A landline: Minsk (17, seven digits) or a regional centre (three-digit code, six digits). */
function landlineNumber(rng: Rng): string {
  if (rng.chance(0.65)) {
    const subscriber = String(rng.int(2, 3)) + digits(rng, 6);
    return `+375 17 ${subscriber.slice(0, 3)}-${subscriber.slice(3, 5)}-${subscriber.slice(5)}`;
  }
  const regionCode = rng.pick(['162', '152', '212', '222', '232'] as const);
  const subscriber = String(rng.int(2, 7)) + digits(rng, 5);
  return `+375 ${regionCode} ${subscriber.slice(0, 2)}-${subscriber.slice(2, 4)}-${subscriber.slice(4)}`;
}

/** A foreign number: someone calling the abroad line from a local SIM. */
function foreignNumber(rng: Rng): string {
  const country = rng.weighted({ ru: 45, pl: 20, lt: 15, de: 10, tr: 10 });
  switch (country) {
    case 'ru':
      return `+7 9${digits(rng, 2)} ${digits(rng, 3)}-${digits(rng, 2)}-${digits(rng, 2)}`;
    case 'pl':
      return `+48 5${digits(rng, 2)} ${digits(rng, 3)} ${digits(rng, 3)}`;
    case 'lt':
      return `+370 6${digits(rng, 2)} ${digits(rng, 5)}`;
    case 'de':
      return `+49 15${digits(rng, 1)} ${digits(rng, 8)}`;
    case 'tr':
      return `+90 5${digits(rng, 2)} ${digits(rng, 3)} ${digits(rng, 2)} ${digits(rng, 2)}`;
  }
}

/**
 * A caller number that fits the line: the short numbers are reachable only from the operator's own
 * mobiles (+375 29 / 33), the city number from other operators (+375 44 / 25) and landlines, the abroad
 * number mostly from the operator's subscribers in roaming and sometimes from a foreign SIM.
 */
export function callerNumberFor(rng: Rng, line: Line): string {
  switch (line) {
    case '0890':
    case '*7777':
      return mobileNumber(rng, rng.chance(0.6) ? '29' : '33');
    case '8 017 237-98-98': {
      const kind = rng.weighted({ velcom: 40, life: 25, landline: 35 });
      if (kind === 'landline') return landlineNumber(rng);
      return mobileNumber(rng, kind === 'velcom' ? '44' : '25');
    }
    case '+375 29 7770890':
      return rng.chance(0.8) ? mobileNumber(rng, rng.chance(0.6) ? '29' : '33') : foreignNumber(rng);
  }
}
