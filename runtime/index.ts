export { ActorRuntime, type ActorErrorEvent, type ActorErrorListener, type ActorRuntimeOptions } from './actor-runtime.js';
export { ActorHandle, type AskOptions } from './actor-handle.js';
export type { ActorContext, Behavior, SpawnOptions, SupervisionPolicy } from './behavior.js';
export type { AskableType, Message, MessageOfType, Outgoing, Reply, ReplyOf } from './message.js';
export { init, runtime, shutdown, spawn, getActor, getOrCreate, listActors, stopActor, onActorError } from './default-runtime.js';
