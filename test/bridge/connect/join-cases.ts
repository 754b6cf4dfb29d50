// The join oracle cases: each join with the expression API, and the same join in SQL.
import { col, functions as F } from '../../../index.js';
import { DEPT, EMP } from './fixtures.js';
import type { OracleCase } from './oracle.js';

export const JOIN_CASES: readonly OracleCase[] = [
  {
    name: 'inner join on a column name',
    api: (s) => s.table(EMP).join(s.table(DEPT), 'dept').select('dept', 'name', 'budget'),
    sql: `SELECT e.dept, e.name, d.budget FROM ${EMP} e JOIN ${DEPT} d USING (dept)`,
  },
  {
    name: 'left join on names (a list)',
    api: (s) => s.table(EMP).join(s.table(DEPT), ['dept'], 'left').select('id', 'dept', 'floor'),
    sql: `SELECT e.id, dept, d.floor FROM ${EMP} e LEFT JOIN ${DEPT} d USING (dept)`,
  },
  {
    name: 'right outer join',
    api: (s) => s.table(EMP).join(s.table(DEPT), 'dept', 'right_outer').select('dept', 'id'),
    sql: `SELECT dept, e.id FROM ${EMP} e RIGHT JOIN ${DEPT} d USING (dept)`,
  },
  {
    name: 'full outer join',
    api: (s) => s.table(EMP).join(s.table(DEPT), 'dept', 'full').select('dept', 'id', 'budget'),
    sql: `SELECT dept, e.id, d.budget FROM ${EMP} e FULL OUTER JOIN ${DEPT} d USING (dept)`,
  },
  {
    name: 'left semi join',
    api: (s) => s.table(EMP).join(s.table(DEPT), 'dept', 'semi').select('id'),
    sql: `SELECT id FROM ${EMP} e LEFT SEMI JOIN ${DEPT} d ON e.dept = d.dept`,
  },
  {
    name: 'left anti join',
    api: (s) => s.table(EMP).join(s.table(DEPT), 'dept', 'left_anti').select('id'),
    sql: `SELECT id FROM ${EMP} e LEFT ANTI JOIN ${DEPT} d ON e.dept = d.dept`,
  },
  {
    name: 'join on an expression, columns told apart by their DataFrame',
    api: (s) => {
      const e = s.table(EMP);
      const d = s.table(DEPT);
      return e
        .join(d, e.col('dept').eq(d.col('dept')).and(e.col('salary').gt(d.col('budget').divide(10))), 'left')
        .select(e.col('id'), e.col('dept'), d.col('dept').alias('ddept'), d.col('budget'));
    },
    sql: `SELECT e.id, e.dept, d.dept AS ddept, d.budget FROM ${EMP} e LEFT JOIN ${DEPT} d ON e.dept = d.dept AND e.salary > d.budget / 10`,
  },
  {
    name: 'self join through aliases',
    api: (s) =>
      s
        .table(EMP)
        .alias('a')
        .join(s.table(EMP).alias('b'), col('a.age').eq(col('b.age')).and(col('a.id').lt(col('b.id'))))
        .select(col('a.name').alias('first'), col('b.name').alias('second')),
    sql: `SELECT a.name AS first, b.name AS second FROM ${EMP} a JOIN ${EMP} b ON a.age = b.age AND a.id < b.id`,
  },
  {
    name: 'cross join, then aggregate',
    api: (s) => {
      const d = s.table(DEPT);
      return s.table(EMP).crossJoin(d).groupBy(d.col('dept')).agg(F.count().alias('n'));
    },
    sql: `SELECT d.dept, count(1) AS n FROM ${EMP} e CROSS JOIN ${DEPT} d GROUP BY d.dept`,
  },
];
