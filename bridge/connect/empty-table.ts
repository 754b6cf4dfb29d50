import type { Table } from 'apache-arrow';
import { SparkError } from '../../runtime/base/index.js';
import { collectTable } from './arrow.js';
import type { SessionContext } from './context.js';
import type { DataTypeMsg, Relation } from './messages.js';
import { sizedTypeName } from './schema.js';

/**
 * A table of no rows with `input`'s schema, in the Arrow types Spark itself gives that schema
 * (the drls connector uses the same mapping): Spark is asked for the schema, then runs an empty
 * local relation of it, whose answer is a schema and no rows. Works for a streaming `input` too,
 * which cannot be collected.
 */
export async function emptyTableOf(ctx: SessionContext, input: Relation): Promise<Table> {
  const analyzed = await ctx.client.analyze({ schema: { plan: { root: input } } });
  const schema = JSON.stringify(sparkTypeJson(analyzed.schema?.schema));
  return collectTable(ctx.client.execute({ root: ctx.relation({ localRelation: { schema } }) }));
}

/** Spark's own name of each simple type, as its JSON schema writes it. */
const SIMPLE: Record<string, string> = {
  null: 'void',
  binary: 'binary',
  boolean: 'boolean',
  byte: 'byte',
  short: 'short',
  integer: 'integer',
  long: 'long',
  float: 'float',
  double: 'double',
  string: 'string',
  date: 'date',
  timestamp: 'timestamp',
  timestampNtz: 'timestamp_ntz',
  calendarInterval: 'interval',
  variant: 'variant',
};

/**
 * A Spark Connect data type in Spark's JSON schema form (DataType.json): exact, with the
 * nullability of nested fields, elements and map values, which the DDL form cannot say.
 */
export function sparkTypeJson(t: DataTypeMsg | undefined): unknown {
  const kind = t?.kind;
  if (!t || !kind) throw new SparkError('Spark answered a schema request without a data type');
  const simple = SIMPLE[kind];
  if (simple) return simple;
  const body = t[kind] as Record<string, unknown>;
  const sized = sizedTypeName(kind, body);
  if (sized) return sized;
  switch (kind) {
    case 'array':
      return { type: 'array', elementType: sparkTypeJson(body['elementType'] as DataTypeMsg), containsNull: body['containsNull'] !== false };
    case 'map':
      return {
        type: 'map',
        keyType: sparkTypeJson(body['keyType'] as DataTypeMsg),
        valueType: sparkTypeJson(body['valueType'] as DataTypeMsg),
        valueContainsNull: body['valueContainsNull'] !== false,
      };
    case 'struct': {
      const fields = (body['fields'] ?? []) as { name: string; dataType: DataTypeMsg; nullable: boolean }[];
      return { type: 'struct', fields: fields.map((f) => ({ name: f.name, type: sparkTypeJson(f.dataType), nullable: f.nullable !== false, metadata: {} })) };
    }
    default:
      // Intervals, user-defined types: the drls connector carries none of them (it refuses them when the query starts).
      throw new SparkError(`drls cannot name Spark type "${kind}" in a schema`);
  }
}
