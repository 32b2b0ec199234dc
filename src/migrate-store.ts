// `npm run migrate-store -- FROM TO [--overwrite]`: copies every key of the store at FROM
// into the store at TO, each with its TTL; both are DATABASE_URL values, e.g.
//   npm run migrate-store -- sqlite://data/mjcord.sqlite postgres://mjcord:…@db.example/mjcord
// Stop the bot first: what it writes during the copy may be missed.
import { StoreError } from "./jobs/store.js";
import { redactUrl } from "./jobs/store-error.js";
import { MigrateError, migrateStore } from "./jobs/store-migrate.js";

const USAGE =
  "usage: npm run migrate-store -- FROM TO [--overwrite]  (store URLs, as DATABASE_URL)";
const args = process.argv.slice(2);
const overwrite = args.includes("--overwrite");
const [from, to, ...rest] = args.filter((a) => a !== "--overwrite");

if (!from || !to || rest.length > 0) {
  process.stderr.write(`${USAGE}\n`);
  process.exit(2);
}
try {
  const { copied, expired } = await migrateStore(from, to, { overwrite });
  process.stdout.write(
    `Copied ${copied} keys from ${redactUrl(from)} to ${redactUrl(to)}` +
      (expired > 0 ? ` (${expired} expired ones left behind)` : "") +
      "\n",
  );
} catch (error: unknown) {
  const message =
    error instanceof StoreError || error instanceof MigrateError
      ? error.message
      : `the migration failed: ${error instanceof Error ? error.message : String(error)}`;
  process.stderr.write(`migrate-store: ${message}\n`);
  process.exit(1);
}
