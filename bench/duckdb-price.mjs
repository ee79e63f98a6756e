// The yardstick of the performance issue: the Pak & Zdanowicz price filter alone, as one DuckDB SQL query over the
// same CSV files the analyzer reads (USD conversion with an as-of join on fx.csv, Tukey fences k=2 on log unit
// prices per HS code and unit, groups of at least 11). Prints the best of two runs in seconds.
// Usage: node duckdb-price.mjs DIR   (DIR holds declarations.csv and fx.csv from `tradeanalyzer sample`)
import { DuckDBInstance } from '@duckdb/node-api';
import path from 'node:path';

const dir = process.argv[2];
if (!dir) {
  console.error('usage: node duckdb-price.mjs DIR');
  process.exit(2);
}
const decl = path.join(dir, 'declarations.csv').replaceAll("'", "''");
const fx = path.join(dir, 'fx.csv').replaceAll("'", "''");
const sql = `
WITH d AS (SELECT * FROM read_csv('${decl}', header = true)),
     r AS (SELECT * FROM read_csv('${fx}', header = true)),
     p AS (SELECT d.declaration_id, d.line_no, d.hs_code, d.quantity_unit,
                  ln(d.value * coalesce(r.usd_per_unit, 1.0) / d.quantity) AS lp
           FROM d ASOF LEFT JOIN r ON d.currency = r.currency AND d.declaration_date >= r.date
           WHERE d.quantity > 0 AND d.value > 0),
     s AS (SELECT hs_code, quantity_unit, quantile_cont(lp, 0.25) AS q1, quantile_cont(lp, 0.75) AS q3, count(*) AS n
           FROM p GROUP BY ALL)
SELECT count(*) AS flagged
FROM p JOIN s USING (hs_code, quantity_unit)
WHERE s.n >= 11 AND (p.lp > s.q3 + 2 * (s.q3 - s.q1) OR p.lp < s.q1 - 2 * (s.q3 - s.q1))`;

const instance = await DuckDBInstance.create(':memory:');
const connection = await instance.connect();
let best = Infinity;
let flagged = 0;
for (let i = 0; i < 2; i++) {
  const start = process.hrtime.bigint();
  const reader = await connection.runAndReadAll(sql);
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  flagged = Number(reader.getRows()[0][0]);
  best = Math.min(best, seconds);
}
console.log(`duckdb price filter: ${best.toFixed(2)} s, ${flagged} lines outside the fences`);
console.log(`RESULT duckdb seconds=${best.toFixed(2)} flagged=${flagged}`);
