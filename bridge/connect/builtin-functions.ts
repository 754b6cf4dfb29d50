import { SPARK_FUNCTION_GROUPS, SPARK_FUNCTIONS_VERSION, type SparkBuiltinFunctions, type SparkFunctionGroup } from './generated/spark-functions.js';

// The list itself is generated at set-up from the pinned Spark's FunctionRegistry
// (scripts/gen-spark-functions.ts, into ./generated, not committed); this file is its typed face.

/** The name of a built-in function of the pinned Spark, e.g. `'date_format'`, `'+'`. */
export type SparkFunctionName = keyof SparkBuiltinFunctions;

export type { SparkFunctionGroup };

/** The Spark release the built-in function list was read from (the pinned one). */
export const BUILTIN_FUNCTIONS_VERSION: string = SPARK_FUNCTIONS_VERSION;

/** Whether `name` is a built-in function of the pinned Spark (Spark's names are case-insensitive). */
export function isBuiltinFunction(name: string): name is SparkFunctionName {
  return typeof name === 'string' && Object.hasOwn(SPARK_FUNCTION_GROUPS, name.toLowerCase());
}

/** The group Spark files a built-in function under (`agg_funcs`, `datetime_funcs`...), or undefined. */
export function builtinFunctionGroup(name: string): SparkFunctionGroup | undefined {
  return isBuiltinFunction(name) ? SPARK_FUNCTION_GROUPS[name.toLowerCase() as SparkFunctionName] : undefined;
}

/** Every built-in function name of the pinned Spark, sorted. */
export function builtinFunctionNames(): SparkFunctionName[] {
  return Object.keys(SPARK_FUNCTION_GROUPS) as SparkFunctionName[];
}
