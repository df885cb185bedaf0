// @openfuas/server: the records server (issue 14). Node only (file system, crypto, sockets); the browser-safe
// offline store is `@openfuas/server/browser` (browser.ts).
export { addCentre, addUser } from './admin.js';
export { createRecordsApp, type RecordsAppOptions } from './api/records-app.js';
export { LoginLimiter } from './auth/login-limiter.js';
export { hashPassword, verifyPassword } from './auth/password.js';
export { APP_ROLE, MIGRATIONS, MIN_CELL, migrate, schemaVersion } from './database/migrations.js';
export { type Actor, type OpenOptions, type RecordsDatabase, openRecordsDatabase } from './database/records-database.js';
export { RECORD_TABLES, ROLES, type Role } from './database/tables.js';
export { fhirBundle } from './fhir-bundle.js';
export { listenRecords } from './records-server.js';
export { pseudonymOf } from './pseudonym.js';
export { BACKUP_FORMAT, type RecordsBackup, backupRecords, restoreRecords } from './backup.js';
export { type SyncReport, outboxRequest, syncOutbox } from './sync.js';
export { type Funnel, type FunnelCentre, Z95, Z998, funnel, funnelLimits } from './analytics/funnel.js';
export { runRecordsCli } from './cli/records-cli.js';
