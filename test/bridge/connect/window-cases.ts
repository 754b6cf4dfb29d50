// The window oracle cases: window functions over specs with the expression API, and the same in SQL.
import { col, functions as F, Window } from '../../../index.js';
import { EMP } from './fixtures.js';
import type { OracleCase } from './oracle.js';

const byDept = Window.partitionBy('dept');

export const WINDOW_CASES: readonly OracleCase[] = [
  {
    name: 'row_number over a partition, ordered descending',
    api: (s) => s.table(EMP).select('id', F.rowNumber().over(byDept.orderBy(col('salary').descNullsLast(), 'id')).alias('rn')),
    sql: `SELECT id, row_number() OVER (PARTITION BY dept ORDER BY salary DESC NULLS LAST, id) AS rn FROM ${EMP}`,
  },
  {
    name: 'rank and dense_rank with ties',
    api: (s) =>
      s.table(EMP).select('id', F.rank().over(Window.orderBy('age')).alias('r'), F.denseRank().over(Window.orderBy(F.desc('salary'))).alias('dr')),
    sql: `SELECT id, rank() OVER (ORDER BY age) AS r, dense_rank() OVER (ORDER BY salary DESC) AS dr FROM ${EMP}`,
  },
  {
    name: 'lag and lead, with and without defaults',
    api: (s) => {
      const w = Window.orderBy('id');
      return s.table(EMP).select('id', F.lag('name').over(w).alias('prev'), F.lead('age', 2, -1).over(w).alias('next2'));
    },
    sql: `SELECT id, lag(name) OVER (ORDER BY id) AS prev, lead(age, 2, -1) OVER (ORDER BY id) AS next2 FROM ${EMP}`,
  },
  {
    name: 'running total: rowsBetween(unboundedPreceding, currentRow)',
    api: (s) =>
      s
        .table(EMP)
        .select('id', F.sum('salary').over(byDept.orderBy('id').rowsBetween(Window.unboundedPreceding, Window.currentRow)).alias('running')),
    sql: `SELECT id, sum(salary) OVER (PARTITION BY dept ORDER BY id ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS running FROM ${EMP}`,
  },
  {
    name: 'moving average: rowsBetween(-1, 1), and to the end of the partition',
    api: (s) => {
      const w = Window.orderBy('id');
      return s
        .table(EMP)
        .select(
          'id',
          F.avg('salary').over(w.rowsBetween(-1, 1)).alias('avg3'),
          F.max('age').over(w.rowsBetween(Window.currentRow, Window.unboundedFollowing)).alias('rest'),
        );
    },
    sql: `SELECT id, avg(salary) OVER (ORDER BY id ROWS BETWEEN 1 PRECEDING AND 1 FOLLOWING) AS avg3,
            max(age) OVER (ORDER BY id ROWS BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING) AS rest FROM ${EMP}`,
  },
  {
    name: 'rangeBetween over a value',
    api: (s) => s.table(EMP).select('id', F.count().over(Window.orderBy('age').rangeBetween(-10, 5)).alias('near')),
    sql: `SELECT id, count(1) OVER (ORDER BY age RANGE BETWEEN 10 PRECEDING AND 5 FOLLOWING) AS near FROM ${EMP}`,
  },
  {
    name: 'an aggregate over a whole partition',
    api: (s) => s.table(EMP).select('id', F.sum('salary').over(byDept).alias('dept_total'), F.count().over(Window.partitionBy()).alias('all')),
    sql: `SELECT id, sum(salary) OVER (PARTITION BY dept) AS dept_total, count(1) OVER () AS all FROM ${EMP}`,
  },
  {
    name: 'ntile, percent_rank, cume_dist',
    api: (s) => {
      const w = Window.orderBy('id');
      return s.table(EMP).select('id', F.ntile(3).over(w), F.percentRank().over(w), F.cumeDist().over(w));
    },
    sql: `SELECT id, ntile(3) OVER (ORDER BY id), percent_rank() OVER (ORDER BY id), cume_dist() OVER (ORDER BY id) FROM ${EMP}`,
  },
];
