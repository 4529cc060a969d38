/**
 * Transcript search benchmark: the latency of `GET /api/search`'s work (SearchService.search: query parser,
 * FTS5 query with the call join, snippets for the returned rows) over 100,000 and 1,000,000 stored segments
 * on SQLite. Target: p95 under 50 ms at one million.
 *
 * - Store: a fresh temporary DATA_DIR, the real migrations (openStore), then bulk-loaded through
 *   better-sqlite3 in transactions of BULK_ROWS rows with the same index text the server writes
 *   (searchText.indexText), so the FTS5 index is the one production builds, merged by FTS5's own automerge
 *   as inserts go (no 'optimize' afterwards: a live server does not run one either).
 * - Text: realistic contact-centre lines in Russian (70%), Belarusian (15%) and Ukrainian (15%): scripted
 *   agent phrases and caller problems with slots (tariffs, services, cities, names, amounts, phone numbers),
 *   plus words drawn from a Zipf-distributed vocabulary of inflected forms, so common words are very common
 *   (здравствуйте, интернет) and the long tail is long, as in real transcripts. About 35 lines a call.
 * - Queries: BENCH_SEARCH_QUERIES (default 400) after 30 warm-up ones, each `limit` 50, a mix of 50% single
 *   words, 25% "phrases" and 25% prefix* queries, their words sampled from generated lines (so by real
 *   frequency, what people search for exists) with some rare ones; 1 in 5 with a filter (agent, line, topic
 *   or time range). Timed around the whole service call, snippets included.
 *
 * Usage: node --import tsx bench/speechSearch.ts [sizes, e.g. 100000,1000000]. Last line: one JSON object.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { indexText, LINES, type SearchQuery, TOPICS, type TranscriptLanguage } from '@earshot/shared';
import Database from 'better-sqlite3';
import type { Logger } from '../server/src/logger.js';
import { SearchService } from '../server/src/search/searchService.js';
import { Rng } from '../server/src/simulator/random.js';
import { openStore } from '../server/src/store/openStore.js';
import { rowIdSlot } from '../server/src/transcripts/segmentRowIds.js';

const QUERIES = Number(process.env.BENCH_SEARCH_QUERIES ?? 400);
const WARM_UP_QUERIES = 30;
const BULK_ROWS = 20_000;
const LINES_PER_CALL_MEAN = 35;
const AGENTS = 300;
const SEARCH_LIMIT = 50;
const DAY_MS = 24 * 60 * 60_000;

const silentLogger: Logger = { info() {}, warn() {}, error() {} };
const round = (value: number, digits = 2) => Number(value.toFixed(digits));
const percentile = (sorted: readonly number[], p: number) =>
  sorted.length === 0
    ? Number.NaN
    : (sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0);
const sizeLabel = (size: number) =>
  size % 1_000_000 === 0 ? `${size / 1_000_000}m` : size % 1_000 === 0 ? `${size / 1_000}k` : String(size);

/* ------------------------------------------------------------ text generator ------------------------------------------------------------ */

interface LanguageBank {
  agent: string[];
  caller: string[];
  slots: Record<string, string[]>;
  /** Stems and endings: their products are the long tail of inflected forms. */
  stems: string[];
  endings: string[];
}

