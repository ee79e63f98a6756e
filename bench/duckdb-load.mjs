// A second yardstick beside duckdb-price.mjs: DuckDB loading the declarations and invoices files with every column
// (what the analyzer's read stage does: every field parsed, validated and kept), instead of the six columns the price
// query reads. Prints the best of two runs per file and both files in one go, in seconds.
// Usage: node duckdb-load.mjs DIR   (DIR holds declarations.csv and invoices.csv from `tradeanalyzer sample`)
import { DuckDBInstance } from '@duckdb/node-api';
import path from 'node:path';

const dir = process.argv[2];
if (!dir) {
  console.error('usage: node duckdb-load.mjs DIR');
  process.exit(2);
}
const csv = (file) => `read_csv('${path.join(dir, file).replaceAll("'", "''")}', header = true)`;
const steps = [
  ['declarations', [`CREATE OR REPLACE TABLE d AS SELECT * FROM ${csv('declarations.csv')}`]],
  ['invoices', [`CREATE OR REPLACE TABLE i AS SELECT * FROM ${csv('invoices.csv')}`]],
  ['both', [`CREATE OR REPLACE TABLE d AS SELECT * FROM ${csv('declarations.csv')}`,
            `CREATE OR REPLACE TABLE i AS SELECT * FROM ${csv('invoices.csv')}`]],
];

const instance = await DuckDBInstance.create(':memory:');
const connection = await instance.connect();
for (const [name, sqls] of steps) {
  let best = Infinity;
  for (let run = 0; run < 2; run++) {
    await connection.run('DROP TABLE IF EXISTS d; DROP TABLE IF EXISTS i');
    const start = process.hrtime.bigint();
    for (const sql of sqls) {
      await connection.run(sql);
    }
    best = Math.min(best, Number(process.hrtime.bigint() - start) / 1e9);
  }
  const rows = Number((await connection.runAndReadAll(
    name === 'invoices' ? 'SELECT count(*) FROM i' : 'SELECT count(*) FROM d')).getRows()[0][0]);
  console.log(`duckdb load ${name} (every column): ${best.toFixed(2)} s${name === 'both' ? '' : `, ${rows} rows`}`);
  console.log(`RESULT duckdb-load ${name} seconds=${best.toFixed(2)}`);
}
