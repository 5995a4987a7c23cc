// Makes the embedded database's template cluster (see embedded-template.ts): run by the build, and before tests.
import { makeTemplate } from './embedded-template.ts';

console.log(`embedded database template: ${await makeTemplate()}`);
