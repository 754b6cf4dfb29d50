// The batch oracle cases: each query with the expression API, and the same query in SQL.
import { col, expr, fn, functions as F, lit, when } from '../../../index.js';
import { DEPT, EMP } from './fixtures.js';
import type { OracleCase } from './oracle.js';

export const EXPRESSION_CASES: readonly OracleCase[] = [
  // --- arithmetic, comparison, boolean ---
  {
    name: 'plus, minus, multiply',
    api: (s) => s.table(EMP).select(col('id'), col('salary').plus(10).alias('s'), col('id').multiply(2).minus(1).alias('m')),
    sql: `SELECT id, salary + 10 AS s, id * 2 - 1 AS m FROM ${EMP}`,
  },
  {
    name: 'divide, mod, negate',
    api: (s) => s.table(EMP).select(col('salary').divide(col('id')).alias('d'), col('id').mod(4).alias('r'), col('age').negate().alias('n')),
    sql: `SELECT salary / id AS d, id % 4 AS r, -age AS n FROM ${EMP}`,
  },
  {
    name: 'comparisons combined with and/or',
    api: (s) => s.table(EMP).filter(col('id').lt(3).or(col('id').gt(5)).and(col('age').ge(30))).select('id'),
    sql: `SELECT id FROM ${EMP} WHERE (id < 3 OR id > 5) AND age >= 30`,
  },
  {
    name: 'eq, ne, le against literals and columns',
    api: (s) => s.table(EMP).select('id', col('dept').eq('eng').alias('a'), col('dept').ne('eng').alias('b'), col('age').le(col('id').multiply(10)).alias('c')),
    sql: `SELECT id, dept = 'eng' AS a, dept != 'eng' AS b, age <= id * 10 AS c FROM ${EMP}`,
  },
  {
    name: 'not',
    api: (s) => s.table(EMP).filter(col('dept').eq('eng').not()).select('id'),
    sql: `SELECT id FROM ${EMP} WHERE NOT (dept = 'eng')`,
  },
  {
    name: 'eqNullSafe',
    api: (s) => s.table(EMP).select('id', col('dept').eqNullSafe('eng').alias('a'), col('dept').eqNullSafe(lit(null)).alias('b')),
    sql: `SELECT id, dept <=> 'eng' AS a, dept <=> NULL AS b FROM ${EMP}`,
  },
  {
    name: 'isNull and isNotNull',
    api: (s) => s.table(EMP).filter(col('salary').isNull().or(col('age').isNotNull().and(col('ts').isNull()))).select('id'),
    sql: `SELECT id FROM ${EMP} WHERE salary IS NULL OR (age IS NOT NULL AND ts IS NULL)`,
  },
  {
    name: 'isin, between',
    api: (s) => s.table(EMP).filter(col('dept').isin('eng', 'hr').and(col('age').between(30, 40))).select('id'),
    sql: `SELECT id FROM ${EMP} WHERE dept IN ('eng', 'hr') AND age BETWEEN 30 AND 40`,
  },
  {
    name: 'like, rlike, contains, startsWith, endsWith',
    api: (s) =>
      s.table(EMP).select(
        'id',
        col('name').like('%a%').alias('l'),
        col('name').rlike('^[A-Z]').alias('r'),
        col('name').contains('nn').alias('c'),
        col('name').startsWith('F').alias('sw'),
        col('name').endsWith('e').alias('ew'),
      ),
    sql: `SELECT id, name LIKE '%a%' AS l, name RLIKE '^[A-Z]' AS r, contains(name, 'nn') AS c, startswith(name, 'F') AS sw, endswith(name, 'e') AS ew FROM ${EMP}`,
  },
  {
    name: 'filter with a SQL string and a Column together',
    api: (s) => s.table(EMP).filter('age > 30').where(col('dept').isNotNull()).selectExpr('id', 'upper(name) AS n'),
    sql: `SELECT id, upper(name) AS n FROM ${EMP} WHERE age > 30 AND dept IS NOT NULL`,
  },
  // --- alias, cast, CASE WHEN, expr, literals ---
  {
    name: 'cast to several types',
    api: (s) =>
      s.table(EMP).select(
        col('salary').cast('int').alias('si'),
        col('id').cast('string').alias('sid'),
        col('hired').cast('string').alias('h'),
        col('age').cast('double').alias('ad'),
        lit('12').cast('bigint').alias('b'),
      ),
    sql: `SELECT CAST(salary AS INT) AS si, CAST(id AS STRING) AS sid, CAST(hired AS STRING) AS h, CAST(age AS DOUBLE) AS ad, CAST('12' AS BIGINT) AS b FROM ${EMP}`,
  },
  {
    name: 'when ... otherwise',
    api: (s) =>
      s.table(EMP).select('id', when(col('age').lt(35), 'young').when(col('age').lt(45), 'mid').otherwise('senior').alias('band')),
    sql: `SELECT id, CASE WHEN age < 35 THEN 'young' WHEN age < 45 THEN 'mid' ELSE 'senior' END AS band FROM ${EMP}`,
  },
  {
    name: 'when without otherwise is null',
    api: (s) => s.table(EMP).select('id', when(col('dept').eq('eng'), col('salary').multiply(2)).alias('x')),
    sql: `SELECT id, CASE WHEN dept = 'eng' THEN salary * 2 END AS x FROM ${EMP}`,
  },
  {
    name: 'expr() inside the API',
    api: (s) => s.table(EMP).select(expr('id * 100 AS h'), expr('upper(dept)').alias('d')).filter(expr('h > 200')),
    sql: `SELECT id * 100 AS h, upper(dept) AS d FROM ${EMP} WHERE id * 100 > 200`,
  },
  {
    name: 'literals of each kind',
    api: (s) =>
      s.range(1).select(
        lit(7).alias('i'),
        lit(5_000_000_000).alias('l'),
        lit(12n).alias('b'),
        lit(1.25).alias('d'),
        lit('x').alias('s'),
        lit(true).alias('t'),
        lit(null).alias('n'),
        lit([1, 2, 3]).alias('a'),
        lit(new Date(Date.UTC(2024, 1, 29, 12, 0, 0))).alias('ts'),
        lit(Uint8Array.from([0xca, 0xfe])).alias('bin'),
      ),
    sql: `SELECT 7 AS i, 5000000000 AS l, 12L AS b, CAST(1.25 AS DOUBLE) AS d, 'x' AS s, true AS t, NULL AS n, array(1, 2, 3) AS a, TIMESTAMP'2024-02-29 12:00:00' AS ts, X'CAFE' AS bin FROM range(1)`,
  },
  // --- strings, math, nulls ---
  {
    name: 'string functions',
    api: (s) =>
      s.table(EMP).select(
        F.upper('name'),
        F.lower('name'),
        F.length('name'),
        F.trim('name'),
        F.ltrim('name'),
        F.rtrim('name'),
        F.substring('name', 2, 3),
        F.concat('name', lit('-'), 'dept'),
        F.concatWs('/', 'name', 'dept'),
        F.initcap('name'),
        F.lpad('name', 6, '*'),
        F.rpad('name', 6, '*'),
        F.instr('name', 'a'),
      ),
    sql: `SELECT upper(name), lower(name), length(name), trim(name), ltrim(name), rtrim(name), substring(name, 2, 3),
            concat(name, '-', dept), concat_ws('/', name, dept), initcap(name), lpad(name, 6, '*'), rpad(name, 6, '*'), instr(name, 'a') FROM ${EMP}`,
  },
  {
    name: 'regular expressions and split',
    api: (s) =>
      s.table(EMP).select(
        F.regexpReplace('name', '[aeiou]', '_'),
        F.regexpExtract('name', '([A-Z])([a-z]+)', 2),
        F.split('name', 'a'),
        F.split('name', 'n', 2),
      ),
    sql: `SELECT regexp_replace(name, '[aeiou]', '_'), regexp_extract(name, '([A-Z])([a-z]+)', 2), split(name, 'a'), split(name, 'n', 2) FROM ${EMP}`,
  },
  {
    name: 'math functions',
    api: (s) =>
      s.table(EMP).select(
        F.round('salary', 1),
        F.round('salary'),
        F.abs(col('age').negate()),
        F.sqrt('age'),
        F.floor('salary'),
        F.ceil('salary'),
        F.pow('age', 2),
        F.exp(lit(0)),
        F.ln(lit(1)),
        F.log(10, lit(100)),
      ),
    sql: `SELECT round(salary, 1), round(salary, 0), abs(-age), sqrt(age), floor(salary), ceil(salary), power(age, 2D), exp(0), ln(1), log(10D, 100) FROM ${EMP}`,
  },
  {
    name: 'coalesce, greatest, least, isnan',
    api: (s) => s.table(EMP).select(F.coalesce('dept', lit('none')), F.greatest('age', 'id'), F.least('age', 'id'), F.isnan('salary')),
    sql: `SELECT coalesce(dept, 'none'), greatest(age, id), least(age, id), isnan(salary) FROM ${EMP}`,
  },
  {
    name: 'hashes',
    api: (s) => s.table(EMP).select(F.hash('id', 'name'), F.md5('name'), F.sha2('name', 256)),
    sql: `SELECT hash(id, name), md5(name), sha2(name, 256) FROM ${EMP}`,
  },
  // --- dates and times ---
  {
    name: 'date parts and arithmetic',
    api: (s) =>
      s.table(EMP).select(
        F.year('hired'),
        F.month('hired'),
        F.dayofmonth('hired'),
        F.dayofweek('hired'),
        F.dayofyear('hired'),
        F.hour('ts'),
        F.minute('ts'),
        F.second('ts'),
        F.toDate('ts'),
        F.dateAdd('hired', 30),
        F.dateSub('hired', 1),
        F.datediff(F.toDate('ts'), 'hired'),
      ),
    sql: `SELECT year(hired), month(hired), dayofmonth(hired), dayofweek(hired), dayofyear(hired), hour(ts), minute(ts), second(ts),
            to_date(ts), date_add(hired, 30), date_sub(hired, 1), datediff(to_date(ts), hired) FROM ${EMP}`,
  },
  {
    name: 'formatting and parsing dates and times',
    api: (s) =>
      s.table(EMP).select(
        F.dateFormat('ts', 'yyyy-MM-dd HH:mm'),
        F.toDate(F.dateFormat('hired', 'dd/MM/yyyy'), 'dd/MM/yyyy'),
        F.toTimestamp(F.dateFormat('ts', 'yyyyMMddHHmmss'), 'yyyyMMddHHmmss'),
        F.unixTimestamp('ts'),
        F.fromUnixtime(F.unixTimestamp('ts'), 'yyyy-MM-dd'),
        F.dateTrunc('hour', 'ts'),
      ),
    sql: `SELECT date_format(ts, 'yyyy-MM-dd HH:mm'), to_date(date_format(hired, 'dd/MM/yyyy'), 'dd/MM/yyyy'),
            to_timestamp(date_format(ts, 'yyyyMMddHHmmss'), 'yyyyMMddHHmmss'), unix_timestamp(ts),
            from_unixtime(unix_timestamp(ts), 'yyyy-MM-dd'), date_trunc('hour', ts) FROM ${EMP}`,
  },
  {
    name: 'current_timestamp and current_date',
    api: (s) => s.range(1).select(F.currentTimestamp().isNotNull().alias('t'), F.currentDate().ge(F.toDate(lit('2024-01-01'))).alias('d')),
    sql: `SELECT current_timestamp() IS NOT NULL AS t, current_date() >= to_date('2024-01-01') AS d FROM range(1)`,
  },
  {
    name: 'event-time tumbling window in a batch',
    api: (s) =>
      s
        .table(EMP)
        .groupBy(F.window('ts', '1 hour'))
        .agg(F.count().alias('n'), F.sum('salary').alias('total'))
        .select(col('window').getField('start').alias('start'), col('window.end').alias('end'), 'n', 'total'),
    sql: `SELECT window.start AS start, window.end AS end, count(1) AS n, sum(salary) AS total FROM ${EMP} GROUP BY window(ts, '1 hour')`,
  },
  {
    name: 'event-time sliding window in a batch',
    api: (s) => s.table(EMP).groupBy(F.window('ts', '1 hour', '30 minutes')).agg(F.max('id').alias('m')).select(col('window.start'), 'm'),
    sql: `SELECT window.start, max(id) AS m FROM ${EMP} GROUP BY window(ts, '1 hour', '30 minutes')`,
  },
  // --- aggregation ---
  {
    name: 'groupBy().agg() with many aggregates',
    api: (s) =>
      s
        .table(EMP)
        .groupBy('dept')
        .agg(
          F.count().alias('n'),
          F.sum('salary').alias('total'),
          F.avg('age').alias('avg_age'),
          F.min('hired').alias('first'),
          F.max('ts').alias('last'),
          F.countDistinct('age').alias('ages'),
          F.sumDistinct('salary').alias('ds'),
          F.mean('salary').alias('m'),
        ),
    sql: `SELECT dept, count(*) AS n, sum(salary) AS total, avg(age) AS avg_age, min(hired) AS first, max(ts) AS last,
            count(DISTINCT age) AS ages, sum(DISTINCT salary) AS ds, mean(salary) AS m FROM ${EMP} GROUP BY dept`,
  },
  {
    name: 'GroupedData count',
    api: (s) => s.table(EMP).groupBy('dept').count(),
    sql: `SELECT dept, count(1) AS count FROM ${EMP} GROUP BY dept`,
  },
  {
    name: 'GroupedData sum of two columns',
    api: (s) => s.table(EMP).groupBy('dept').sum('salary', 'age'),
    sql: `SELECT dept, sum(salary), sum(age) FROM ${EMP} GROUP BY dept`,
  },
  {
    name: 'GroupedData avg, mean, min, max',
    api: (s) =>
      s
        .table(EMP)
        .groupBy('dept')
        .avg('salary')
        .join(s.table(EMP).groupBy('dept').mean('age'), 'dept')
        .join(s.table(EMP).groupBy('dept').min('id'), 'dept')
        .join(s.table(EMP).groupBy('dept').max('hired'), 'dept'),
    sql: `SELECT dept, avg(salary), avg(age), min(id), max(hired) FROM ${EMP} WHERE dept IS NOT NULL GROUP BY dept`,
  },
  {
    name: 'agg by { column: function }',
    api: (s) => s.table(EMP).groupBy('dept').agg({ salary: 'max', id: 'count' }),
    sql: `SELECT dept, max(salary), count(id) FROM ${EMP} GROUP BY dept`,
  },
  {
    name: 'agg over all rows',
    api: (s) => s.table(EMP).agg(F.max('salary'), F.min('age'), F.count('dept'), F.approxCountDistinct('dept')),
    sql: `SELECT max(salary), min(age), count(dept), approx_count_distinct(dept) FROM ${EMP}`,
  },
  {
    name: 'groupBy an expression, then filter the groups',
    api: (s) =>
      s
        .table(EMP)
        .groupBy(F.year('hired').alias('y'), col('age').gt(35).alias('older'))
        .agg(F.count().alias('n'))
        .filter(col('n').ge(1).and(col('y').isNotNull())),
    sql: `SELECT year(hired) AS y, age > 35 AS older, count(1) AS n FROM ${EMP} GROUP BY year(hired), age > 35 HAVING count(1) >= 1 AND year(hired) IS NOT NULL`,
  },
  {
    name: 'rollup',
    api: (s) => s.table(EMP).rollup('dept', 'age').agg(F.sum('salary').alias('total')),
    sql: `SELECT dept, age, sum(salary) AS total FROM ${EMP} GROUP BY ROLLUP(dept, age)`,
  },
  {
    name: 'cube',
    api: (s) => s.table(EMP).cube('dept').count(),
    sql: `SELECT dept, count(1) AS count FROM ${EMP} GROUP BY CUBE(dept)`,
  },
  {
    name: 'collect_list, stddev, variance, max_by, min_by',
    api: (s) =>
      s
        .table(EMP)
        .groupBy('dept')
        .agg(
          F.sortArray(F.collectList('name')).alias('names'),
          F.sortArray(F.collectSet('age'), false).alias('ages'),
          F.round(F.stddev('salary'), 6).alias('sd'),
          F.round(F.variance('salary'), 6).alias('var'),
          F.maxBy('name', 'id').alias('newest'),
          F.minBy('name', 'id').alias('oldest'),
        ),
    sql: `SELECT dept, sort_array(collect_list(name)) AS names, sort_array(collect_set(age), false) AS ages, round(stddev(salary), 6) AS sd,
            round(variance(salary), 6) AS var, max_by(name, id) AS newest, min_by(name, id) AS oldest FROM ${EMP} GROUP BY dept`,
  },
  // --- order, limit, distinct ---
  {
    name: 'orderBy desc nulls first, then a name',
    api: (s) => s.table(EMP).orderBy(col('salary').descNullsFirst(), 'id').select('id', 'salary'),
    sql: `SELECT id, salary FROM ${EMP} ORDER BY salary DESC NULLS FIRST, id`,
    ordered: true,
  },
  {
    name: 'orderBy with desc()/asc() functions and default null order',
    api: (s) => s.table(EMP).orderBy(F.desc('age'), F.asc('name')).select('name', 'age'),
    sql: `SELECT name, age FROM ${EMP} ORDER BY age DESC, name ASC`,
    ordered: true,
  },
  {
    name: 'sort with nulls last, then limit',
    api: (s) => s.table(EMP).sort(col('age').ascNullsLast(), col('id').desc()).limit(4).select('id'),
    sql: `SELECT id FROM ${EMP} ORDER BY age ASC NULLS LAST, id DESC LIMIT 4`,
    ordered: true,
  },
  {
    name: 'sort ascending puts nulls first; descNullsLast',
    api: (s) => s.table(EMP).sort('dept', col('hired').descNullsLast()).select('dept', 'hired'),
    sql: `SELECT dept, hired FROM ${EMP} ORDER BY dept, hired DESC NULLS LAST`,
    ordered: true,
  },
  {
    name: 'distinct and dropDuplicates',
    api: (s) => s.table(EMP).select('dept', 'age').dropDuplicates().union(s.table(EMP).dropDuplicates('dept').select('dept', lit(0).alias('age'))).distinct(),
    sql: `SELECT DISTINCT * FROM (SELECT DISTINCT dept, age FROM ${EMP} UNION ALL SELECT DISTINCT dept, 0 AS age FROM ${EMP})`,
  },
  // --- set operations, column plumbing ---
  {
    name: 'union keeps duplicates',
    api: (s) => s.table(EMP).filter(col('id').lt(3)).select('id', 'name').union(s.table(EMP).filter(col('id').gt(1)).select('id', 'name')),
    sql: `SELECT id, name FROM ${EMP} WHERE id < 3 UNION ALL SELECT id, name FROM ${EMP} WHERE id > 1`,
  },
  {
    name: 'unionByName, with missing columns',
    api: (s) =>
      s
        .table(EMP)
        .select('id', 'name')
        .unionByName(s.table(EMP).select('dept', 'id'), { allowMissingColumns: true })
        .unionByName(s.table(EMP).select('dept', 'name', 'id')),
    sql: `SELECT id, name, CAST(NULL AS STRING) AS dept FROM ${EMP} UNION ALL SELECT id, NULL, dept FROM ${EMP} UNION ALL SELECT id, name, dept FROM ${EMP}`,
  },
  {
    name: 'intersect and subtract',
    api: (s) =>
      s
        .table(EMP)
        .select('dept')
        .intersect(s.table(DEPT).select('dept'))
        .union(s.table(DEPT).select('dept').subtract(s.table(EMP).select('dept'))),
    sql: `(SELECT dept FROM ${EMP} INTERSECT SELECT dept FROM ${DEPT}) UNION ALL (SELECT dept FROM ${DEPT} EXCEPT SELECT dept FROM ${EMP})`,
  },
  {
    name: 'drop, withColumnRenamed, withColumns, withColumn',
    api: (s) =>
      s
        .table(EMP)
        .drop('tags', 'ts', col('hired'), 'no_such_column')
        .withColumnRenamed('name', 'who')
        .withColumnsRenamed({ dept: 'team', absent: 'x' })
        .withColumns({ double_id: col('id').multiply(2), age_plus: 'age + 1' })
        .withColumn('salary', col('salary').plus(1)),
    sql: `SELECT id, name AS who, dept AS team, salary + 1 AS salary, age, id * 2 AS double_id, age + 1 AS age_plus FROM ${EMP}`,
  },
  {
    name: 'select with *, a star of an alias, and repartition',
    api: (s) => s.table(EMP).alias('e').select('e.*', 'id').repartition(3, 'dept').coalesce(1).drop('tags'),
    sql: `SELECT id, name, dept, salary, age, hired, ts, id FROM ${EMP} e`,
  },
  // --- arrays, maps, structs, generators ---
  {
    name: 'explode and explode_outer',
    api: (s) => s.table(EMP).select('id', F.explode('tags').alias('tag')).union(s.table(EMP).select('id', F.explodeOuter('tags').alias('tag'))),
    sql: `SELECT id, explode(tags) AS tag FROM ${EMP} UNION ALL SELECT id, explode_outer(tags) AS tag FROM ${EMP}`,
  },
  {
    name: 'posexplode',
    api: (s) => s.table(EMP).select('id', F.posexplode('tags')),
    sql: `SELECT id, posexplode(tags) FROM ${EMP}`,
  },
  {
    name: 'array functions',
    api: (s) =>
      s
        .table(EMP)
        .filter(F.size('tags').gt(1))
        .select('id', F.size('tags'), F.arrayContains('tags', 'a'), F.sortArray('tags', false), F.arrayDistinct('tags'), F.elementAt('tags', 2), col('tags').getItem(0)),
    sql: `SELECT id, size(tags), array_contains(tags, 'a'), sort_array(tags, false), array_distinct(tags), element_at(tags, 2), tags[0] FROM ${EMP} WHERE size(tags) > 1`,
  },
  {
    name: 'array, struct, map and their fields',
    api: (s) =>
      s
        .table(EMP)
        .select(
          F.array('id', 'age').alias('a'),
          F.struct('id', 'name').alias('st'),
          F.struct('id', 'name').getField('name').alias('n'),
          F.createMap(lit('k'), col('id')).getItem('k').alias('m'),
          F.mapKeys(F.createMap(lit('k'), col('id'), lit('j'), col('age'))).alias('mk'),
          F.mapValues(F.createMap(lit('k'), col('id'))).alias('mv'),
        ),
    sql: `SELECT array(id, age) AS a, struct(id, name) AS st, struct(id, name).name AS n, map('k', id)['k'] AS m,
            map_keys(map('k', id, 'j', age)) AS mk, map_values(map('k', id)) AS mv FROM ${EMP}`,
  },
  // --- every other built-in: fn() and callFunction() ---
  {
    name: 'fn() calls any built-in by its Spark name; callFunction() by any name',
    api: (s) =>
      s.table(EMP).select(fn('nvl', 'age', 0).alias('a'), fn('char_length', 'name'), fn('bit_length', 'name'), fn('try_divide', 'salary', 0), F.callFunction('upper', 'name')),
    sql: `SELECT nvl(age, 0) AS a, char_length(name), bit_length(name), try_divide(salary, 0), upper(name) FROM ${EMP}`,
  },
  // --- missing values ---
  {
    name: 'na.fill with a number and with a per-column object',
    api: (s) =>
      s
        .table(EMP)
        .select('id', 'salary', 'age', 'dept')
        .na.fill(0)
        .na.fill({ dept: 'none' }),
    sql: `SELECT id, coalesce(salary, CAST(0 AS DOUBLE)) AS salary, coalesce(age, 0) AS age, coalesce(dept, 'none') AS dept FROM ${EMP}`,
  },
  {
    name: 'na.fill a string into a subset',
    api: (s) => s.table(EMP).select('id', 'dept', 'name').na.fill('?', ['dept']),
    sql: `SELECT id, coalesce(dept, '?') AS dept, name FROM ${EMP}`,
  },
  {
    name: 'na.drop any, all, thresh',
    api: (s) =>
      s
        .table(EMP)
        .na.drop()
        .select('id', lit('any').alias('how'))
        .union(s.table(EMP).na.drop({ how: 'all', subset: ['salary', 'age'] }).select('id', lit('all').alias('how')))
        .union(s.table(EMP).na.drop({ thresh: 3, subset: ['dept', 'salary', 'age', 'ts'] }).select('id', lit('thresh').alias('how'))),
    sql: `SELECT id, 'any' AS how FROM ${EMP} WHERE id IS NOT NULL AND name IS NOT NULL AND dept IS NOT NULL AND salary IS NOT NULL
              AND age IS NOT NULL AND hired IS NOT NULL AND ts IS NOT NULL AND tags IS NOT NULL
          UNION ALL SELECT id, 'all' FROM ${EMP} WHERE salary IS NOT NULL OR age IS NOT NULL
          UNION ALL SELECT id, 'thresh' FROM ${EMP}
            WHERE (IF(dept IS NULL, 0, 1) + IF(salary IS NULL, 0, 1) + IF(age IS NULL, 0, 1) + IF(ts IS NULL, 0, 1)) >= 3`,
  },
];
