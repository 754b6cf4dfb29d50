import type { DataTypeMsg } from './messages.js';

/** A Spark schema as seen from Node: field names, Spark SQL type names, nullability. */
export interface StructField {
  readonly name: string;
  /** Spark's simple type string, e.g. `bigint`, `decimal(10,2)`, `array<string>`, `struct<a:int>`. */
  readonly dataType: string;
  readonly nullable: boolean;
}

export interface StructType {
  readonly fields: readonly StructField[];
  /** The schema as a DDL string usable with `read.schema(...)`. */
  readonly ddl: string;
}

interface StructMsg {
  fields: { name: string; dataType: DataTypeMsg; nullable: boolean }[];
}

const SIMPLE: Record<string, string> = {
  null: 'void',
  binary: 'binary',
  boolean: 'boolean',
  byte: 'tinyint',
  short: 'smallint',
  integer: 'int',
  long: 'bigint',
  float: 'float',
  double: 'double',
  string: 'string',
  date: 'date',
  timestamp: 'timestamp',
  timestampNtz: 'timestamp_ntz',
  calendarInterval: 'interval',
  variant: 'variant',
};

/** `decimal(p,s)`, `char(n)`, `varchar(n)`: written alike in Spark's DDL and JSON schema forms. */
export function sizedTypeName(kind: string, body: Record<string, unknown>): string | undefined {
  if (kind === 'decimal') return `decimal(${String(body['precision'] ?? 10)},${String(body['scale'] ?? 0)})`;
  if (kind === 'char') return `char(${String(body['length'])})`;
  if (kind === 'varChar') return `varchar(${String(body['length'])})`;
  return undefined;
}

export function dataTypeString(t: DataTypeMsg | undefined): string {
  const kind = t?.kind;
  if (!t || !kind) return 'unknown';
  const simple = SIMPLE[kind];
  if (simple) return simple;
  const body = t[kind] as Record<string, unknown>;
  const sized = sizedTypeName(kind, body);
  if (sized) return sized;
  switch (kind) {
    case 'array':
      return `array<${dataTypeString(body['elementType'] as DataTypeMsg)}>`;
    case 'map':
      return `map<${dataTypeString(body['keyType'] as DataTypeMsg)},${dataTypeString(body['valueType'] as DataTypeMsg)}>`;
    case 'struct':
      return `struct<${(body as unknown as StructMsg).fields.map((f) => `${f.name}:${dataTypeString(f.dataType)}`).join(',')}>`;
    case 'unparsed':
      return String(body['dataTypeString']);
    default:
      return kind;
  }
}

export function structType(t: DataTypeMsg | undefined): StructType {
  const struct = t?.kind === 'struct' ? (t['struct'] as StructMsg) : { fields: [] };
  const fields = struct.fields.map((f) => ({ name: f.name, dataType: dataTypeString(f.dataType), nullable: f.nullable }));
  return { fields, ddl: fields.map((f) => `\`${f.name.replace(/`/g, '``')}\` ${f.dataType}`).join(', ') };
}