const RU: LanguageBank = {
  agent: [
    'Здравствуйте, служба поддержки, меня зовут {name}, слушаю вас.',
    'Назовите, пожалуйста, номер телефона.',
    'Одну минуту, проверяю информацию по вашему номеру.',
    'Спасибо за ожидание, я проверил{a} ваш лицевой счёт.',
    'У вас подключён тариф «{tariff}», абонентская плата {amount} рублей в месяц.',
    'Услуга «{service}» подключена с {date}.',
    'Я могу отключить услугу «{service}» прямо сейчас.',
    'Перезагрузите, пожалуйста, телефон и проверьте настройки {device}.',
    'В {city} сейчас проводятся плановые работы на базовой станции.',
    'Роуминг в {country} подключается автоматически, стоимость {amount} копеек за мегабайт.',
    'Я оформил{a} заявку, номер заявки {ticket}.',
    'Могу я вам ещё чем-нибудь помочь?',
    'Вам начислено сто мегабайт в качестве компенсации.',
    'Оставайтесь на линии, я переведу вас на специалиста второй линии.',
    'Баланс на вашем номере {amount} рублей {kop} копеек.',
    'Последнее списание было {date} за услугу «{service}».',
    'Уточните, пожалуйста, когда это началось?',
    'Спасибо за обращение, всего доброго!',
  ],
  caller: [
    'Здравствуйте, у меня не работает мобильный интернет.',
    'Добрый день, хочу узнать баланс.',
    'У меня списали {amount} рублей, а я ничего не подключал{a}.',
    'Я не могу подключить роуминг, сейчас нахожусь в {country}.',
    'Мой номер {phone}.',
    'Почему у меня такая плата за тариф «{tariff}»?',
    'Интернет очень медленный уже {num} дня, в {city} вообще не ловит.',
    'Хочу перейти на тариф «{tariff}», сколько это стоит?',
    'Отключите, пожалуйста, услугу «{service}», я её не заказывал{a}.',
    'Не приходят смс с кодом от банка.',
    'Телефон {device} пишет, что нет сети.',
    'Я уже третий раз звоню по этому вопросу!',
    'Спасибо большое, вы мне очень помогли.',
    'Это ужасно, сколько можно ждать ответа.',
    'А можно как-то вернуть деньги за {date}?',
    'Хорошо, понял{a}, спасибо.',
    'Да, всё верно.',
    'Нет, такого не было.',
    'Подождите, я посмотрю в настройках.',
  ],
  slots: {
    name: ['Алёна', 'Дмитрий', 'Ольга', 'Сергей', 'Анна', 'Павел', 'Екатерина', 'Андрей', 'Наталья', 'Игорь'],
    tariff: ['Безлимит', 'Супер', 'Смарт', 'Комфорт', 'Семейный', 'Молодёжный', 'Бизнес', 'Старт', 'Максимум'],
    service: [
      'Антиспам',
      'Кто звонил',
      'Гудок',
      'Мобильная подписка',
      'Переадресация',
      'Родительский контроль',
      'Облако',
    ],
    city: [
      'Минске',
      'Гомеле',
      'Бресте',
      'Гродно',
      'Витебске',
      'Могилёве',
      'Бобруйске',
      'Барановичах',
      'Пинске',
      'Орше',
    ],
    country: ['Польше', 'Литве', 'Турции', 'Египте', 'Грузии', 'Германии', 'Италии', 'Латвии', 'Китае', 'Испании'],
    device: ['айфона', 'самсунга', 'ксиоми', 'хонора', 'модема', 'роутера', 'планшета', 'часов'],
  },
  stems: [
    'подключ',
    'отключ',
    'провер',
    'списан',
    'оплат',
    'перевод',
    'возврат',
    'начислен',
    'настро',
    'звон',
    'сообщен',
    'договор',
    'паспорт',
    'заявлен',
    'абонент',
    'оператор',
    'специалист',
    'компенсац',
    'скорост',
    'покрыти',
    'сигнал',
    'станци',
    'интернет',
    'трафик',
    'мегабайт',
    'гигабайт',
    'минут',
    'пакет',
    'тариф',
    'услуг',
    'баланс',
    'счёт',
    'номер',
    'телефон',
    'смартфон',
    'приложени',
    'личн',
    'кабинет',
    'пароль',
    'код',
    'карт',
    'банк',
    'платёж',
    'долг',
    'кредит',
    'обещан',
    'плат',
    'ошибк',
    'проблем',
    'вопрос',
    'ответ',
    'ожидан',
    'очеред',
    'жалоб',
    'претензи',
    'сервис',
    'качеств',
    'доставк',
    'замен',
    'сим',
    'есим',
    'роуминг',
    'поездк',
    'границ',
    'страна',
    'город',
    'район',
    'улиц',
    'дом',
    'квартир',
  ],
  endings: [
    '',
    'а',
    'у',
    'ом',
    'е',
    'ы',
    'ов',
    'ам',
    'ами',
    'ах',
    'ить',
    'ение',
    'ения',
    'ил',
    'ила',
    'или',
    'ен',
    'ена',
  ],
};

