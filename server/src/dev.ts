import { runServer } from './main.js';

// `npm run dev`: the same server as `npm start`, with the dashboard served by Vite (hot reload) instead
// of the built files.
runServer({ kind: 'vite' }).catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
