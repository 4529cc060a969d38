import type { Topic } from '@earshot/shared';
import sharp from 'sharp';
import { deriveSeed, Rng } from './random.js';

/*
 * Simulated agent screens: a contact-centre desktop drawn as SVG and rendered to WebP with sharp (librsvg,
 * DejaVu Sans). Three screens, as an agent moves through a call: the CRM customer card when the call comes
 * in, the ticket being filled in while they talk (its notes grow as the call goes on), and a knowledge-base
 * search while the caller is on hold, or while the agent looks up a hanging question's answer in silence
 * (the search screen then changes every second: the query being typed, the results being read). Content is
 * fixed per (seed, call) so a run can be replayed.
 */

export type ScreenKind = 'crm' | 'ticket' | 'knowledge';

export interface ScreenScene {
  seed: number;
  callId: string;
  agentName: string;
  callerNumber: string;
  topic: Topic;
  /** Simulated time since the call was answered. */
  talkMs: number;
  onHold: boolean;
  /**
   * Milliseconds the agent has been searching the knowledge base for a hanging question's answer (the line
   * silent meanwhile); absent otherwise.
   */
  searchingMs?: number;
  /** Wall-clock time shown in the taskbar (minutes resolution, like a real desktop clock). */
  clockAt: number;
  width?: number;
  height?: number;
}

const FIRST_NAMES = ['Ирина', 'Сергей', 'Ольга', 'Андрей', 'Татьяна', 'Павел', 'Наталья', 'Виктор', 'Елена', 'Максим'];
const LAST_NAMES = ['Новик', 'Козлов', 'Мельник', 'Шевчук', 'Лукашевич', 'Ковальчук', 'Бондаренко', 'Сидорович'];
const TARIFFS = ['Комфорт 15', 'Безлимит+', 'Смарт M', 'Семейный', 'Интернет 100', 'Бизнес Про'];
const TOPIC_LABELS: Record<Topic, string> = {
  billing: 'Счёт и оплата',
  technical: 'Техническая проблема',
  tariffs: 'Тарифы',
  roaming: 'Роуминг',
  mobile_internet: 'Мобильный интернет',
  other: 'Другое',
};
const NOTE_LINES = [
  'Клиент уточняет списание за прошлый месяц.',
  'Проверены последние платежи в личном кабинете.',
  'Предложен перевод на тариф с пакетом минут.',
  'Клиент просит отключить платную подписку.',
  'Подписка отключена, остаток пересчитан.',
  'Сброшены сетевые настройки, перезагрузка устройства.',
  'Скорость соединения в норме после проверки.',
  'Оформлена заявка на выезд техника.',
  'Разъяснены условия роуминга в странах ЕС.',
  'Клиент согласен с решением, вопросов нет.',
];
const KB_ARTICLES = [
  'Как вернуть ошибочный платёж',
  'Настройка APN на Android и iOS',
  'Тарифы роуминга: страны и зоны',
  'Порядок отключения платных подписок',
  'Перенос номера к другому оператору',
  'Компенсация за перерыв в обслуживании',
  'Проверка покрытия сети по адресу',
];
/** A new note line every this much simulated talk time. */
const NOTE_EVERY_MS = 25_000;
const CRM_PHASE_MS = 20_000;

const escapeXml = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[ch] ?? ch,
  );

function callSeed(seed: number, callId: string): number {
  let hash = 0;
  for (let i = 0; i < callId.length; i++) hash = (Math.imul(hash, 31) + callId.charCodeAt(i)) >>> 0;
  return deriveSeed(seed, hash);
}

/** Characters of the search query typed per second, and a new result opened every this many ms. */
const TYPED_CHARS_PER_SECOND = 6;
const RESULT_READ_MS = 3_000;

export function screenKindOf(scene: Pick<ScreenScene, 'talkMs' | 'onHold' | 'searchingMs'>): ScreenKind {
  if (scene.onHold || scene.searchingMs !== undefined) return 'knowledge';
  return scene.talkMs < CRM_PHASE_MS ? 'crm' : 'ticket';
}

