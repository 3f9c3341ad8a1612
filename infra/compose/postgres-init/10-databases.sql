-- Run once by the official postgres image, on an empty data volume (/docker-entrypoint-initdb.d).
-- One server, one database per service, as the local launcher does (DESIGN.md §2.4: own data only;
-- each service's DATABASE_URL names its own database and only its own Alembic history runs there).
-- tests/contracts/test_compose.py checks that every service's database is created here.
CREATE DATABASE supplier;
CREATE DATABASE scoring;
CREATE DATABASE gateway;
