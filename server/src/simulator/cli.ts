import { startSimulator } from './index.js';
import { CLI_USAGE, parseCliArgs, type SimulatorSettings } from './options.js';

/**
 * The simulator as its own process, against any Earshot server:
 *   node --import tsx server/src/simulator/cli.ts --url http://localhost:8080 --key KEY --speed 10
 * Flags fall back to EARSHOT_URL, INGEST_KEY, SIM_AGENTS, SIM_CALLS_PER_HOUR, SIM_SPEED, SIM_SEED. Agents'
 * screens are rendered and uploaded too, unless --no-screens, and the calls' audio streamed, unless --no-audio.
 */

/** How often a status line is printed. */
const STATUS_INTERVAL_MS = 30_000;

const parsed = parseCliArgs(process.argv.slice(2), process.env);
if (parsed.kind === 'help') {
  console.log(CLI_USAGE);
  process.exit(0);
}
if (parsed.kind === 'error') {
  console.error(`earshot simulator: ${parsed.message.split('\n').join('\nearshot simulator: ')}\n(see --help)`);
  process.exit(2);
}

const log = (line: string) => console.log(`${new Date().toISOString()} ${line}`);
const settings: SimulatorSettings = { ...parsed.settings, audio: parsed.audio };
const simulator = startSimulator({ ...settings, screens: parsed.screens, log });

const status = setInterval(() => {
  const { offered, answered, abandoned, ended, rejected } = simulator.stats();
  log(`offered ${offered}, answered ${answered}, abandoned ${abandoned}, ended ${ended}, rejected ${rejected}`);
}, STATUS_INTERVAL_MS);

let stopping = false;
async function shutDown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  log(`${signal}: stopping`);
  clearInterval(status);
  await simulator.stop();
  process.exit(0);
}
process.on('SIGINT', () => void shutDown('SIGINT'));
process.on('SIGTERM', () => void shutDown('SIGTERM'));
