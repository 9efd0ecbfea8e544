internal import EmbeddingCache
internal import NIOSSL

extension PostgresEmbeddingStore.Configuration {
    /// Checks that `path` holds at least one PEM certificate, as `sslrootcert` must.
    ///
    /// - Parameter path: The `sslrootcert` value.
    /// - Returns: `path`.
    /// - Throws: ``EmbeddingCacheError`` `.invalidArgument` naming the file when it cannot be read
    ///   or holds no PEM certificate.
    static func checkedRootCertificate(at path: String) throws(EmbeddingCacheError) -> String {
        let certificates: [NIOSSLCertificate]
        do {
            certificates = try NIOSSLCertificate.fromPEMFile(path)
        } catch {
            throw EmbeddingCacheError(
                .invalidArgument,
                "sslrootcert '\(path)' is not a readable file of PEM certificates",
                underlying: error
            )
        }
        guard !certificates.isEmpty else {
            throw EmbeddingCacheError(.invalidArgument, "sslrootcert '\(path)' holds no PEM certificate")
        }
        return path
    }
}
