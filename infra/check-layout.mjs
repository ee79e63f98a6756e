// Checks the compiled ARM template (infra/check.sh) against the code: the containers and tables it creates are exactly
// StorageLayout's, and the function app gets the storage endpoints it reads. Exit code 1 with the differences otherwise.
import { readFileSync } from 'node:fs';

const [templatePath, layoutPath] = process.argv.slice(2);
const template = JSON.parse(readFileSync(templatePath, 'utf8'));
const layout = readFileSync(layoutPath, 'utf8');

const constants = name => [...layout.matchAll(new RegExp(`const string \\w+${name} = "([^"]+)"`, 'g'))].map(m => m[1]);
const problems = [];
const same = (what, expected, actual) => {
  const missing = expected.filter(x => !actual.includes(x));
  const extra = actual.filter(x => !expected.includes(x));
  if (missing.length || extra.length || expected.length === 0) {
    problems.push(`${what}: code has [${expected}], template has [${actual}]`);
  }
};

same('containers', constants('Container'), template.variables?.layoutContainers ?? []);
same('tables', constants('Table'), template.variables?.layoutTables ?? []);

// Resources are an array, or an object keyed by symbolic name (language version 2.0).
const resources = Array.isArray(template.resources) ? template.resources : Object.values(template.resources ?? {});
const site = resources.find(r => r.type === 'Microsoft.Web/sites');
const settings = JSON.stringify(site?.properties?.siteConfig?.appSettings ?? []);
for (const name of ['AzureWebJobsStorage__accountName', 'Storage__blobServiceUri', 'Storage__tableServiceUri']) {
  if (!settings.includes(`"${name}"`)) {
    problems.push(`function app setting ${name} is missing`);
  }
}

if (problems.length) {
  console.error(`infra/check-layout.mjs: ${problems.join('; ')}`);
  process.exit(1);
}

console.log(`infra: main.bicep compiles and lints clean; ${constants('Container').length} containers, ${constants('Table').length} tables and the storage settings match the code.`);
