/** Vite's `?worker&url`: the worker (here an audio worklet) is bundled on its own and its URL imported. */
declare module '*?worker&url' {
  const url: string;
  export default url;
}
