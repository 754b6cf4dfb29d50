import { randomUUID } from 'node:crypto';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { DrlsError, SessionClosedError, SparkAuthFailedError, SparkError, SparkUnavailableError, errorMessage } from '../../runtime/base/index.js';
import type {
  AnalyzePlanResponse,
  AnalyzeRequestBody,
  ConfigOperation,
  ConfigResponse,
  ExecutePlanResponse,
  Plan,
} from './messages.js';
import type { RemoteAddress } from './remote.js';
import { errorInfoFromStatus } from './status-details.js';

/** Spark Connect caps messages at 128 MiB; a little headroom for framing. */
const MAX_MESSAGE = 128 * 1024 * 1024 + 1024 * 1024;
const UNARY_DEADLINE_MS = 120_000;
const CLIENT_TYPE = 'drls';

type Unary<Req, Res> = (
  req: Req,
  md: grpc.Metadata,
  opts: grpc.CallOptions,
  cb: (err: grpc.ServiceError | null, res?: Res) => void,
) => grpc.ClientUnaryCall;

interface ConnectStub extends grpc.Client {
  ExecutePlan(req: object, md: grpc.Metadata, opts: grpc.CallOptions): grpc.ClientReadableStream<ExecutePlanResponse>;
  AnalyzePlan: Unary<object, AnalyzePlanResponse>;
  Config: Unary<object, ConfigResponse>;
  ReleaseSession: Unary<object, object>;
}

type StubConstructor = new (address: string, creds: grpc.ChannelCredentials, options: grpc.ChannelOptions) => ConnectStub;

interface LoadedProtos {
  readonly Stub: StubConstructor;
  readonly definition: protoLoader.PackageDefinition;
}

const services = new Map<string, LoadedProtos>();

/** Load the protos extracted at set-up (once per folder): the service's client class, and the definitions (what this Spark knows). */
function loadProtos(protosDir: string): LoadedProtos {
  let loaded = services.get(protosDir);
  if (!loaded) {
    const definition = protoLoader.loadSync(join(protosDir, 'spark', 'connect', 'base.proto'), {
      includeDirs: [protosDir],
      keepCase: false,
      longs: String,
      enums: String,
      bytes: Buffer,
      defaults: true,
      arrays: true,
      objects: true,
      oneofs: true,
    });
    const pkg = grpc.loadPackageDefinition(definition) as unknown as { spark: { connect: { SparkConnectService: StubConstructor } } };
    loaded = { Stub: pkg.spark.connect.SparkConnectService, definition };
    services.set(protosDir, loaded);
  }
  return loaded;
}

/** One Spark Connect session over one gRPC channel; the layer the DataFrame API is built on. */
export class ConnectClient {
  readonly sessionId = randomUUID();
  readonly remote: RemoteAddress;
  readonly #stub: ConnectStub;
  readonly #userContext: { userId: string; userName: string };
  readonly #metadata: grpc.Metadata;
  readonly #protos: LoadedProtos;
  #closed = false;

