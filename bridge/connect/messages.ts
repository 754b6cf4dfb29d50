// Narrow hand-written views of the Spark Connect messages drls sends and reads. Field names are
// camelCase because the protos are loaded with keepCase: false; int64s arrive as strings.
// Only the fields used are listed; the .proto files (extracted at set-up) are the full truth.

export type Int64 = string | number;

export interface Expression {
  expressionString?: { expression: string };
  unresolvedStar?: { unparsedTarget?: string };
  unresolvedAttribute?: { unparsedIdentifier: string };
  alias?: { expr: Expression; name: string[] };
}

export interface Relation {
  common?: { planId?: Int64 };
  read?: {
    namedTable?: { unparsedIdentifier: string; options?: Record<string, string> };
    dataSource?: { format?: string; schema?: string; options?: Record<string, string>; paths?: string[] };
    isStreaming?: boolean;
  };
  project?: { input: Relation; expressions: Expression[] };
  filter?: { input: Relation; condition: Expression };
  limit?: { input: Relation; limit: number };
  sql?: { query: string };
  localRelation?: { data?: Uint8Array; schema?: string };
  range?: { start?: Int64; end: Int64; step: Int64; numPartitions?: number };
  showString?: { input: Relation; numRows: number; truncate: number; vertical: boolean };
  withColumns?: { input: Relation; aliases: { expr: Expression; name: string[] }[] };
  aggregate?: { input: Relation; groupType: 'GROUP_TYPE_GROUPBY'; aggregateExpressions: Expression[] };
}

export type SaveMode = 'SAVE_MODE_APPEND' | 'SAVE_MODE_OVERWRITE' | 'SAVE_MODE_ERROR_IF_EXISTS' | 'SAVE_MODE_IGNORE';

export interface WriteOperation {
  input: Relation;
  source?: string;
  path?: string;
  table?: { tableName: string; saveMethod: 'TABLE_SAVE_METHOD_SAVE_AS_TABLE' | 'TABLE_SAVE_METHOD_INSERT_INTO' };
  mode: SaveMode;
  partitioningColumns?: string[];
  options?: Record<string, string>;
}

export interface WriteStreamOperationStart {
  input: Relation;
  format: string;
  options: Record<string, string>;
  partitioningColumnNames: string[];
  processingTimeInterval?: string;
  availableNow?: boolean;
  once?: boolean;
  outputMode: string;
  queryName: string;
  path?: string;
  tableName?: string;
}

export interface QueryInstanceId {
  id: string;
  runId: string;
}

export interface StreamingQueryCommand {
  queryId: QueryInstanceId;
  status?: boolean;
  lastProgress?: boolean;
  recentProgress?: boolean;
  stop?: boolean;
  processAllAvailable?: boolean;
  exception?: boolean;
  awaitTermination?: { timeoutMs?: Int64 };
}

export interface Command {
  sqlCommand?: { input: Relation };
  createDataframeView?: { input: Relation; name: string; isGlobal: boolean; replace: boolean };
  writeOperation?: WriteOperation;
  writeStreamOperationStart?: WriteStreamOperationStart;
  streamingQueryCommand?: StreamingQueryCommand;
  streamingQueryManagerCommand?: { active?: boolean; getQuery?: string };
}

export interface Plan {
  root?: Relation;
  command?: Command;
}

export interface DataTypeMsg {
  kind?: string;
  [kind: string]: unknown;
}

export interface StreamingQueryCommandResult {
  resultType?: 'status' | 'recentProgress' | 'explain' | 'exception' | 'awaitTermination';
  status?: { statusMessage: string; isDataAvailable: boolean; isTriggerActive: boolean; isActive: boolean };
  recentProgress?: { recentProgressJson: string[] };
  exception?: { exceptionMessage?: string; errorClass?: string; stackTrace?: string };
  awaitTermination?: { terminated: boolean };
}

export interface ExecutePlanResponse {
  sessionId: string;
  serverSideSessionId: string;
  operationId: string;
  responseType?: string;
  arrowBatch?: { rowCount: Int64; data: Buffer };
  sqlCommandResult?: { relation: Relation };
  writeStreamOperationStartResult?: { queryId: QueryInstanceId; name: string };
  streamingQueryCommandResult?: StreamingQueryCommandResult;
  streamingQueryManagerCommandResult?: {
    resultType?: string;
    active?: { activeQueries: { id: QueryInstanceId; name?: string }[] };
    query?: { id: QueryInstanceId; name?: string };
  };
  resultComplete?: Record<string, never>;
  schema?: DataTypeMsg;
}

export interface KeyValue {
  key: string;
  value?: string;
}

export interface ConfigOperation {
  set?: { pairs: KeyValue[] };
  get?: { keys: string[] };
  getWithDefault?: { pairs: KeyValue[] };
  getOption?: { keys: string[] };
  getAll?: { prefix?: string };
  unset?: { keys: string[] };
}

export interface ConfigResponse {
  pairs: KeyValue[];
  warnings: string[];
}

export interface AnalyzeRequestBody {
  schema?: { plan: Plan };
  isStreaming?: { plan: Plan };
  sparkVersion?: Record<string, never>;
  treeString?: { plan: Plan };
}

export interface AnalyzePlanResponse {
  schema?: { schema: DataTypeMsg };
  isStreaming?: { isStreaming: boolean };
  sparkVersion?: { version: string };
  treeString?: { treeString: string };
}
