-- The zesrec service role and database, applied by `infra/dev/postgres.sh up`
-- as the cluster superuser:
--   psql -v ON_ERROR_STOP=1 -v password=... -d postgres -f infra/postgres/roles.sql
-- Idempotent: safe to apply to a cluster where it already ran.
--
-- The service role owns its database (and so the tables it creates there) but
-- may not create databases or roles and is not a superuser: a compromised or
-- buggy service can damage only its own data.

SELECT 'CREATE ROLE zesrec LOGIN'
WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'zesrec')
\gexec

-- Re-stated on every run so that a role changed by hand is put back.
ALTER ROLE zesrec WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS
  PASSWORD :'password';

SELECT 'CREATE DATABASE zesrec OWNER zesrec ENCODING ''UTF8'' TEMPLATE template0'
WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = 'zesrec')
\gexec

ALTER DATABASE zesrec OWNER TO zesrec;
-- Only the service role (and superusers) may connect.
REVOKE ALL ON DATABASE zesrec FROM PUBLIC;
GRANT CONNECT, TEMPORARY ON DATABASE zesrec TO zesrec;

\connect zesrec

-- pgvector is created here, as superuser, so the service role needs no
-- superuser right for it. In PostgreSQL 15 schema public belongs to
-- pg_database_owner, i.e. to zesrec, which may therefore create tables in it.
CREATE EXTENSION IF NOT EXISTS vector;