  constructor(remote: RemoteAddress, protosDir: string, token = remote.params['token']) {
    this.remote = remote;
    this.#protos = loadProtos(protosDir);
    const Stub = this.#protos.Stub;
    const ssl = remote.params['use_ssl'] === 'true';
    this.#stub = new Stub(`${remote.host}:${remote.port}`, ssl ? grpc.credentials.createSsl() : grpc.credentials.createInsecure(), {
      'grpc.max_receive_message_length': MAX_MESSAGE,
      'grpc.max_send_message_length': MAX_MESSAGE,
      // grpc-js follows http(s)_proxy even to loopback, where a proxy can only be wrong.
      ...(isLoopback(remote.host) ? { 'grpc.enable_http_proxy': 0 } : {}),
    });
    const user = remote.params['user_id'] ?? safeUserName();
    this.#userContext = { userId: user, userName: user };
    this.#metadata = new grpc.Metadata();
    if (token) this.#metadata.set('authorization', `Bearer ${token}`);
  }

  /**
   * Whether the protos of the server's Spark define `field` (named as the loader maps it:
   * camelCase) in `message`, e.g. ('spark.connect.Deduplicate', 'withinWatermark'): what this
   * Spark can be asked for.
   */
  protoHasField(message: string, field: string): boolean {
    const type = this.#protos.definition[message] as { type?: { field?: { name?: string }[] } } | undefined;
    return type?.type?.field?.some((f) => f.name === field) ?? false;
  }

  get closed(): boolean {
    return this.#closed;
  }

  #base(): { sessionId: string; userContext: { userId: string; userName: string }; clientType: string } {
    if (this.#closed) throw new SessionClosedError();
    return { sessionId: this.sessionId, userContext: this.#userContext, clientType: CLIENT_TYPE };
  }

  /**
   * Run a plan and yield its responses as they arrive. Pulling is what asks gRPC for the next
   * message, so a slow consumer holds back the server instead of buffering the whole result.
   */
  async *execute(plan: Plan): AsyncGenerator<ExecutePlanResponse> {
    const req = { ...this.#base(), operationId: randomUUID(), plan };
    // waitForReady stays false: a server that is not there fails now, it is not waited for.
    const call = this.#stub.ExecutePlan(req, this.#metadata, {});
    let done = false;
    try {
      for await (const res of call as AsyncIterable<ExecutePlanResponse>) yield res;
      done = true;
    } catch (err) {
      throw this.toError(err);
    } finally {
      // Leaving early (break, throw in the consumer) cancels the operation on the server.
      if (!done) call.cancel();
    }
  }

  /** Run a command plan to completion and return every non-batch response. */
  async command(plan: Plan): Promise<ExecutePlanResponse[]> {
    const out: ExecutePlanResponse[] = [];
    for await (const res of this.execute(plan)) if (!res.arrowBatch) out.push(res);
    return out;
  }

  analyze(body: AnalyzeRequestBody): Promise<AnalyzePlanResponse> {
    return this.#unary('AnalyzePlan', { ...this.#base(), ...body });
  }

  config(operation: ConfigOperation): Promise<ConfigResponse> {
    return this.#unary('Config', { ...this.#base(), operation });
  }

  /** Tell the server the session is over (its queries stop) and close the channel. */
  async close(): Promise<void> {
    if (this.#closed) return;
    try {
      await this.#unary('ReleaseSession', { ...this.#base(), allowReconnect: false }, 10_000);
    } catch {
      /* the server may already be gone; closing the channel is what matters */
    } finally {
      this.#closed = true;
      this.#stub.close();
    }
  }

  #unary<Res>(method: 'AnalyzePlan' | 'Config' | 'ReleaseSession', req: object, deadlineMs = UNARY_DEADLINE_MS): Promise<Res> {
    return new Promise((resolve, reject) => {
      const fn = this.#stub[method] as unknown as Unary<object, Res>;
      fn.call(this.#stub, req, this.#metadata, { deadline: Date.now() + deadlineMs }, (err, res) => {
        if (err) reject(this.toError(err));
        else resolve(res as Res);
      });
    });
  }

  /** Turn a gRPC failure into a drls error: unreachable server, or Spark's own error with its class. */
  toError(err: unknown): DrlsError {
    if (err instanceof DrlsError) return err;
    const e = err as Partial<grpc.ServiceError>;
    const address = this.remote.text;
    if (e.code === grpc.status.UNAUTHENTICATED || e.code === grpc.status.PERMISSION_DENIED) return new SparkAuthFailedError(address, err);
    if (e.code === grpc.status.UNAVAILABLE) return new SparkUnavailableError(address, e.details ?? 'unavailable', err);
    if (e.code === grpc.status.DEADLINE_EXCEEDED && !e.metadata?.get('grpc-status-details-bin').length) {
      return new SparkUnavailableError(address, `no answer in time (${e.details ?? 'deadline exceeded'})`, err);
    }
    const raw = e.metadata?.get('grpc-status-details-bin')[0];
    const info = raw instanceof Buffer ? errorInfoFromStatus(raw) : undefined;
    const md = info?.metadata ?? {};
    let params: Record<string, string> = {};
    try {
      if (md['messageParameters']) params = JSON.parse(md['messageParameters']) as Record<string, string>;
    } catch {
      /* not JSON; keep none */
    }
    let message = (e.details ?? errorMessage(err)).trim();
    if (md['errorClass'] === 'DATA_SOURCE_NOT_FOUND' && /\bdrls\b/.test(params['provider'] ?? message)) message += DRLS_JAR_HINT;
    return new SparkError(message, {
      errorClass: md['errorClass'],
      sqlState: md['sqlState'],
      messageParameters: params,
      exceptionClass: info?.reason,
      cause: err,
    });
  }
}

const DRLS_JAR_HINT =
  "\nhint: this Spark does not have the drls connector. Add its jar to the cluster (`npx drls jar-path` prints where it is; " +
  'pass it with --jars or spark.jars, or put it in the jars/ folder of every node). initSpark() adds it to the local Spark by itself.';

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '[::1]' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

function safeUserName(): string {
  try {
    return userInfo().username;
  } catch {
    return 'drls';
  }
}
