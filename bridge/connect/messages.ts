// Narrow hand-written views of the Spark Connect messages drls sends and reads. Field names are
// camelCase because the protos are loaded with keepCase: false; int64s arrive as strings.
// Only the fields used are listed; the .proto files (extracted at set-up) are the full truth.

export type Int64 = string | number;

export interface Expression {
  literal?: Literal;
  expressionString?: { expression: string };
  unresolvedStar?: { unparsedTarget?: string; planId?: Int64 };
  unresolvedAttribute?: { unparsedIdentifier: string; planId?: Int64 };
  unresolvedFunction?: { functionName: string; arguments: Expression[]; isDistinct?: boolean };
  callFunction?: { functionName: string; arguments: Expression[] };
  alias?: { expr: Expression; name: string[] };
  cast?: { expr: Expression; typeStr: string };
  sortOrder?: SortOrder;
  window?: WindowExpression;
  unresolvedExtractValue?: { child: Expression; extraction: Expression };
}

/** Expression.Literal: one of the value fields (a oneof); int64s travel as strings. */
export interface Literal {
  null?: DataTypeMsg;
  binary?: Uint8Array;
  boolean?: boolean;
  integer?: number;
  long?: Int64;
  double?: number;
  string?: string;
  date?: number;
  timestamp?: Int64;
}

export type SortDirection = 'SORT_DIRECTION_ASCENDING' | 'SORT_DIRECTION_DESCENDING';
export type NullOrdering = 'SORT_NULLS_FIRST' | 'SORT_NULLS_LAST';

export interface SortOrder {
  child: Expression;
  direction: SortDirection;
  nullOrdering: NullOrdering;
}

/** One end of a window frame: CURRENT ROW, UNBOUNDED (PRECEDING or FOLLOWING by its side), or an offset. */
export type FrameBoundary = { currentRow: true } | { unbounded: true } | { value: Expression };

export interface WindowFrame {
  frameType: 'FRAME_TYPE_ROW' | 'FRAME_TYPE_RANGE';
  lower: FrameBoundary;
  upper: FrameBoundary;
}

export interface WindowExpression {
  windowFunction: Expression;
  partitionSpec: Expression[];
  orderSpec: SortOrder[];
  frameSpec?: WindowFrame;
}

export type JoinTypeMsg =
  | 'JOIN_TYPE_INNER'
  | 'JOIN_TYPE_FULL_OUTER'
  | 'JOIN_TYPE_LEFT_OUTER'
  | 'JOIN_TYPE_RIGHT_OUTER'
  | 'JOIN_TYPE_LEFT_ANTI'
  | 'JOIN_TYPE_LEFT_SEMI'
  | 'JOIN_TYPE_CROSS';

export type GroupType = 'GROUP_TYPE_GROUPBY' | 'GROUP_TYPE_ROLLUP' | 'GROUP_TYPE_CUBE';

/** The catalog relations drls sends (Catalog's oneof); each answers with rows. */
export interface CatalogMsg {
  currentDatabase?: Record<string, never>;
  setCurrentDatabase?: { dbName: string };
  listDatabases?: { pattern?: string };
  listTables?: { dbName?: string; pattern?: string };
  listColumns?: { tableName: string; dbName?: string };
  databaseExists?: { dbName: string };
  tableExists?: { tableName: string; dbName?: string };
  currentCatalog?: Record<string, never>;
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
  aggregate?: { input: Relation; groupType: GroupType; groupingExpressions?: Expression[]; aggregateExpressions: Expression[] };
  join?: { left: Relation; right: Relation; joinCondition?: Expression; joinType: JoinTypeMsg; usingColumns: string[] };
  setOp?: {
    leftInput: Relation;
    rightInput: Relation;
    setOpType: 'SET_OP_TYPE_UNION' | 'SET_OP_TYPE_INTERSECT' | 'SET_OP_TYPE_EXCEPT';
    isAll: boolean;
    byName: boolean;
    allowMissingColumns: boolean;
  };
  sort?: { input: Relation; order: SortOrder[]; isGlobal: boolean };
  deduplicate?: { input: Relation; columnNames: string[]; allColumnsAsKeys: boolean; withinWatermark?: boolean };
  drop?: { input: Relation; columns: Expression[]; columnNames: string[] };
  withColumnsRenamed?: { input: Relation; renames: { colName: string; newColName: string }[] };
  withWatermark?: { input: Relation; eventTime: string; delayThreshold: string };
  repartition?: { input: Relation; numPartitions: number; shuffle: boolean };
  repartitionByExpression?: { input: Relation; partitionExprs: Expression[]; numPartitions?: number };
  subqueryAlias?: { input: Relation; alias: string };
  fillNa?: { input: Relation; cols: string[]; values: Literal[] };
  dropNa?: { input: Relation; cols: string[]; minNonNulls?: number };
  catalog?: CatalogMsg;
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
  streamingQueryManagerCommand?: { active?: boolean; getQuery?: string; awaitAnyTermination?: { timeoutMs?: Int64 }; resetTerminated?: boolean };
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
    awaitAnyTermination?: { terminated: boolean };
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
  explain?: { plan: Plan; explainMode: ExplainModeMsg };
}

export type ExplainModeMsg =
  | 'EXPLAIN_MODE_SIMPLE'
  | 'EXPLAIN_MODE_EXTENDED'
  | 'EXPLAIN_MODE_CODEGEN'
  | 'EXPLAIN_MODE_COST'
  | 'EXPLAIN_MODE_FORMATTED';

export interface AnalyzePlanResponse {
  schema?: { schema: DataTypeMsg };
  isStreaming?: { isStreaming: boolean };
  sparkVersion?: { version: string };
  treeString?: { treeString: string };
  explain?: { explainString: string };
}
