/** The package's semantic version, for logs and delta and snapshot manifests. */
export const PACKAGE_VERSION: string = '0.0.0';