const BE: LanguageBank = {
  agent: [
    'Добры дзень, служба падтрымкі, мяне завуць {name}, слухаю вас.',
    'Назавіце, калі ласка, нумар тэлефона.',
    'Хвілінку, правяраю інфармацыю па вашым нумары.',
    'У вас падключаны тарыф «{tariff}», абанентская плата {amount} рублёў.',
    'Паслуга «{service}» падключана з {date}.',
    'Ці магу я вам яшчэ чымсьці дапамагчы?',
    'Дзякуй за зварот, усяго добрага!',
    'У {city} зараз ідуць планавыя работы.',
    'Я аформіў заяўку, нумар заяўкі {ticket}.',
  ],
  caller: [
    'Добры дзень, у мяне не працуе мабільны інтэрнэт.',
    'Хачу даведацца баланс.',
    'Ў мяне ўсё зламалася, тэлефон {device} не бачыць сетку.',
    'Мне спісалі {amount} рублёў, а я нічога не падключаў.',
    'Дзякуй, вы мне вельмі дапамаглі.',
    'Чаму так дорага каштуе тарыф «{tariff}»?',
    'Я ўжо трэці раз тэлефаную!',
    'Так, усё правільна.',
  ],
  slots: {
    name: ['Алёна', 'Дзмітрый', 'Вольга', 'Сяргей', 'Ганна', 'Павел', 'Кацярына', 'Андрэй'],
    tariff: ['Безлімітны', 'Супер', 'Смарт', 'Камфорт', 'Сямейны', 'Моладзевы'],
    service: ['Антыспам', 'Хто тэлефанаваў', 'Гудок', 'Пераадрасацыя', 'Воблака'],
    city: ['Мінску', 'Гомелі', 'Брэсце', 'Гродне', 'Віцебску', 'Магілёве', 'Пінску'],
    country: ['Польшчы', 'Літве', 'Турцыі', 'Грузіі'],
    device: ['айфон', 'самсунг', 'мадэм', 'роўтар', 'планшэт'],
  },
  stems: [
    'падключ',
    'адключ',
    'правер',
    'спісан',
    'аплат',
    'перавод',
    'вяртан',
    'налад',
    'званк',
    'паведамлен',
    'дамов',
    'пашпарт',
    'заяв',
    'хуткасц',
    'пакрыцц',
    'сігнал',
    'станцы',
    'трафік',
    'хвілін',
    'пакет',
    'тарыф',
    'паслуг',
    'рахун',
    'нумар',
    'тэлефон',
    'дадатк',
    'пароль',
    'картк',
    'плацеж',
    'памылк',
    'праблем',
    'пытанн',
    'адказ',
    'чаканн',
    'скарг',
    'замен',
    'ўваход',
    'ўзровен',
    'ўмов',
    'ўключэнн',
    'ёмістасц',
    'і',
    'ё',
  ],
  endings: ['', 'а', 'у', 'ам', 'е', 'ы', 'аў', 'амі', 'ах', 'ыць', 'энне', 'ў', 'ла', 'лі'],
};

const UK: LanguageBank = {
  agent: [
    'Добрий день, служба підтримки, мене звати {name}, слухаю вас.',
    'Назвіть, будь ласка, номер телефону.',
    'Хвилинку, перевіряю інформацію по вашому номеру.',
    'У вас підключено тариф «{tariff}», абонентська плата {amount} гривень.',
    'Чи можу я вам ще чимось допомогти?',
    'Дякую за звернення, гарного дня!',
    "Перевірте пам'ять телефону {device} та налаштування мережі.",
    'Я оформив заявку, номер заявки {ticket}.',
  ],
  caller: [
    'Добрий день, у мене не працює мобільний інтернет.',
    'Хочу дізнатися баланс.',
    'Мені списали {amount} гривень, а я нічого не підключав.',
    'Я їду до {country}, як підключити роумінг?',
    "Телефон {device} пише, що немає зв'язку.",
    'Дякую, ви мені дуже допомогли.',
    'Це жахливо, скільки можна чекати.',
    'Так, усе правильно, ґудзик не натискав, єдине що змінював налаштування.',
  ],
  slots: {
    name: ['Олена', 'Дмитро', 'Ольга', 'Сергій', 'Ганна', 'Павло', 'Катерина', 'Андрій'],
    tariff: ['Безліміт', 'Супер', 'Смарт', 'Комфорт', 'Сімейний', 'Молодіжний'],
    service: ['Антиспам', 'Хто дзвонив', 'Гудок', 'Переадресація'],
    city: ['Києві', 'Львові', 'Одесі', 'Харкові'],
    country: ['Польщі', 'Литви', 'Туреччини', 'Грузії'],
    device: ['айфона', 'самсунга', 'модема', 'роутера'],
  },
  stems: [
    'підключ',
    'відключ',
    'перевір',
    'списан',
    'оплат',
    'переказ',
    'повернен',
    'налаштув',
    'дзвін',
    'повідомлен',
    'договор',
    'паспорт',
    'заяв',
    'швидкіст',
    'покритт',
    'сигнал',
    'станці',
    'трафік',
    'хвилин',
    'пакет',
    'тариф',
    'послуг',
    'рахун',
    'номер',
    'телефон',
    'додат',
    'пароль',
    'картк',
    'платіж',
    'помилк',
    'пробле',
    'питанн',
    'відповід',
    'їзд',
    'єдин',
    'ґрунт',
    'скарг',
    'замін',
    "пам'ят",
    "зв'яз",
  ],
  endings: ['', 'а', 'у', 'ом', 'і', 'ів', 'ам', 'ами', 'ах', 'ити', 'ення', 'ив', 'ила', 'или'],
};

