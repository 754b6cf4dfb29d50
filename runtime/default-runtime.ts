import { ActorRuntime, type ActorErrorListener } from './actor-runtime.js';
import type { ActorHandle } from './actor-handle.js';
import type { Behavior, SpawnOptions } from './behavior.js';
import type { Message } from './message.js';

/**
 * The process-wide runtime, as Ray's implicit cluster: it starts on first use, so
 * `getActor(name)` works from anywhere without passing a runtime around.
 */
let current: ActorRuntime | undefined;

/** Start the default runtime explicitly (a no-op when one is running). */
export function init(): ActorRuntime {
  if (!current || current.stopped) current = new ActorRuntime({ name: 'default' });
  return current;
}

/** The default runtime, started on first use. */
export function runtime(): ActorRuntime {
  return init();
}

/** Stop the default runtime and every actor in it. The next use starts a fresh one. */
export function shutdown(): void {
  current?.shutdown();
  current = undefined;
}

export function spawn<M extends Message, S>(name: string, behavior: Behavior<M, S>, options?: SpawnOptions): ActorHandle<M> {
  return runtime().spawn(name, behavior, options);
}

export function getActor<M extends Message>(name: string): ActorHandle<M> {
  return runtime().getActor<M>(name);
}

export function getOrCreate<M extends Message, S>(
  name: string,
  create: () => Behavior<M, S>,
  options?: SpawnOptions,
): ActorHandle<M> {
  return runtime().getOrCreate(name, create, options);
}

export function listActors(): string[] {
  return runtime().list();
}

/** Stop a named actor of the default runtime; false when there was none. */
export function stopActor(name: string): boolean {
  return runtime().stop(name);
}

export function onActorError(listener: ActorErrorListener): () => void {
  return runtime().onActorError(listener);
}
