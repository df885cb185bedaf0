// @openfuas/server: the records server (issue 14). Node only (file system, crypto, sockets).
export { addCentre, addUser } from './admin.js';
export { createRecordsApp, type RecordsAppOptions } from './api/records-app.js';
export { LoginLimiter } from './auth/login-limiter.js';
export { hashPassword, verifyPassword } from './auth/password.js';
export { APP_ROLE, MIGRATIONS, migrate, schemaVersion } from './database/migrations.js';
export { type Actor, type OpenOptions, type RecordsDatabase, openRecordsDatabase } from './database/records-database.js';
export { RECORD_TABLES, ROLES, type Role } from './database/tables.js';
export { fhirBundle } from './fhir-bundle.js';
export { listenRecords } from './records-server.js';
export { pseudonymOf } from './pseudonym.js';
export { BACKUP_FORMAT, type RecordsBackup, backupRecords, restoreRecords } from './backup.js';
export { type SyncReport, syncOutbox } from './sync.js';
export { runRecordsCli } from './cli/records-cli.js';