const BANKS: Record<Exclude<TranscriptLanguage, 'en'>, LanguageBank> = { ru: RU, be: BE, uk: UK };

/** Long-tail words per language: every stem × ending, in a fixed order a Zipf draw walks. */
const TAILS = Object.fromEntries(
  Object.entries(BANKS).map(([language, bank]) => {
    const words: string[] = [];
    for (const ending of bank.endings) for (const stem of bank.stems) words.push(stem + ending);
    return [language, words];
  }),
) as Record<keyof typeof BANKS, string[]>;

/** Index by a Zipf(s≈1) draw over n items: rank k with probability ∝ 1/k (inverse of the harmonic CDF, approx.). */
function zipfIndex(rng: Rng, n: number): number {
  return Math.min(n - 1, Math.floor(Math.exp(rng.next() * Math.log(n + 1)) - 1));
}

class LineGenerator {
  constructor(private readonly rng: Rng) {}

  language(): keyof typeof BANKS {
    const r = this.rng.next();
    return r < 0.7 ? 'ru' : r < 0.85 ? 'be' : 'uk';
  }

  line(language: keyof typeof BANKS, speaker: 'agent' | 'caller'): string {
    const rng = this.rng;
    const bank = BANKS[language];
    const template = rng.pick(speaker === 'agent' ? bank.agent : bank.caller);
    let text = template.replace(/\{(\w+)\}/g, (_, slot: string) => {
      switch (slot) {
        case 'a':
          return rng.chance(0.5) ? 'а' : '';
        case 'amount':
          return String(rng.int(1, 120));
        case 'kop':
          return String(rng.int(0, 99)).padStart(2, '0');
        case 'num':
          return String(rng.int(2, 9));
        case 'phone':
          return `+375 ${rng.pick(['29', '33', '44', '25'])} ${rng.int(100, 999)}-${rng.int(10, 99)}-${rng.int(10, 99)}`;
        case 'ticket':
          return String(rng.int(100_000, 999_999));
        case 'date':
          return `${rng.int(1, 28)}.${String(rng.int(1, 12)).padStart(2, '0')}`;
        default:
          return rng.pick(bank.slots[slot] ?? ['']);
      }
    });
    // Free speech around the script: a few long-tail words, more often from the caller.
    const extra = speaker === 'caller' ? rng.int(0, 8) : rng.int(0, 3);
    const tail = TAILS[language];
    if (extra > 0) {
      const words = Array.from({ length: extra }, () => tail[zipfIndex(rng, tail.length)]);
      text = `${text} ${words.join(' ')}`;
    }
    return text;
  }
}

/* ---------------------------------------------------------------- loading ---------------------------------------------------------------- */

interface Loader {
  /** Segments stored so far. */
  count: number;
  /** Calls stored so far. */
  calls: number;
  loadUntil(total: number): number;
  /** A sample of generated lines (for queries). */
  samples: { language: keyof typeof BANKS; text: string }[];
  close(): void;
}

