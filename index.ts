/**
 * drls: the named-actor runtime and the local Spark.
 * Streaming lives in `drls/streaming`, monitoring in `drls/streaming/monitor`.
 */
export {
  ActorRuntime,
  ActorHandle,
  init,
  runtime,
  shutdown,
  spawn,
  getActor,
  getOrCreate,
  listActors,
  killActor,
  onActorError,
} from './runtime/index.js';
export type {
  ActorContext,
  ActorErrorEvent,
  ActorErrorListener,
  AskOptions,
  AskableType,
  Behavior,
  Message,
  MessageOfType,
  Outgoing,
  Reply,
  ReplyOf,
  SpawnOptions,
  SupervisionPolicy,
} from './runtime/index.js';
export { initSpark, stopSpark, SPARK_VERSION, type InitSparkOptions } from './bridge/spark/index.js';
export * from './runtime/base/index.js';
