// Small tables the expression, join and window tests query, as temporary views of the shared
// test session (names prefixed drls_x_ so no other test's views collide with them).
import type { SparkSession } from '../../../bridge/connect/index.js';

export const EMP = 'drls_x_emp';
export const DEPT = 'drls_x_dept';

const STATEMENTS = [
  `CREATE OR REPLACE TEMP VIEW ${EMP} AS SELECT
     CAST(id AS INT) AS id, CAST(name AS STRING) AS name, CAST(dept AS STRING) AS dept,
     CAST(salary AS DOUBLE) AS salary, CAST(age AS INT) AS age, CAST(hired AS DATE) AS hired,
     CAST(ts AS TIMESTAMP) AS ts, CAST(tags AS ARRAY<STRING>) AS tags
   FROM VALUES
     (1, 'Ann',   'eng',   120.5, 34,   '2019-03-01', '2024-01-01 09:15:00', array('a', 'b')),
     (2, 'bob',   'eng',   99.0,  NULL, '2020-07-15', '2024-01-01 09:47:30', array('b')),
     (3, 'Cara',  'sales', 80.25, 45,   '2018-11-30', '2024-01-01 10:05:00', array()),
     (4, ' Dan ', 'sales', NULL,  29,   '2021-01-10', '2024-01-02 23:59:59', NULL),
     (5, 'eve',   NULL,    150.0, 52,   NULL,         '2024-01-03 00:00:01', array('c', 'a', 'c')),
     (6, 'Finn',  'hr',    65.0,  41,   '2022-05-05', NULL,                  array('x')),
     (7, 'Gus',   'eng',   99.0,  34,   '2023-02-28', '2024-01-01 09:59:59', array('b', 'a'))
   AS t(id, name, dept, salary, age, hired, ts, tags)`,
  `CREATE OR REPLACE TEMP VIEW ${DEPT} AS SELECT CAST(dept AS STRING) AS dept, CAST(floor AS INT) AS floor, CAST(budget AS DOUBLE) AS budget
   FROM VALUES ('eng', 3, 1000.0), ('sales', 1, 500.0), ('ops', 2, 300.0) AS t(dept, floor, budget)`,
];

/** Create the views (idempotent) and keep shuffles small, as the other Spark tests do. */
export async function createFixtures(spark: SparkSession): Promise<void> {
  await spark.conf.set('spark.sql.shuffle.partitions', 2);
  for (const sql of STATEMENTS) await spark.sql(sql);
}