function createLoader(filename: string, rng: Rng, startMs: number): Loader {
  const db = new Database(filename);
  db.pragma('journal_mode = WAL');
  // Loading only: a benchmark's data need not survive a power cut.
  db.pragma('synchronous = OFF');
  const insertCall = db.prepare(
    `insert into calls (id, line, caller_number, topic, state, offered_at, answered_at, ended_at, end_reason,
       agent_id, agent_name, hold_since, hold_ms, hold_count, transfer_count, last_event_at, event_count)
     values (?, ?, ?, ?, 'ended', ?, ?, ?, 'caller_hangup', ?, ?, null, 0, 0, 0, ?, 3)`,
  );
  const insertSegment = db.prepare(
    `insert into transcript_segments (id, segment_id, call_id, speaker, start_ms, end_ms, text, language, received_at)
     values (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const insertIndex = db.prepare('insert into transcript_fts (rowid, body) values (?, ?)');
  const generator = new LineGenerator(rng);
  const loader: Loader = {
    count: 0,
    calls: 0,
    samples: [],
    loadUntil(total) {
      const started = performance.now();
      const from = loader.count;
      const loadChunk = db.transaction((rows: number) => {
        let left = rows;
        while (left > 0) {
          const callId = `bench-call-${loader.calls}`;
          // Calls spread over 90 days, newest last (ids and time grow together, as in production).
          const offeredAt = startMs + loader.calls * 60_000;
          const agent = rng.int(1, AGENTS);
          const lines = Math.max(4, Math.round(rng.logNormal(LINES_PER_CALL_MEAN, 0.4)));
          const durationMs = lines * 4_000;
          insertCall.run(
            callId,
            rng.pick(LINES),
            `+375 29 ${rng.int(100, 999)}-${rng.int(10, 99)}-${rng.int(10, 99)}`,
            rng.pick(TOPICS),
            offeredAt,
            offeredAt + 20_000,
            offeredAt + 20_000 + durationMs,
            `agent-${agent}`,
            `Агент ${agent}`,
            offeredAt + 20_000 + durationMs,
          );
          loader.calls += 1;
          const language = generator.language();
          for (let i = 0; i < lines; i++) {
            const speaker = i % 2 === 0 ? 'agent' : 'caller';
            const text = generator.line(language, speaker);
            // Each call is offered in a second of its own: its segments take the first ids of that second.
            const id = rowIdSlot(offeredAt).first + i;
            insertSegment.run(
              id,
              `${callId}-${i}`,
              callId,
              speaker,
              i * 4_000,
              i * 4_000 + 3_500,
              text,
              language,
              offeredAt + i * 4_000,
            );
            insertIndex.run(id, indexText(text));
            if (loader.samples.length < 20_000 && rng.chance(0.02)) loader.samples.push({ language, text });
          }
          loader.count += lines;
          left -= lines;
        }
      });
      while (loader.count < total) loadChunk(Math.min(BULK_ROWS, total - loader.count));
      const seconds = (performance.now() - started) / 1000;
      return (loader.count - from) / seconds;
    },
    close() {
      db.pragma('wal_checkpoint(TRUNCATE)');
      db.close();
    },
  };
  return loader;
}

/* ---------------------------------------------------------------- queries ---------------------------------------------------------------- */

type QueryKind = 'word' | 'phrase' | 'prefix';

function makeQueries(
  rng: Rng,
  samples: Loader['samples'],
  count: number,
  span: { from: number; to: number },
): { kind: QueryKind; query: SearchQuery }[] {
  const words = (text: string) => text.match(/[\p{L}\p{N}'’]+/gu) ?? [];
  const out: { kind: QueryKind; query: SearchQuery }[] = [];
  while (out.length < count) {
    const sample = rng.pick(samples);
    const ws = words(sample.text);
    if (ws.length < 3) continue;
    const r = rng.next();
    const kind: QueryKind = r < 0.5 ? 'word' : r < 0.75 ? 'phrase' : 'prefix';
    const start = rng.int(0, ws.length - 2);
    let q: string;
    if (kind === 'word') {
      q = ws[start] ?? '';
      // Some searches are for two words anywhere in the line.
      if (rng.chance(0.3)) q = `${q} ${ws[rng.int(0, ws.length - 1)] ?? ''}`;
    } else if (kind === 'phrase') {
      q = `"${ws.slice(start, start + rng.int(2, 3)).join(' ')}"`;
    } else {
      const word = ws.find((w, i) => i >= start && w.length >= 5) ?? ws[start] ?? '';
      q = `${word.slice(0, Math.max(3, Math.min(word.length - 1, rng.int(3, 6))))}*`;
    }
    if (rng.chance(0.5)) q = q.toLocaleUpperCase('ru');
    const query: SearchQuery = { q, limit: SEARCH_LIMIT };
    if (rng.chance(0.2)) {
      const filter = rng.int(0, 3);
      if (filter === 0) query.agentId = `agent-${rng.int(1, AGENTS)}`;
      else if (filter === 1) query.line = rng.pick(LINES);
      else if (filter === 2) query.topic = rng.pick(TOPICS);
      else {
        const from = rng.uniform(span.from, span.to);
        Object.assign(query, { from: Math.round(from), to: Math.round(from + 7 * DAY_MS) });
      }
    }
    out.push({ kind, query });
  }
  return out;
}

/* ---------------------------------------------------------------- measure ---------------------------------------------------------------- */

/**
 * Loads `sizes` (ascending) segments in turn into one fresh SQLite store and measures search at each size.
 * Keys: search_p50_ms_<size>, search_p95_ms_<size> (e.g. _100k, _1m), per query kind p95, load rate, index size.
 */
export async function measureSearch(options: {
  sizes: number[];
  queries?: number;
  log?: (line: string) => void;
}): Promise<{ [key: string]: number }> {
  const log = options.log ?? (() => {});
  const queryCount = options.queries ?? QUERIES;
  const sizes = [...options.sizes].sort((a, b) => a - b);
  const dataDir = mkdtempSync(path.join(tmpdir(), 'earshot-bench-search-'));
  const filename = path.join(dataDir, 'earshot.db');
  const results: { [key: string]: number } = {};
  const rng = new Rng(20_250_501);
  const startMs = Date.now() - 90 * DAY_MS;
  try {
    // The real schema, as the server makes it.
    await (await openStore({ kind: 'sqlite', filename })).close();
    const loader = createLoader(filename, rng, startMs);
    try {
      for (const size of sizes) {
        const label = sizeLabel(size);
        log(`loading ${size.toLocaleString('en')} segments…`);
        const rate = loader.loadUntil(size);
        log(
          `  ${loader.count.toLocaleString('en')} segments in ${loader.calls.toLocaleString('en')} calls (${Math.round(rate).toLocaleString('en')} segments/s)`,
        );
        results[`load_segments_per_s_${label}`] = Math.round(rate);

        const store = await openStore({ kind: 'sqlite', filename });
        try {
          const search = new SearchService({ db: store.db, kind: 'sqlite', liveCalls: () => [], logger: silentLogger });
          const span = { from: startMs, to: startMs + loader.calls * 60_000 };
          const warmUp = makeQueries(rng, loader.samples, WARM_UP_QUERIES, span);
          for (const { query } of warmUp) await search.search(query);
          const queries = makeQueries(rng, loader.samples, queryCount, span);
          const timings: Record<QueryKind | 'all', number[]> = { all: [], word: [], phrase: [], prefix: [] };
          let hits = 0;
          const slowest: { ms: number; q: string }[] = [];
          for (const { kind, query } of queries) {
            const started = performance.now();
            const outcome = await search.search(query);
            const ms = performance.now() - started;
            if (!outcome.ok) throw new Error(`query ${query.q} refused: ${outcome.error}`);
            hits += outcome.result.hits.length;
            timings.all.push(ms);
            timings[kind].push(ms);
            slowest.push({ ms, q: JSON.stringify(query) });
          }
          for (const [kind, values] of Object.entries(timings)) {
            const sorted = [...values].sort((a, b) => a - b);
            const prefix = kind === 'all' ? 'search' : `search_${kind}`;
            results[`${prefix}_p50_ms_${label}`] = round(percentile(sorted, 50));
            results[`${prefix}_p95_ms_${label}`] = round(percentile(sorted, 95));
            if (kind === 'all') results[`search_max_ms_${label}`] = round(sorted.at(-1) ?? 0);
          }
          results[`search_hits_mean_${label}`] = round(hits / queries.length, 1);
          const sizeMb = ['', '-wal'].reduce((sum, suffix) => {
            try {
              return sum + statSync(filename + suffix).size;
            } catch {
              return sum;
            }
          }, 0);
          results[`store_mb_${label}`] = round(sizeMb / 1_048_576, 1);
          log(
            `  search over ${label}: p50 ${results[`search_p50_ms_${label}`]} ms, p95 ${results[`search_p95_ms_${label}`]} ms, ` +
              `max ${results[`search_max_ms_${label}`]} ms (word p95 ${results[`search_word_p95_ms_${label}`]}, ` +
              `phrase p95 ${results[`search_phrase_p95_ms_${label}`]}, prefix p95 ${results[`search_prefix_p95_ms_${label}`]}); ` +
              `${results[`search_hits_mean_${label}`]} hits per query; store ${results[`store_mb_${label}`]} MB`,
          );
          slowest.sort((a, b) => b.ms - a.ms);
          for (const { ms, q } of slowest.slice(0, 5)) log(`    slowest: ${round(ms)} ms ${q}`);
        } finally {
          await store.close();
        }
      }
    } finally {
      loader.close();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
  return results;
}

const isMain = process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  const sizes = (process.argv[2] ?? '100000,1000000').split(',').map((s) => Number(s.replace(/_/g, '')));
  const results = await measureSearch({ sizes, log: (line) => console.log(line) });
  console.log(JSON.stringify(results));
}
