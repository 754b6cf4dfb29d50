// Module hooks for run-suites.ts: every import of 'uvu' (the test files') gets the recording
// stand-in, except the stand-in's own, which gets the real uvu.
import type { ResolveHook } from 'node:module';

const recorder = new URL('./uvu-recorder.ts', import.meta.url).href;

export const resolve: ResolveHook = (specifier, context, next) => {
  // Through the rest of the chain, so tsx resolves (and later compiles) the TypeScript file.
  if (specifier === 'uvu' && context.parentURL !== recorder) return next(recorder, context);
  return next(specifier, context);
};
