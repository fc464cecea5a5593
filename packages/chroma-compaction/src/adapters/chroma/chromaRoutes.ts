/**
 * The collections route of Chroma's default tenant and database, where a local persist
 * directory keeps its collections (the Python producers' too). Its own module, free of
 * `chromadb`, so the CLI can use it without loading the client. @internal
 */
export const COLLECTIONS_PATH =
  '/api/v2/tenants/default_tenant/databases/default_database/collections';
