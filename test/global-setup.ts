import pg from 'pg';

/** Before a PostgreSQL run: drop the schemas a killed earlier run may have left behind. */
export default async function setup(): Promise<void> {
  if (process.env.VPS_TEST_DB !== 'postgres') return;
  const client = new pg.Client({
    connectionString: process.env.VPS_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test',
  });
  await client.connect();
  try {
    const { rows } = await client.query<{ nspname: string }>(
      "select nspname from pg_namespace where nspname like 't\\_%' and length(nspname) = 22",
    );
    for (const { nspname } of rows) await client.query(`drop schema if exists ${nspname} cascade`);
  } finally {
    await client.end();
  }
}
