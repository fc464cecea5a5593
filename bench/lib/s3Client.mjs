// @ts-check
/**
 * The S3 client of the benchmarks that talk to moto's server: its endpoint, path-style
 * addressing, dummy credentials. The SDK is imported only when a client is made, so runs
 * that never touch S3 do not load it.
 */

/**
 * @param {string} endpoint moto's base URL
 * @returns {Promise<import('@aws-sdk/client-s3').S3Client>}
 */
export const motoS3Client = async (endpoint) => {
  const { S3Client } = await import('@aws-sdk/client-s3');
  return new S3Client({
    endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
};
