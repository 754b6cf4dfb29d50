/**
 * The slice of nact drls uses, typed. nact is CommonJS and its `Ref<T>` is an empty class,
 * so nothing outside the runtime ever sees a nact reference.
 */
import nact from 'nact';

export interface NactRef {
  readonly __nactRef: unique symbol;
}

export interface NactContext {
  readonly mailbox?: unknown[];
}

export interface NactSupervisionContext extends NactContext {
  readonly resume: symbol;
  readonly reset: symbol;
  readonly stop: symbol;
}

export interface NactActorProps<S> {
  initialStateFunc: () => S;
  onCrash: (msg: unknown, error: unknown, ctx: NactSupervisionContext) => symbol;
  afterStop: (state: S, ctx: NactContext) => void;
}

interface NactModule {
  start(): NactRef;
  spawn<S>(parent: NactRef, f: (state: S, msg: unknown) => S | Promise<S>, name: string, props: NactActorProps<S>): NactRef;
  dispatch(ref: NactRef, msg: unknown): void;
  stop(ref: NactRef): void;
}

export const nactApi = nact as unknown as NactModule;
