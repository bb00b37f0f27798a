/** What the runner may use of the BI stage: provisioning a Superset (`turnover up --with-superset`). */
export { provisionSuperset, type ProvisionOptions, type SupersetProvisionReport } from './superset/index.js';