/** The SVG of the agent's desktop at this moment of the call. */
export function renderScreenSvg(scene: ScreenScene): string {
  const width = scene.width ?? 1280;
  const height = scene.height ?? 720;
  const rng = new Rng(callSeed(scene.seed, scene.callId));
  const customer = `${rng.pick(FIRST_NAMES)} ${rng.pick(LAST_NAMES)}`;
  const tariff = rng.pick(TARIFFS);
  const balance = rng.uniform(-15, 60).toFixed(2);
  const account = String(rng.int(10_000_000, 99_999_999));
  const ticketNo = `INC-${rng.int(100_000, 999_999)}`;
  const noteOrder = [...NOTE_LINES].sort(() => rng.next() - 0.5);
  const articles = [...KB_ARTICLES].sort(() => rng.next() - 0.5).slice(0, 4);
  const kind = screenKindOf(scene);
  const clock = new Date(scene.clockAt).toISOString().slice(11, 16);
  const s = width / 1280;
  const t = (x: number, y: number, text: string, size = 16, extra = '') =>
    `<text x="${x * s}" y="${y * s}" font-size="${size * s}" ${extra}>${escapeXml(text)}</text>`;

  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="DejaVu Sans" fill="#1f2933">`,
    `<rect width="100%" height="100%" fill="#e9edf2"/>`,
    // Browser chrome and the CRM's top bar.
    `<rect width="100%" height="${36 * s}" fill="#d5dbe3"/>`,
    t(
      16,
      24,
      `crm.telecom.local/${kind === 'knowledge' ? 'kb/search' : kind === 'crm' ? `customer/${account}` : `tickets/${ticketNo}`}`,
      14,
      'fill="#52606d"',
    ),
    `<rect y="${36 * s}" width="100%" height="${48 * s}" fill="#1d4e89"/>`,
    t(20, 68, 'Контакт-центр · CRM', 20, 'fill="#ffffff" font-weight="bold"'),
    t(900, 68, `Оператор: ${scene.agentName}`, 15, 'fill="#dbe7f5"'),
    // Left navigation.
    `<rect y="${84 * s}" width="${200 * s}" height="${height - 124 * s}" fill="#f7f9fb"/>`,
    ...['Клиенты', 'Обращения', 'База знаний', 'Платежи', 'Отчёты'].map((item, i) =>
      t(
        24,
        124 + i * 40,
        item,
        16,
        item === { crm: 'Клиенты', ticket: 'Обращения', knowledge: 'База знаний' }[kind]
          ? 'font-weight="bold" fill="#1d4e89"'
          : '',
      ),
    ),
  ];
  if (kind === 'crm') {
    parts.push(
      `<rect x="${230 * s}" y="${110 * s}" width="${1010 * s}" height="${300 * s}" rx="${8 * s}" fill="#ffffff"/>`,
      t(260, 150, customer, 28, 'font-weight="bold"'),
      t(260, 190, `Лицевой счёт ${account}`, 16, 'fill="#52606d"'),
      t(260, 240, 'Номер', 15, 'fill="#7b8794"'),
      t(260, 266, scene.callerNumber, 20),
      t(600, 240, 'Тариф', 15, 'fill="#7b8794"'),
      t(600, 266, tariff, 20),
      t(900, 240, 'Баланс', 15, 'fill="#7b8794"'),
      t(900, 266, `${balance} BYN`, 20, Number(balance) < 0 ? 'fill="#c81e1e"' : 'fill="#0e7c3a"'),
      t(260, 320, `Тема обращения: ${TOPIC_LABELS[scene.topic]}`, 16),
      t(260, 360, 'Последнее обращение: 12 дней назад · Статус: активен', 15, 'fill="#52606d"'),
      `<rect x="${230 * s}" y="${430 * s}" width="${1010 * s}" height="${200 * s}" rx="${8 * s}" fill="#ffffff"/>`,
      t(260, 470, 'История платежей', 18, 'font-weight="bold"'),
      ...[0, 1, 2, 3].map((i) =>
        t(260, 505 + i * 30, `0${i + 1}.11 · ${(rng.uniform(5, 40)).toFixed(2)} BYN · ЕРИП`, 15),
      ),
    );
  } else if (kind === 'ticket') {
    const lines = noteOrder.slice(
      0,
      Math.min(noteOrder.length, 1 + Math.floor((scene.talkMs - CRM_PHASE_MS) / NOTE_EVERY_MS)),
    );
    parts.push(
      `<rect x="${230 * s}" y="${110 * s}" width="${1010 * s}" height="${540 * s}" rx="${8 * s}" fill="#ffffff"/>`,
      t(260, 150, `Обращение ${ticketNo}`, 24, 'font-weight="bold"'),
      t(260, 190, `Клиент: ${customer} · ${scene.callerNumber}`, 16, 'fill="#52606d"'),
      t(260, 235, 'Тема', 15, 'fill="#7b8794"'),
      `<rect x="${260 * s}" y="${245 * s}" width="${400 * s}" height="${34 * s}" fill="#f1f4f8" stroke="#cbd2d9"/>`,
      t(270, 268, TOPIC_LABELS[scene.topic], 16),
      t(260, 315, 'Заметки', 15, 'fill="#7b8794"'),
      `<rect x="${260 * s}" y="${325 * s}" width="${950 * s}" height="${260 * s}" fill="#f1f4f8" stroke="#cbd2d9"/>`,
      ...lines.map((line, i) => t(272, 352 + i * 26, line, 15)),
      `<rect x="${1060 * s}" y="${600 * s}" width="${150 * s}" height="${36 * s}" rx="${4 * s}" fill="#1d4e89"/>`,
      t(1085, 624, 'Сохранить', 15, 'fill="#ffffff"'),
    );
  } else if (scene.searchingMs !== undefined && !scene.onHold) {
    // Looking up the answer while the caller waits: the query is typed, then results are opened one by one,
    // with the seconds of the search shown, so every capture differs from the one before.
    const elapsedS = Math.floor(scene.searchingMs / 1000);
    const query = `${TOPIC_LABELS[scene.topic]}: ${articles[0] ?? ''}`;
    const typed = query.slice(0, Math.min(query.length, 3 + elapsedS * TYPED_CHARS_PER_SECOND));
    const reading = typed.length < query.length ? -1 : Math.floor(scene.searchingMs / RESULT_READ_MS) % articles.length;
    parts.push(
      `<rect x="${230 * s}" y="${110 * s}" width="${1010 * s}" height="${60 * s}" rx="${8 * s}" fill="#ffffff"/>`,
      t(256, 148, `Поиск: ${typed}${typed.length < query.length ? '|' : ''}`, 18),
      t(1060, 148, `поиск ${elapsedS} с`, 14, 'fill="#7b8794"'),
      ...articles.flatMap((title, i) => [
        `<rect x="${230 * s}" y="${(190 + i * 110) * s}" width="${1010 * s}" height="${96 * s}" rx="${8 * s}" fill="${i === reading ? '#fff7e0' : '#ffffff'}"/>`,
        t(256, 225 + i * 110, title, 19, 'fill="#1d4e89" font-weight="bold"'),
        t(
          256,
          255 + i * 110,
          i === reading ? 'Открыто · читается…' : 'Статья базы знаний · обновлено в этом месяце',
          14,
          'fill="#52606d"',
        ),
      ]),
    );
  } else {
    parts.push(
      `<rect x="${230 * s}" y="${110 * s}" width="${1010 * s}" height="${60 * s}" rx="${8 * s}" fill="#ffffff"/>`,
      t(256, 148, `Поиск: ${TOPIC_LABELS[scene.topic]}: ${articles[0] ?? ''}`, 18),
      ...articles.flatMap((title, i) => [
        `<rect x="${230 * s}" y="${(190 + i * 110) * s}" width="${1010 * s}" height="${96 * s}" rx="${8 * s}" fill="#ffffff"/>`,
        t(256, 225 + i * 110, title, 19, 'fill="#1d4e89" font-weight="bold"'),
        t(
          256,
          255 + i * 110,
          'Статья базы знаний · обновлено в этом месяце · для операторов 1-й линии',
          14,
          'fill="#52606d"',
        ),
      ]),
    );
  }
  // Taskbar with the call widget and the clock.
  parts.push(
    `<rect y="${height - 40 * s}" width="100%" height="${40 * s}" fill="#202833"/>`,
    t(
      16,
      706,
      scene.onHold ? `На удержании · ${scene.callerNumber}` : `● Разговор · ${scene.callerNumber}`,
      14,
      `fill="${scene.onHold ? '#f0b429' : '#3ebd93'}"`,
    ),
    t(1210, 706, clock, 14, 'fill="#ffffff"'),
    '</svg>',
  );
  return parts.join('');
}

export interface RenderedScreen {
  kind: ScreenKind;
  webp: Buffer;
}

/** Renders the scene to WebP (1280×720 by default). */
export async function renderScreen(scene: ScreenScene, quality = 75): Promise<RenderedScreen> {
  const svg = renderScreenSvg(scene);
  const webp = await sharp(Buffer.from(svg)).webp({ quality, effort: 0 }).toBuffer();
  return { kind: screenKindOf(scene), webp };
}
